// Import sessions on disk (reference A.9, B.6): the session objects, the flow.js chunks and
// the receipt log, under <dataDir>/imports/ (a temporary directory without a data dir).
//
//   imports/meta.json                         {nextId, nextFlowFileId}
//   imports/faults.json                       lifetime chunk count for crash points
//   imports/tmp/                              bodies being received (emptied at start)
//   imports/sessions/<id>/session.json        the session, its options and per-file chunk state
//   imports/sessions/<id>/chunks/<key>/<n>    chunk n (1-based) of one file; key = hash of the
//                                             flowIdentifier, so any identifier is a safe name
//   imports/sessions/<id>/receipts.log        one JSON line per chunk request (append-only)
//   imports/sessions/<id>/confirmed.log       one JSON line per 200 fully written to the socket
//
// Why everything is written synchronously (tmp file + rename for JSON, appendFileSync for the
// logs) before a response goes out: the reliability tests kill the process at any moment, and
// whatever a client was told (201, 200, 204) must still be true after a restart. A process
// kill does not lose page-cache writes, so no fsync (a power cut is out of scope).
import { createHash } from 'node:crypto';
import {
	appendFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isoNow } from './dates.mjs';

/** Writes JSON atomically: a crash leaves the old file or the new one, never half of one. */
export function writeJsonAtomic(path, value) {
	const tmp = `${path}.${process.pid}.tmp`;
	writeFileSync(tmp, JSON.stringify(value));
	renameSync(tmp, path);
}

function readJson(path, fallback = null) {
	try {
		return JSON.parse(readFileSync(path, 'utf8'));
	} catch {
		return fallback;
	}
}

/** JSON lines; a torn last line (a kill during the append) is skipped. */
function readLines(path) {
	if (!existsSync(path)) return [];
	const out = [];
	for (const line of readFileSync(path, 'utf8').split('\n')) {
		if (!line.trim()) continue;
		try {
			out.push(JSON.parse(line));
		} catch {
			/* torn line */
		}
	}
	return out;
}

export const fileKey = (identifier) =>
	createHash('sha1').update(String(identifier)).digest('hex').slice(0, 24);

const chunkRef = (identifier, number) => `${identifier}\u0000${number}`;

export class ImportStore {
	/** @param {string|null} dataDir */
	constructor(dataDir) {
		this.temporary = !dataDir;
		this.root = dataDir
			? join(dataDir, 'imports')
			: mkdtempSync(join(tmpdir(), 'agora-emulator-imports-'));
		this.tmpDir = join(this.root, 'tmp');
		this.sessionsDir = join(this.root, 'sessions');
		/** @type {Map<number, object>} */
		this.sessions = new Map();
		/** Per session: receipts (counts) and confirmed chunks, rebuilt from the logs. */
		this.accounting = new Map();
		this.meta = { nextId: 1, nextFlowFileId: 1 };
		this.load();
	}

	load() {
		mkdirSync(this.sessionsDir, { recursive: true });
		// Bodies that were being received when the process died are garbage now.
		rmSync(this.tmpDir, { recursive: true, force: true });
		mkdirSync(this.tmpDir, { recursive: true });
		this.meta = { nextId: 1, nextFlowFileId: 1, ...readJson(join(this.root, 'meta.json'), {}) };
		this.sessions.clear();
		this.accounting.clear();
		for (const name of readdirSync(this.sessionsDir)) {
			const session = readJson(join(this.sessionsDir, name, 'session.json'));
			if (!session) continue;
			this.sessions.set(session.id, session);
			this.reconcile(session);
			const acc = this.accountingOf(session.id);
			for (const r of readLines(join(this.sessionDir(session.id), 'receipts.log'))) acc.add(r);
			for (const c of readLines(join(this.sessionDir(session.id), 'confirmed.log')))
				acc.confirmed.add(chunkRef(c.identifier, c.number));
			this.meta.nextId = Math.max(this.meta.nextId, session.id + 1);
		}
	}

	/**
	 * A chunk file renamed into place just before a kill, with session.json not yet updated,
	 * still counts: the chunk directory is the truth for what was received.
	 */
	reconcile(session) {
		for (const file of session.files) {
			const dir = this.chunkDir(session.id, file.key);
			if (!existsSync(dir)) continue;
			for (const name of readdirSync(dir)) {
				const n = Number(name);
				if (Number.isInteger(n) && n >= 1 && n <= file.totalChunks && !(name in file.chunks))
					file.chunks[name] = null; // size unknown until read; only presence matters
			}
		}
	}

	accountingOf(id) {
		let acc = this.accounting.get(id);
		if (!acc) {
			const receipts = [];
			acc = {
				receipts,
				confirmed: new Set(),
				add: (r) => receipts.push(r),
			};
			this.accounting.set(id, acc);
		}
		return acc;
	}

	sessionDir(id) {
		return join(this.sessionsDir, String(id));
	}

	chunkDir(id, key) {
		return join(this.sessionDir(id), 'chunks', key);
	}

