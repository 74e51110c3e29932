// The ZIP download model shared by seed 000's `/download/` routes and the connectors'
// `downloadfile/` routes (reference A.10, B.7.2, Part C "Download"): one record per request,
// its archive laid out at creation (entries are STORED, so `total_size` is exact from the
// start) and "packaged" in the background: every file's CRC-32 is streamed through
// zlib.crc32 (cached per datafile id, size and modification time, so a file is read once).
//
// Progress is a timeline item of type `download` (Agora reports packaging on the timeline,
// as it does copies and imports), driven here one step per `config.stepMs`:
//   QUEUED -> STARTED (one step) -> FINISHED (the next step, or once the CRCs are done)
// A missing or changed file makes it ERROR. Because the item's state is the download's
// state, the timeline's own tools work on downloads too: `timelineitem/{id}/cancel/` (the
// download then reads ERROR "The download was canceled.") and the control route
// `POST /__emulator/timeline/:id {"state": "ERROR", "error": ...}`.
// Downloads live in memory (Agora's packages are temporary too): a reset of the emulator
// forgets them (their ids are then 404); after a restart, their unfinished timeline items
// end in ERROR.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { crc32OfStream, planZip } from '../lib/zip-stream.mjs';
import { TERMINAL_TIMELINE_STATES } from './content-types.mjs';
import { isoNow } from './dates.mjs';
import { applyFilter, cleanName, collectFiles } from './downloads-plan.mjs';

const READ_CHUNK = 256 * 1024;
const CRC_CACHE_LIMIT = 200_000;

/** One Downloads per emulator, shared by the API routes and the control routes. */
const instances = new WeakMap();
export function downloadsFor(services) {
	let d = instances.get(services.store);
	if (!d) {
		d = new Downloads(services);
		instances.set(services.store, d);
	}
	return d;
}

/** Seed 000's object_type names for the kinds the plan knows. */
const V2_TYPE = { serie: 'series' };

export class Downloads {
	constructor({ store, model, access, blobs, timeline, config }) {
		Object.assign(this, { store, model, access, blobs, timeline, config });
		this.records = new Map();
		this.nextId = 1;
		this.crcCache = new Map(); // `${id}:${size}:${mtimeMs}` -> crc32
		this.crcRunning = new Map(); // same key -> Promise<crc32>
		this.zipLimits = {}; // lowered ZIP64 limits for tests (control route)
		this.failOrphans();
	}

	/**
	 * Unfinished download items loaded from a saved state belong to packages this process
	 * never had: they end in ERROR rather than stay STARTED for ever.
	 */
	failOrphans() {
		const now = isoNow();
		for (const item of this.store.t.timeline.rows.values()) {
			if (item.type !== 'download' || TERMINAL_TIMELINE_STATES.has(item.state)) continue;
			const error = 'The download was lost when the emulator restarted.';
			Object.assign(item, { state: 'ERROR', error, exit_code: 1, progress: 100, output: error });
			Object.assign(item, { end_date: now, modified_date: now });
			item.log += `${now} failed: ${error}\n`;
			this.store.changed();
		}
	}

	/** The files (with entry names) that a request selects, filter applied. */
	select(user, objects, { flat = false, filter = null } = {}) {
		return applyFilter(collectFiles(this, user, objects, { flat }), filter);
	}

