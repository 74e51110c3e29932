// In-memory "database" of the emulator (experiments, batches, stored stdout/stderr, the
// trustee's secrets), with optional persistence to one JSON file for the sandbox.
// Why the trustee is never written to disk: the real trustee keeps secrets in memory only,
// and the emulator must not leave credentials in files.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { objectId } from './ids.mjs';

export const TERMINAL_STATES = new Set(['succeeded', 'failed', 'cancelled']);
export const BATCH_STATES = [
	'registered',
	'scheduled',
	'processing',
	'succeeded',
	'failed',
	'cancelled',
];

const FILE_FORMAT = 'cc-agency-emulator/1';

export class Store {
	/** @param {{dataFile?: string|null, saveDelayMs?: number}} options */
	constructor({ dataFile = null, saveDelayMs = 50 } = {}) {
		this.dataFile = dataFile;
		this.saveDelayMs = saveDelayMs;
		this.lastSaveMs = 0;
		this.saveTimer = null;
		this.clear();
	}

	clear() {
		/** @type {Map<string, object>} insertion order = registration order */
		this.experiments = new Map();
		/** @type {Map<string, object>} */
		this.batches = new Map();
		/** @type {Map<string, string[]>} experimentId -> batch ids in batchesListIndex order */
		this.batchIdsByExperiment = new Map();
		/** @type {Map<string, {stdout?: string, stderr?: string}>} */
		this.streams = new Map();
		/** Scheduler bookkeeping that is not part of the documents (e.g. when processing ends). */
		this.sim = new Map();
		/** @type {Map<string, unknown>} trustee: secret key (UUID) -> secret value; memory only */
		this.trustee = new Map();
	}

	insertExperiment(doc) {
		const id = doc._id ?? objectId(doc.registrationTime);
		const stored = { _id: id, ...doc };
		this.experiments.set(id, stored);
		this.batchIdsByExperiment.set(id, this.batchIdsByExperiment.get(id) ?? []);
		return stored;
	}

	insertBatch(doc) {
		const id = doc._id ?? objectId(doc.registrationTime);
		const stored = { _id: id, ...doc };
		this.batches.set(id, stored);
		if (!this.batchIdsByExperiment.has(stored.experimentId))
			this.batchIdsByExperiment.set(stored.experimentId, []);
		this.batchIdsByExperiment.get(stored.experimentId).push(id);
		return stored;
	}

	batchesOfExperiment(experimentId) {
		return (this.batchIdsByExperiment.get(experimentId) ?? [])
			.map((id) => this.batches.get(id))
			.filter(Boolean);
	}

	/** Looks a document up the way a (non-admin) user may see it; ids compare case-insensitively. */
	visible(collection, id, user) {
		const doc = this[collection].get(String(id).toLowerCase());
		if (!doc) return null;
		return user.admin || doc.username === user.username ? doc : null;
	}

	// ---- persistence ----

	/** Loads the data file if there is one. Returns true when state was loaded. */
	load() {
		if (!this.dataFile || !existsSync(this.dataFile)) return false;
		const raw = readFileSync(this.dataFile, 'utf8');
		if (!raw.trim()) return false;
		const data = JSON.parse(raw);
		if (data.format !== FILE_FORMAT)
			throw new Error(`${this.dataFile}: not a cc-agency emulator data file`);
		this.clear();
		for (const e of data.experiments ?? []) this.insertExperiment(e);
		for (const b of data.batches ?? []) this.insertBatch(b);
		for (const [id, s] of Object.entries(data.streams ?? {})) this.streams.set(id, s);
		for (const [id, s] of Object.entries(data.sim ?? {})) this.sim.set(id, s);
		return true;
	}

	/**
	 * Marks the state dirty; writes are coalesced so bursts of changes cost one write. The
	 * delay grows with the cost of a write (a store with 10 000 batches is ~10 MB), so the
	 * synchronous save never takes more than a fifth of the event loop.
	 */
	changed() {
		if (!this.dataFile || this.saveTimer) return;
		this.saveTimer = setTimeout(
			() => {
				this.saveTimer = null;
				this.saveNow();
			},
			Math.max(this.saveDelayMs, this.lastSaveMs * 4),
		);
		this.saveTimer.unref();
	}

	/** Writes pending changes synchronously (used on close). */
	flush() {
		if (!this.saveTimer) return;
		clearTimeout(this.saveTimer);
		this.saveTimer = null;
		this.saveNow();
	}

	saveNow() {
		if (!this.dataFile) return;
		const data = {
			format: FILE_FORMAT,
			savedAt: Date.now() / 1000,
			experiments: [...this.experiments.values()],
			batches: [...this.batches.values()],
			streams: Object.fromEntries(this.streams),
			sim: Object.fromEntries(this.sim),
		};
		mkdirSync(dirname(this.dataFile), { recursive: true });
		// Write-then-rename so a crash never leaves a half-written file behind.
		const started = performance.now();
		const tmp = `${this.dataFile}.${process.pid}.tmp`;
		writeFileSync(tmp, JSON.stringify(data));
		renameSync(tmp, this.dataFile);
		this.lastSaveMs = performance.now() - started;
	}
}
