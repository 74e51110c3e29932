// What happens after `complete/` (reference A.9, B.6.3-B.6.6): the session walks through the
// import states one step per `config.stepMs`, like timeline items do,
//   2 checking (0) -> 3 analyzing (25) -> 4 importing (50, the work starts) -> 4 (75)
//   -> 5 finished (100)        or -1 with `error`
// and a timeline item of type `import` runs alongside (STARTED -> FINISHED | ERROR), which the
// Agora Trigger watches. The work: each file's chunks are streamed into one file while SHA-1
// and SHA-256 are computed (never a whole file in memory); `*.agora_upload` (always) and
// `*.zip` (with extract_zip_files) are replaced by their entries (zip-entries.mjs); the
// template is found among them; then import-objects.mjs creates the objects.
//
// Crash safety: the objects, the result and the `imports` marker row are saved in one atomic
// state.json write (store.saveNow) before the session says 5. An emulator restarted with a
// session in state 4 runs the work again; when the marker row exists it only finishes.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TERMINAL_TIMELINE_STATES } from './content-types.mjs';
import { isoNow } from './dates.mjs';
import { ImportFailure, ImportObjects } from './import-objects.mjs';
import { expandArchive, isArchive } from './zip-entries.mjs';

export const IMPORT_STATES = {
	ERROR: -1,
	UPLOADING: 1,
	CHECKING: 2,
	ANALYZING: 3,
	IMPORTING: 4,
	FINISHED: 5,
};

export class ImportPipeline {
	constructor({ store, model, timeline, config, imports }) {
		this.store = store;
		this.model = model;
		this.timeline = timeline;
		// Import items move with the session's states, which this pipeline drives.
		timeline.reserve('import');
		this.config = config;
		this.imports = imports;
		this.objects = new ImportObjects({ store, model });
		this.timers = new Map();
		/** session id -> {promise, done, error} of the running work (not persisted) */
		this.runs = new Map();
		this.running = false;
	}

	get t() {
		return this.store.t;
	}

	/**
	 * Called by complete/ after validation: the session leaves UPLOADING. The timeline item and
	 * the session are on disk before the caller answers 204.
	 */
	begin(session, options, user) {
		const now = isoNow();
		const item = this.timeline.create({
			type: 'import',
			name: `Import session ${session.id}`,
			user,
			project: options.project ?? null,
			sim: { kind: 'import', session: session.id },
			fields: {
				target: options.targetType
					? { object_id: options.targetId, object_type: options.targetType }
					: null,
			},
		});
		Object.assign(item, { state: 'STARTED', start_date: now, modified_date: now });
		item.log += `${now} started\n`;
		this.store.saveNow();
		Object.assign(session, {
			state: IMPORT_STATES.CHECKING,
			progress: 0,
			is_complete: true,
			complete_date: now,
			extract_zip_files: options.extract_zip_files,
			import_file: options.import_file ?? '',
			import_parameters: Boolean(options.import_file),
			target_id: options.targetId,
			target_type: options.targetType,
			timeline_items: [item.id],
			options,
		});
		this.imports.save(session);
		this.arm(session);
	}

	/** Resumes sessions found on disk (after a restart) and repairs their timeline items. */
	start() {
		this.running = true;
		const wanted = new Set();
		for (const session of this.imports.sessions.values()) {
			if (session.state < IMPORT_STATES.CHECKING) continue;
			const item = this.itemOf(session);
			if (session.state === IMPORT_STATES.FINISHED || session.state === IMPORT_STATES.ERROR) {
				if (item && !TERMINAL_TIMELINE_STATES.has(item.state)) this.closeItem(session, item);
				continue;
			}
			if (!item) this.replaceItem(session);
			wanted.add(session.timeline_items[0]);
			if (session.state === IMPORT_STATES.IMPORTING) {
				// The work was interrupted: it starts over (what it had committed is kept).
				session.nof_retries += 1;
				session.progress = 50;
				this.imports.save(session);
			}
			this.arm(session);
		}
		// Items of a complete/ that was never answered (killed in between) are dropped.
		for (const item of this.t.timeline.filter((i) => i.sim?.kind === 'import')) {
			const session = this.imports.get(item.sim.session);
			if (!TERMINAL_TIMELINE_STATES.has(item.state) && !wanted.has(item.id)) {
				if (session?.timeline_items.includes(item.id)) this.closeItem(session, item);
				else this.t.timeline.delete(item.id);
			}
		}
		this.store.changed();
	}