	chunkPath(id, key, number) {
		return join(this.chunkDir(id, key), String(number));
	}

	get(id) {
		const n = typeof id === 'number' ? id : /^\d+$/.test(String(id)) ? Number(id) : NaN;
		return this.sessions.get(n);
	}

	/** A new session, on disk before the caller answers 201. */
	create({ user, targetType = null, targetId = null }) {
		const id = this.meta.nextId;
		this.meta.nextId = id + 1;
		writeJsonAtomic(join(this.root, 'meta.json'), this.meta);
		const now = isoNow();
		const session = {
			id,
			user,
			state: 1,
			progress: 0,
			is_complete: false,
			complete_date: null,
			created_date: now,
			modified_date: now,
			error: '',
			extract_zip_files: false,
			import_file: '',
			import_parameters: false,
			nof_retries: 0,
			target_id: targetId,
			target_type: targetType,
			timeline_items: [],
			options: null,
			files: [],
			result: null,
		};
		mkdirSync(this.sessionDir(id), { recursive: true });
		this.sessions.set(id, session);
		this.save(session);
		return session;
	}

	/** Writes the session; `touch: false` for caches that do not change what it says. */
	save(session, { touch = true } = {}) {
		if (touch) session.modified_date = isoNow();
		writeJsonAtomic(join(this.sessionDir(session.id), 'session.json'), session);
	}

	nextFlowFileId() {
		const id = this.meta.nextFlowFileId;
		this.meta.nextFlowFileId = id + 1;
		writeJsonAtomic(join(this.root, 'meta.json'), this.meta);
		return id;
	}

	/** The newest file with this flowIdentifier among `sessions`, as [session, file]. */
	findFlowFile(identifier, sessions) {
		let hit = null;
		for (const s of sessions)
			for (const f of s.files)
				if (f.identifier === identifier && (!hit || f.flowId > hit[1].flowId)) hit = [s, f];
		return hit;
	}

	/** Records a chunk request (before answering); `confirmedBefore` is decided here. */
	recordArrival(session, { identifier, number, status, crash = null }) {
		const acc = this.accountingOf(session.id);
		const receipt = {
			time: isoNow(),
			identifier,
			number,
			confirmedBefore: acc.confirmed.has(chunkRef(identifier, number)),
			status,
			...(crash ? { crash } : {}),
		};
		appendFileSync(
			join(this.sessionDir(session.id), 'receipts.log'),
			`${JSON.stringify(receipt)}\n`,
		);
		acc.add(receipt);
		return receipt;
	}

	/** A 200 for this chunk was fully handed to the socket ('finish'). */
	recordConfirmed(session, identifier, number) {
		const acc = this.accountingOf(session.id);
		acc.confirmed.add(chunkRef(identifier, number));
		appendFileSync(
			join(this.sessionDir(session.id), 'confirmed.log'),
			`${JSON.stringify({ time: isoNow(), identifier, number })}\n`,
		);
	}

	/** Receipt counts per file, for the control routes. */
	receiptSummary(session) {
		const acc = this.accountingOf(session.id);
		return session.files.map((f) => {
			const mine = acc.receipts.filter((r) => r.identifier === f.identifier);
			const confirmed = [...acc.confirmed]
				.map((ref) => ref.split('\u0000'))
				.filter(([ident]) => ident === f.identifier)
				.map(([, n]) => Number(n))
				.sort((a, b) => a - b);
			return {
				identifier: f.identifier,
				path: f.path,
				totalChunks: f.totalChunks,
				chunksReceived: Object.keys(f.chunks).length,
				chunks: Object.keys(f.chunks)
					.map(Number)
					.sort((a, b) => a - b),
				confirmedChunks: confirmed,
				arrivals: mine.length,
				duplicateArrivalsOfConfirmed: mine.filter((r) => r.confirmedBefore).length,
				crashes: mine.filter((r) => r.crash).length,
			};
		});
	}

	/** Receipts of identifiers that never became a file (rejected first chunks). */
	strayReceipts(session) {
		const known = new Set(session.files.map((f) => f.identifier));
		return this.accountingOf(session.id).receipts.filter((r) => !known.has(r.identifier));
	}

	removeChunks(session, file) {
		rmSync(this.chunkDir(session.id, file.key), { recursive: true, force: true });
	}

	/** Deletes every session (control route). */
	clear() {
		rmSync(this.sessionsDir, { recursive: true, force: true });
		this.meta = { nextId: 1, nextFlowFileId: 1 };
		writeJsonAtomic(join(this.root, 'meta.json'), this.meta);
		this.load();
	}

	close() {
		if (this.temporary) rmSync(this.root, { recursive: true, force: true });
	}

	/** Lifetime state of the crash points (lib/fault-injection.mjs `persist`). */
	faultPersistence() {
		const path = join(this.root, 'faults.json');
		return {
			load: () => readJson(path),
			save: (state) => writeJsonAtomic(path, state),
		};
	}
}