	/**
	 * Creates a download. `objects`: resolved `[{kind, row}]`, visible to `user`.
	 * `options`: {flat, filter, aex, compression, stream} as the request gave them.
	 */
	create(user, objects, options = {}) {
		this.sweep();
		const selected = this.select(user, objects, options).map(({ df, dataset, name }) => {
			const path = this.blobs.path(df.id);
			let stat = null;
			try {
				stat = statSync(path);
			} catch {
				stat = null; // missing bytes: packaging fails (ERROR), the request itself is fine
			}
			return {
				name,
				datafile: df.id,
				dataset: dataset.id,
				size: stat ? stat.size : df.size,
				mtimeMs: stat ? stat.mtimeMs : null,
				sha1: df.sha1,
				mtime: df.modified_date,
				crc32: undefined,
				open: ({ start, end }) => createReadStream(path, { start, end, highWaterMark: READ_CHUNK }),
			};
		});
		// The planned entries (with offsets) are the record's files: CRCs are filled in on them.
		const layout = planZip(selected, { limits: this.zipLimits });
		const files = layout.entries;
		const id = this.nextId++;
		const first = objects[0];
		const label = first?.row.name ?? first?.row.original_filename?.split('/').pop();
		const single = objects.length === 1 ? cleanName(label, null) : null;
		const base = single ?? `agora-download-${id}`;
		const downloadName = `${base}.${options.aex ? 'aex' : 'zip'}`;
		const record = {
			id,
			user: user.id,
			createdDate: isoNow(),
			objects: objects.map(({ kind, row }) => ({
				object_type: V2_TYPE[kind] ?? kind,
				object_id: row.id,
			})),
			options: {
				flat: Boolean(options.flat),
				compression: Boolean(options.compression),
				stream: options.stream ?? true,
				aex: Boolean(options.aex),
				filter: options.filterJson ?? null,
			},
			downloadName,
			files,
			layout,
			prepared: false,
			prepError: null,
			crcBytes: 0,
			dataBytes: files.reduce((sum, f) => sum + f.size, 0),
			etag: null,
			item: this.insertTimelineItem(user, downloadName, objects),
		};
		this.records.set(id, record);
		this.prepare(record);
		this.arm(record);
		return record;
	}

	/**
	 * The download's timeline item, created without its clock: tick() packages and ends it.
	 * (Should the timeline re-arm it, after a stepMs change, it only marks it STARTED with
	 * progress 50 until tick() ends it: rows without `sim` never finish there.)
	 */
	insertTimelineItem(user, downloadName, objects) {
		const projectOf = (o) => (o.kind === 'project' ? o.row.id : (o.row.project ?? null));
		return this.timeline.create({
			type: 'download',
			name: `Download ${downloadName}`,
			user,
			project: objects.length ? projectOf(objects[0]) : null,
			related: objects.map(({ kind, row }) => ({ id: row.id, content_type: kind })),
			armed: false,
		});
	}

	/** Computes every entry's CRC-32, one file after another. */
	async prepare(record) {
		try {
			for (const f of record.files) {
				if (!this.alive(record) || record.item.state === 'CANCELED') return;
				if (f.mtimeMs === null)
					throw new Error(`Datafile ${f.datafile} (${f.name}) is missing on the server.`);
				f.crc32 = await this.crcOf(f, (n) => (record.crcBytes += n));
			}
			record.etag = `"${createHash('sha1')
				.update(JSON.stringify(record.files.map((f) => [f.name, f.size, f.crc32, f.mtime])))
				.digest('hex')}"`;
			record.prepared = true;
		} catch (e) {
			record.prepError = e.message;
		}
	}

	async crcOf(f, onBytes) {
		const key = `${f.datafile}:${f.size}:${f.mtimeMs}`;
		if (this.crcCache.has(key)) {
			onBytes(f.size);
			return this.crcCache.get(key);
		}
		let running = this.crcRunning.get(key);
		if (!running) {
			running = crc32OfStream(f.open({ start: 0, end: Math.max(0, f.size - 1) }), { onBytes })
				.then(({ crc32, size }) => {
					if (size !== f.size)
						throw new Error(`Datafile ${f.datafile} (${f.name}) changed while packaging.`);
					this.rememberCrc(key, crc32);
					return crc32;
				})
				.finally(() => this.crcRunning.delete(key));
			this.crcRunning.set(key, running);
		} else {
			running = running.then((crc) => (onBytes(f.size), crc));
		}
		return running;
	}

	rememberCrc(key, crc32) {
		if (this.crcCache.size >= CRC_CACHE_LIMIT) this.crcCache.clear();
		this.crcCache.set(key, crc32);
	}

	/** Lets a datafile writer (the control route) hand over a CRC it computed while writing. */
	rememberFileCrc(datafileId, path, crc32) {
		const stat = statSync(path);
		this.rememberCrc(`${datafileId}:${stat.size}:${stat.mtimeMs}`, crc32);
	}

	arm(record) {
		const timer = setTimeout(() => this.tick(record), this.config.stepMs);
		timer.unref?.();
	}