	stop() {
		this.running = false;
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
	}

	itemOf(session) {
		const id = session.timeline_items[0];
		return id == null ? undefined : this.t.timeline.get(id);
	}

	replaceItem(session) {
		const item = this.timeline.create({
			type: 'import',
			name: `Import session ${session.id}`,
			user: session.user,
			project: session.options?.project ?? null,
			sim: { kind: 'import', session: session.id },
		});
		item.state = 'STARTED';
		item.start_date = isoNow();
		session.timeline_items = [item.id];
		this.store.saveNow();
		this.imports.save(session);
		return item;
	}

	arm(session) {
		if (!this.running) return;
		clearTimeout(this.timers.get(session.id));
		const timer = setTimeout(() => {
			this.timers.delete(session.id);
			this.tick(session.id);
		}, this.config.stepMs);
		timer.unref?.();
		this.timers.set(session.id, timer);
	}

	tick(id) {
		const session = this.imports.get(id);
		if (
			!session ||
			session.state < IMPORT_STATES.CHECKING ||
			session.state === IMPORT_STATES.FINISHED
		)
			return;
		const item = this.itemOf(session);
		if (item?.state === 'CANCELING')
			return this.fail(session, 'The import was canceled.', 'CANCELED');
		const run = this.runs.get(id);
		if (session.state === IMPORT_STATES.CHECKING) {
			session.state = IMPORT_STATES.ANALYZING;
			session.progress = 25;
		} else if (session.state === IMPORT_STATES.ANALYZING) {
			session.state = IMPORT_STATES.IMPORTING;
			session.progress = 50;
			this.startRun(session);
		} else if (!run) {
			this.startRun(session); // resumed in state 4
		} else if (session.progress < 75) {
			session.progress = 75;
		} else if (run.done) {
			return this.finish(session, run.result);
		}
		// (else: the work is still running; check again next step)
		this.imports.save(session);
		this.syncItem(session, item);
		this.arm(session);
	}

	startRun(session) {
		const run = { done: false, result: null };
		run.promise = this.work(session).then(
			(result) => {
				run.done = true;
				run.result = result;
			},
			(e) => {
				// Stopped (closed, crashed, reset) meanwhile: a dead process would write nothing.
				if (!this.running || this.imports.get(session.id) !== session) return;
				if (!(e instanceof ImportFailure))
					process.stderr.write(`agora emulator: import ${session.id} failed: ${e?.stack ?? e}\n`);
				try {
					this.fail(session, e.message);
				} catch (err) {
					process.stderr.write(`agora emulator: import ${session.id}: ${err?.stack ?? err}\n`);
				}
			},
		);
		this.runs.set(session.id, run);
	}

	syncItem(session, item) {
		if (!item || TERMINAL_TIMELINE_STATES.has(item.state)) return;
		item.progress = Math.min(99, session.progress);
		item.modified_date = isoNow();
		this.store.changed();
	}

	finish(session, committed) {
		Object.assign(session, {
			state: IMPORT_STATES.FINISHED,
			progress: 100,
			error: '',
			result: committed.datafiles,
			objects: committed.objects,
		});
		for (const f of session.files) f.state = 2;
		this.imports.save(session);
		const item = this.itemOf(session);
		if (item) this.closeItem(session, item);
		this.cleanup(session, { chunks: true });
	}

