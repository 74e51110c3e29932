// The emulator's database: one table per Agora model, integer ids from a counter per table
// (like Django's auto fields), persisted as one JSON file in the data directory. Rows are
// plain objects holding ids of related rows; representations.mjs turns them into API JSON.
// `version` grows on every change so list caches know when to recompute.
import { join } from 'node:path';
import { createStateFile } from '../lib/state-file.mjs';

export const TABLES = [
	'users',
	'sessions', // login keys from rest-auth/login (Token <key>)
	'groups',
	'projects',
	'memberships',
	'folders',
	'items', // folder items: what a folder contains (objects or links)
	'patients',
	'exams',
	'series',
	'datasets',
	'datafiles',
	'parametersets',
	'tagdefs',
	'taginstances',
	'relations',
	'tasks', // UI task definitions
	'scripttasks', // taskdefinition_yaml
	'timeline',
	'queries', // saved AQL queries
	'trash',
	// finished imports: {id: import session id, datafiles: [...result], objects: [...]}; saved
	// together with the objects an import created, so a restarted import never commits twice
	'imports',
];

export class Table {
	constructor(name) {
		this.name = name;
		/** @type {Map<number, object>} insertion order = id order */
		this.rows = new Map();
		this.nextId = 1;
	}

	/** Empties the table in place (modules keep references to it). */
	clear() {
		this.rows.clear();
		this.nextId = 1;
	}

	insert(row) {
		const id = row.id ?? this.nextId;
		if (id >= this.nextId) this.nextId = id + 1;
		const stored = { ...row, id };
		this.rows.set(id, stored);
		return stored;
	}

	/** The row with this id; ids from URLs are strings, anything not an integer finds nothing. */
	get(id) {
		const n = typeof id === 'number' ? id : /^\d+$/.test(String(id)) ? Number(id) : NaN;
		return this.rows.get(n);
	}

	delete(id) {
		return this.rows.delete(Number(id));
	}

	all() {
		return [...this.rows.values()];
	}

	filter(fn) {
		const out = [];
		for (const row of this.rows.values()) if (fn(row)) out.push(row);
		return out;
	}

	find(fn) {
		for (const row of this.rows.values()) if (fn(row)) return row;
		return undefined;
	}

	get size() {
		return this.rows.size;
	}
}

const FORMAT = 'agora-emulator/1';

export class Store {
	/** @param {{dataDir?: string|null}} options */
	constructor({ dataDir = null } = {}) {
		this.version = 0;
		this.clear();
		this.stateFile = createStateFile(dataDir ? join(dataDir, 'state.json') : null, {
			format: FORMAT,
			serialize: () => this.serialize(),
		});
	}

	/** Empties every table. The Table objects stay, so references held by routes stay valid. */
	clear() {
		/** @type {Record<string, Table>} */
		this.t ??= Object.fromEntries(TABLES.map((name) => [name, new Table(name)]));
		for (const table of Object.values(this.t)) table.clear();
		this.version += 1;
	}

	/** Call after every change: bumps the version and schedules a save. */
	changed() {
		this.version += 1;
		this.stateFile?.changed();
	}

	serialize() {
		const tables = {};
		for (const [name, table] of Object.entries(this.t))
			tables[name] = { nextId: table.nextId, rows: table.all() };
		return { tables };
	}

	/** Loads the state file; returns false when there is none. */
	load() {
		const data = this.stateFile.load();
		if (!data) return false;
		this.clear();
		for (const [name, saved] of Object.entries(data.tables ?? {})) {
			const table = this.t[name];
			if (!table) continue;
			for (const row of saved.rows ?? []) table.insert(row);
			table.nextId = Math.max(table.nextId, saved.nextId ?? 1);
		}
		return true;
	}

	flush() {
		this.stateFile.flush();
	}

	saveNow() {
		this.stateFile.saveNow();
	}
}