	/** One step of packaging (see the header comment). */
	tick(record) {
		// A stopped timeline means the emulator is closing; a replaced row means a reset.
		if (!this.timeline.running || !this.alive(record)) return;
		const item = record.item;
		const now = isoNow();
		if (item.state === 'QUEUED' || item.state === 'IDLE') {
			Object.assign(item, { state: 'STARTED', start_date: now, modified_date: now });
			item.log += `${now} packaging ${record.files.length} files\n`;
		} else if (item.state === 'STARTED') {
			if (record.prepError) return this.finish(record, record.prepError);
			if (record.prepared) return this.finish(record, null);
		} else {
			return; // CANCELING/CANCELED (the timeline ends those) or put into a state by hand
		}
		const total = record.dataBytes || 1;
		item.progress = Math.min(99, Math.floor((99 * record.crcBytes) / total));
		this.store.changed();
		this.arm(record);
	}

	finish(record, error) {
		const item = record.item;
		const now = isoNow();
		Object.assign(item, {
			state: error ? 'ERROR' : 'FINISHED',
			error,
			exit_code: error ? 1 : 0,
			progress: 100,
			end_date: now,
			modified_date: now,
			output: error
				? error
				: `${record.files.length} files, ${record.layout.totalSize} bytes: ${record.downloadName}`,
		});
		item.log += `${now} ${error ? `failed: ${error}` : 'finished'}\n`;
		this.store.changed();
	}

	/** The download's state, from its timeline item (seed 000's names). */
	status(record) {
		const item = record.item;
		switch (item.state) {
			case 'FINISHED':
				if (record.prepared) return { state: 'FINISHED', error: null, progress: 100 };
				if (record.prepError) return { state: 'ERROR', error: record.prepError, progress: 100 };
				return { state: 'STARTED', error: null, progress: item.progress };
			case 'ERROR':
				return { state: 'ERROR', error: item.error || 'The download failed.', progress: 100 };
			case 'CANCELED':
				return { state: 'ERROR', error: 'The download was canceled.', progress: 100 };
			case 'QUEUED':
			case 'IDLE':
				return { state: 'QUEUED', error: null, progress: 0 };
			default:
				return { state: 'STARTED', error: null, progress: item.progress };
		}
	}

	alive(record) {
		return this.store.t.timeline.get(record.item.id) === record.item;
	}

	/** Forgets downloads whose timeline item is gone (the emulator was reset). */
	sweep() {
		for (const [id, r] of this.records) if (!this.alive(r)) this.records.delete(id);
	}

	/** The user's download, or null (other users' downloads do not exist for them). */
	find(id, user) {
		const record = this.records.get(Number(id));
		if (!record || !this.alive(record)) return null;
		if (user && record.user !== user.id) return null;
		return record;
	}

	/**
	 * The files of a finished download that no longer match what was packed (bytes removed
	 * or rewritten since), so a stream would break its own CRCs: empty when all is well.
	 */
	changedFiles(record) {
		return record.files.filter((f) => {
			try {
				const s = statSync(this.blobs.path(f.datafile));
				return s.size !== f.size || s.mtimeMs !== f.mtimeMs;
			} catch {
				return true;
			}
		});
	}

	/**
	 * The public object of both route sets: seed 000's `state`, the connectors' `ready`,
	 * `total_size`, `error`, `download_name`; `url` is where the ZIP is served once ready.
	 */
	view(record, urlBase) {
		const { state, error, progress } = this.status(record);
		return {
			id: record.id,
			state,
			ready: state === 'FINISHED',
			error,
			progress,
			total_size: record.layout.totalSize,
			download_name: record.downloadName,
			file_count: record.files.length,
			created_date: record.createdDate,
			objects: record.objects.map((o) => ({ ...o })),
			timeline_item: record.item.id,
			url: state === 'FINISHED' ? urlBase : null,
		};
	}

	/** What `GET /__emulator/downloads/:id` shows: everything tests may want to check. */
	internal(record) {
		return {
			...this.view(record, null),
			user: record.user,
			options: record.options,
			prepared: record.prepared,
			prepError: record.prepError,
			dataBytes: record.dataBytes,
			zip64: record.layout.zip64,
			zipLimits: record.layout.limits,
			etag: record.etag,
			entries: record.layout.entries.map((e) => ({
				name: e.name,
				datafile: e.datafile,
				dataset: e.dataset,
				size: e.size,
				sha1: e.sha1,
				crc32: e.crc32 ?? null,
				mtime: e.mtime,
				offset: e.offset,
				dataStart: e.dataStart,
			})),
		};
	}
}