	fail(session, message, itemState = 'ERROR') {
		if (session.state === IMPORT_STATES.ERROR || session.state === IMPORT_STATES.FINISHED) return;
		clearTimeout(this.timers.get(session.id));
		this.timers.delete(session.id);
		Object.assign(session, { state: IMPORT_STATES.ERROR, error: message });
		this.imports.save(session);
		const item = this.itemOf(session);
		if (item) this.closeItem(session, item, itemState);
		this.cleanup(session, { chunks: false });
	}

	/** Puts the import's timeline item into its final state (FINISHED, ERROR or CANCELED). */
	closeItem(session, item, failedState = 'ERROR') {
		const now = isoNow();
		const ok = session.state === IMPORT_STATES.FINISHED;
		item.state = ok ? 'FINISHED' : failedState;
		item.error = ok || failedState === 'CANCELED' ? null : session.error;
		item.progress = 100;
		item.end_date = now;
		item.modified_date = now;
		item.related_objects = ok ? (session.objects ?? []).map((o) => ({ ...o })) : [];
		item.output = ok ? `${session.result?.length ?? 0} file(s) imported` : '';
		item.log += `${now} ${ok ? 'finished' : `failed: ${session.error}`}\n`;
		this.store.changed();
	}

	cleanup(session, { chunks }) {
		this.runs.delete(session.id);
		rmSync(join(this.imports.tmpDir, `import-${session.id}`), { recursive: true, force: true });
		if (chunks) for (const f of session.files) this.imports.removeChunks(session, f);
	}

	// ---- the work ----

	async work(session) {
		const marker = this.t.imports.get(session.id);
		if (marker) return marker; // committed before a restart
		const dir = join(this.imports.tmpDir, `import-${session.id}`);
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
		const options = session.options;
		// Every file, archives unpacked (py may zip the template and related files too).
		const entries = [];
		for (const file of session.files) {
			const assembled = await this.assemble(session, file, dir);
			if (!file.contentHash) file.contentHash = assembled.sha256;
			if (isArchive(file.path, options.extract_zip_files)) {
				try {
					entries.push(...(await expandArchive(assembled.file, dir)));
				} catch (e) {
					throw new ImportFailure(`"${file.path}" is not a readable ZIP archive: ${e.message}`);
				}
				rmSync(assembled.file, { force: true });
			} else entries.push({ path: file.path, ...assembled });
		}
		let template = null;
		if (options.import_file) {
			const name = options.import_file;
			let at = entries.findIndex((e) => e.path === name);
			if (at < 0) at = entries.findIndex((e) => basename(e.path) === basename(name));
			if (at < 0) throw new ImportFailure(`Import template "${name}" was not uploaded.`);
			const [entry] = entries.splice(at, 1); // the template is not data
			template = this.objects.readTemplate(entry);
		}
		// Stopped, canceled or failed meanwhile, or committed by an earlier run: nothing to create.
		if (!this.running || this.imports.get(session.id) !== session)
			throw new ImportFailure('stopped');
		if (session.state !== IMPORT_STATES.IMPORTING)
			throw new ImportFailure(session.error || 'stopped');
		if (this.t.imports.get(session.id)) return this.t.imports.get(session.id);
		return this.objects.commit(session, entries, template);
	}

	/** Streams the chunks of one file, in order, into `dir`, hashing on the way. */
	async assemble(session, file, dir) {
		const target = join(dir, `file-${file.key}`);
		const out = createWriteStream(target);
		const sha1 = createHash('sha1');
		const sha256 = createHash('sha256');
		let size = 0;
		try {
			for (let n = 1; n <= file.totalChunks; n++) {
				const path = this.imports.chunkPath(session.id, file.key, n);
				if (!existsSync(path)) throw new ImportFailure(`Chunk ${n} of "${file.path}" is missing.`);
				for await (const buf of createReadStream(path)) {
					sha1.update(buf);
					sha256.update(buf);
					size += buf.length;
					if (!out.write(buf)) await once(out, 'drain');
				}
			}
			out.end();
			await once(out, 'close');
		} catch (e) {
			out.destroy();
			throw e;
		}
		return { file: target, size, sha1: sha1.digest('hex'), sha256: sha256.digest('hex') };
	}
}
