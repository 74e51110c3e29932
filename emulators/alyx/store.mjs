// The emulator's "database": one Table per Django model (rows are plain objects keyed by id,
// foreign keys held as ids, many-to-many fields as id arrays) with secondary indexes, a
// global version number that every write bumps (list caches key on it), and optional
// persistence of everything to one JSON file for the sandbox.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const FILE_FORMAT = 'alyx-emulator/1';

/** Table name -> fields with a secondary index (value -> ids). */
export const TABLES = {
	users: ['username'],
	labs: ['name'],
	lab_members: ['user', 'lab'],
	projects: ['name'],
	species: ['name'],
	strains: ['name'],
	lines: ['name'],
	sources: ['name'],
	litters: ['name'],
	subjects: ['nickname', 'lab', 'responsible_user'],
	sessions: ['subject'],
	weighings: ['subject'],
	water_administrations: ['subject', 'session'],
	water_types: ['name'],
	water_restrictions: ['subject'],
	procedure_types: ['name'],
	lab_locations: ['name'],
	notes: ['object_id'],
	data_repository_types: ['name'],
	data_repositories: ['name', 'hostname'],
	data_formats: ['name', 'file_extension'],
	dataset_types: ['name'],
	revisions: ['name'],
	tags: ['name'],
	datasets: ['session', 'name'],
	file_records: ['dataset', 'data_repository'],
	downloads: ['dataset'],
	// Routes outside the seed docs' scope, kept as plain documents (see generic-routes.mjs).
	generic: ['collection'],
};

export class Table {
	constructor(name, indexedFields, onChange) {
		this.name = name;
		this.onChange = onChange;
		/** @type {Map<string, object>} insertion order = creation order */
		this.rows = new Map();
		this.indexes = new Map(indexedFields.map((f) => [f, new Map()]));
	}

	get size() {
		return this.rows.size;
	}

	get(id) {
		return id == null ? undefined : this.rows.get(id);
	}

	values() {
		return this.rows.values();
	}

	all() {
		return [...this.rows.values()];
	}

	/** Rows whose indexed `field` equals `value` (creation order). */
	by(field, value) {
		const index = this.indexes.get(field);
		if (!index) return this.all().filter((r) => r[field] === value);
		const ids = index.get(value);
		return ids ? [...ids].map((id) => this.rows.get(id)) : [];
	}

	/** The only row with `field` = `value`, undefined when none; `multiple` when several. */
	one(field, value) {
		const rows = this.by(field, value);
		if (rows.length > 1) return { multiple: rows.length };
		return rows[0];
	}

	#index(row) {
		for (const [field, index] of this.indexes) {
			const value = row[field];
			if (!index.has(value)) index.set(value, new Set());
			index.get(value).add(row.id);
		}
	}

	#unindex(row) {
		for (const [field, index] of this.indexes) {
			const ids = index.get(row[field]);
			ids?.delete(row.id);
			if (ids && ids.size === 0) index.delete(row[field]);
		}
	}

	insert(row) {
		if (this.rows.has(row.id)) throw new Error(`${this.name}: duplicate id ${row.id}`);
		this.rows.set(row.id, row);
		this.#index(row);
		this.onChange();
		return row;
	}

	update(id, changes) {
		const row = this.rows.get(id);
		if (!row) return undefined;
		this.#unindex(row);
		Object.assign(row, changes);
		this.#index(row);
		this.onChange();
		return row;
	}

	delete(id) {
		const row = this.rows.get(id);
		if (!row) return false;
		this.#unindex(row);
		this.rows.delete(id);
		this.onChange();
		return true;
	}

	clear() {
		this.rows.clear();
		for (const index of this.indexes.values()) index.clear();
	}
}

export class Store {
	/** @param {{dataFile?: string|null, saveDelayMs?: number}} options */
	constructor({ dataFile = null, saveDelayMs = 50 } = {}) {
		this.dataFile = dataFile;
		this.saveDelayMs = saveDelayMs;
		this.lastSaveMs = 0;
		this.saveTimer = null;
		this.version = 0;
		this.caches = new Map();
		this.batchDepth = 0;
		const onChange = () => this.changed();
		/** @type {Record<string, Table>} */
		this.tables = {};
		for (const [name, fields] of Object.entries(TABLES))
			this.tables[name] = new Table(name, fields, onChange);
		/** user id -> { key, created (ms) }: DRF's authtoken table, one token per user. */
		this.tokens = new Map();
	}

	/** Every write lands here: caches are invalidated and a save is scheduled. */
	changed() {
		this.version += 1;
		if (this.batchDepth > 0) return;
		this.scheduleSave();
	}

	/** Runs `fn` with saves deferred to its end (bulk inserts stay cheap). */
	batch(fn) {
		this.batchDepth += 1;
		try {
			return fn();
		} finally {
			this.batchDepth -= 1;
			if (this.batchDepth === 0) this.scheduleSave();
		}
	}

	/**
	 * A value computed from the current data, recomputed after any write. Used for sorted and
	 * filtered lists, so paging through 100 000 rows costs one sort, not one per page.
	 */
	cached(key, compute) {
		const hit = this.caches.get(key);
		if (hit && hit.version === this.version) {
			// Refresh LRU position.
			this.caches.delete(key);
			this.caches.set(key, hit);
			return hit.value;
		}
		const value = compute();
		this.caches.set(key, { version: this.version, value });
		while (this.caches.size > 32) this.caches.delete(this.caches.keys().next().value);
		return value;
	}

	clearData() {
		for (const table of Object.values(this.tables)) table.clear();
		this.caches.clear();
		this.version += 1;
	}

	// ---- persistence ----

	/** Loads the data file if there is one. Returns true when state was loaded. */
	load() {
		if (!this.dataFile || !existsSync(this.dataFile)) return false;
		const raw = readFileSync(this.dataFile, 'utf8');
		if (!raw.trim()) return false;
		const data = JSON.parse(raw);
		if (data.format !== FILE_FORMAT)
			throw new Error(`${this.dataFile}: not an alyx emulator data file`);
		this.batch(() => {
			this.clearData();
			for (const [name, rows] of Object.entries(data.tables ?? {})) {
				const table = this.tables[name];
				if (!table) continue;
				for (const row of rows) table.insert(row);
			}
			this.tokens = new Map(Object.entries(data.tokens ?? {}));
		});
		if (this.saveTimer) {
			clearTimeout(this.saveTimer);
			this.saveTimer = null;
		}
		return true;
	}

	/**
	 * Coalesces writes: the delay grows with the cost of a write (100 000 sessions are tens of
	 * MB), so the synchronous save never takes more than a fifth of the event loop.
	 */
	scheduleSave() {
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
		const started = performance.now();
		const tables = {};
		for (const [name, table] of Object.entries(this.tables)) tables[name] = table.all();
		const data = {
			format: FILE_FORMAT,
			savedAt: new Date().toISOString(),
			tables,
			tokens: Object.fromEntries(this.tokens),
		};
		mkdirSync(dirname(this.dataFile), { recursive: true });
		// Write-then-rename so a crash never leaves a half-written file behind.
		const tmp = `${this.dataFile}.${process.pid}.tmp`;
		writeFileSync(tmp, JSON.stringify(data));
		renameSync(tmp, this.dataFile);
		this.lastSaveMs = performance.now() - started;
	}
}
