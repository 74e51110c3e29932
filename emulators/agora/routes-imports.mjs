// Import sessions (reference A.9, B.4.9, B.6, Part C "Upload session"): seed 000's
// `/importsession/` and the connectors' `/api/v1/import/` are one set of session objects,
// served under both names and both prefixes. Chunks are flow.js multipart requests (B.6.2),
// read as a stream straight to disk (lib/multipart-stream.mjs), so a 300 MiB chunk costs
// no memory; a `file` part without flow fields is a whole file (seed 000). What happens after
// complete/ is import-pipeline.mjs; the on-disk store and the receipt log are imports.mjs.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { moveFile } from '../lib/move-file.mjs';
import { MultipartError, receiveMultipart } from '../lib/multipart-stream.mjs';
import { mediaType } from '../lib/request-data.mjs';
import { BOTH } from './api-router.mjs';
import { isoNow } from './dates.mjs';
import { badRequest, detailError, invalidPk, notFound, validationError } from './errors.mjs';
import { fileKey } from './imports.mjs';
import { IMPORT_STATES } from './import-pipeline.mjs';
import { listResult } from './pagination.mjs';
import { isArchive } from './zip-entries.mjs';
import { optionalInt, optionalString, structuredField, toBool, toInt } from './request-values.mjs';

/** Seed 000's resource name and the connectors' one. */
const NAMES = ['importsession', 'import'];

const ALREADY_COMPLETE = 'The import session is already complete.';
const FLOW_FIELDS = ['flowChunkNumber', 'flowIdentifier', 'flowTotalChunks'];

/** The API JSON of a session (A.9, plus our `files` summary). */
export function sessionJson(s) {
	return {
		id: s.id,
		user: s.user,
		state: s.state,
		progress: s.progress,
		is_complete: s.is_complete,
		complete_date: s.complete_date,
		created_date: s.created_date,
		modified_date: s.modified_date,
		error: s.error,
		extract_zip_files: s.extract_zip_files,
		import_file: s.import_file,
		import_parameters: s.import_parameters,
		nof_retries: s.nof_retries,
		target_id: s.target_id,
		target_type: s.target_type,
		timeline_items: [...s.timeline_items],
		files: s.files.map((f) => ({
			identifier: f.identifier,
			filename: f.path,
			total_chunks: f.totalChunks,
			chunks_received: Object.keys(f.chunks).length,
		})),
	};
}

const chunkNumbers = (file) =>
	Object.keys(file.chunks)
		.map(Number)
		.sort((a, b) => a - b);

/** A target path: forward slashes, no leading slash, no `..`; null when unusable. */
function targetPath(text) {
	const parts = String(text ?? '')
		.replace(/\\/g, '/')
		.split('/')
		.filter((s) => s && s !== '.');
	if (!parts.length || parts.includes('..')) return null;
	return parts.join('/');
}

/**
 * The chunk described by a multipart body: flow.js fields (B.6.2) or, without them, one whole
 * file named by the part's filename. Returns {errors} or the chunk.
 */
function parseChunk(fields, file, sessionId) {
	const get = (name) => {
		const v = fields.get(name);
		return v === undefined || v.trim() === '' ? undefined : v.trim();
	};
	if (!file) return { errors: { file: 'No file was submitted.' } };
	const flow = FLOW_FIELDS.some((name) => get(name) !== undefined);
	if (!flow) {
		const path = targetPath(file.filename);
		if (!path) return { errors: { file: 'The submitted file has no usable filename.' } };
		// Seed 000 style: one request is one whole file; the same path again replaces it.
		return {
			identifier: `file-${sessionId}-${path}`,
			number: 1,
			totalChunks: 1,
			totalSize: file.size,
			chunkSize: file.size,
			path,
			filename: path,
		};
	}
	const errors = {};
	for (const name of FLOW_FIELDS)
		if (get(name) === undefined) errors[name] = 'This field is required.';
	const ints = {};
	for (const name of [
		'flowChunkNumber',
		'flowTotalChunks',
		'flowChunkSize',
		'flowCurrentChunkSize',
		'flowTotalSize',
	]) {
		if (get(name) === undefined || errors[name]) continue;
		const n = toInt(get(name));
		if (n === null) errors[name] = 'A valid integer is required.';
		else ints[name] = n;
	}
	const path = targetPath(get('flowRelativePath') ?? get('flowFilename') ?? file.filename);
	if (!path) errors.flowRelativePath = 'A valid target path is required.';
	if (Object.keys(errors).length)
		return { errors, identifier: get('flowIdentifier'), number: ints.flowChunkNumber };
	const identifier = get('flowIdentifier');
	const number = ints.flowChunkNumber;
	const total = ints.flowTotalChunks;
	const known = { identifier, number };
	if (total < 1)
		return {
			...known,
			errors: { flowTotalChunks: 'Ensure this value is greater than or equal to 1.' },
		};
	if (number < 1 || number > total)
		return {
			...known,
			errors: { flowChunkNumber: `Chunk number ${number} is outside 1..${total}.` },
		};
	if (ints.flowCurrentChunkSize !== undefined && ints.flowCurrentChunkSize !== file.size)
		return {
			...known,
			errors: {
				flowCurrentChunkSize: `The chunk has ${file.size} bytes, flowCurrentChunkSize says ${ints.flowCurrentChunkSize}.`,
			},
		};
	// Both hash fields are SHA-256 of this chunk (go: flowChunkHash, py: flowFileContentHash).
	for (const name of ['flowChunkHash', 'flowFileContentHash'])
		if (get(name) !== undefined && get(name).toLowerCase() !== file.sha256)
			return { ...known, errors: { [name]: 'Chunk hash mismatch.' } };
	return {
		identifier,
		number,
		totalChunks: total,
		totalSize: ints.flowTotalSize ?? null,
		chunkSize: ints.flowChunkSize ?? null,
		path,
		filename: get('flowFilename') ?? path,
	};
}

/** SHA-256 of a whole file from its chunk files, streamed; '' when a chunk is gone. */
async function contentHashOf(imports, session, file) {
	const hash = createHash('sha256');
	for (let n = 1; n <= file.totalChunks; n++) {
		const path = imports.chunkPath(session.id, file.key, n);
		if (!existsSync(path)) return '';
		for await (const buf of createReadStream(path)) hash.update(buf);
	}
	return hash.digest('hex');
}

export function registerImportRoutes(api, services) {
	const { store, access, imports, importer, faults } = services;
	const t = store.t;
	const ok = (data, status = 200) => ({ status, data });

	const ownSession = (ctx) => {
		const session = imports.get(ctx.params.id);
		if (!session || (session.user !== ctx.user.id && !ctx.user.is_superuser)) throw notFound();
		return session;
	};
	/** A folder/exam/series the user may import into; otherwise DRF's "Invalid pk". */
	const writable = (user, field, table, raw) => {
		const row = t[table].get(toInt(raw));
		if (!row || !access.canRead(user, row) || !access.canWrite(user, row.project))
			throw invalidPk(field, raw);
		return row;
	};
	const rawField = (data, name) => {
		const v = data.get(name);
		return v === undefined || v === null || v === '' ? undefined : v;
	};

	for (const name of NAMES) {
		api.get(BOTH, `/${name}/`, (ctx) =>
			listResult(
				ctx,
				[...imports.sessions.values()].filter((s) => s.user === ctx.user.id).reverse(),
				sessionJson,
			),
		);

		// Create: `{"folder": id}` (seed 000) or `{}` (connectors; the target comes at complete).
		api.post(BOTH, `/${name}/`, async (ctx) => {
			const data = await ctx.body();
			let targetType = null;
			let targetId = null;
			for (const [field, table, type] of [
				['series', 'series', 'serie'],
				['exam', 'exams', 'exam'],
				['folder', 'folders', 'folder'],
			]) {
				if (optionalInt(data, field) === undefined) continue;
				targetId = writable(ctx.user, field, table, rawField(data, field)).id;
				targetType = type;
			}
			return ok(sessionJson(imports.create({ user: ctx.user.id, targetType, targetId })), 201);
		});

		api.get(BOTH, `/${name}/:id/`, (ctx) => ok(sessionJson(ownSession(ctx))));

		api.post(BOTH, `/${name}/:id/upload/`, (ctx) => upload(ctx));

		api.post(BOTH, `/${name}/:id/complete/`, async (ctx) => {
			const session = ownSession(ctx);
			const data = await ctx.body();
			if (session.is_complete) throw badRequest(ALREADY_COMPLETE);
			const options = completeOptions(session, data, ctx.user);
			importer.begin(session, options, ctx.user);
			return { status: 204 };
		});

		api.get(BOTH, `/${name}/:id/progress/`, (ctx) => {
			const s = ownSession(ctx);
			return ok({
				state: s.state,
				progress: s.progress,
				tasks: {
					count: s.timeline_items.length,
					finished: s.state === IMPORT_STATES.FINISHED ? s.timeline_items.length : 0,
					error: s.state === IMPORT_STATES.ERROR ? s.timeline_items.length : 0,
					ids: [...s.timeline_items],
				},
			});
		});

		// The >= 7.14 form (B.6.4); empty until the import has finished.
		api.get(BOTH, `/${name}/:id/result/`, (ctx) => {
			const s = ownSession(ctx);
			const done = s.state === IMPORT_STATES.FINISHED;
			return ok({ datafiles: done ? s.result.map((d) => ({ ...d })) : [] });
		});

		// Not parsed by any connector: the datasets the import touched, each with its files in
		// the pre-7.14 result shape ({datafiles: [{id, name, sha1}]}).
		api.get(BOTH, `/${name}/:id/get_objects/`, (ctx) => {
			const s = ownSession(ctx);
			if (s.state !== IMPORT_STATES.FINISHED) return ok([]);
			const byDataset = new Map();
			for (const d of s.result) {
				if (!byDataset.has(d.dataset)) byDataset.set(d.dataset, []);
				byDataset.get(d.dataset).push({ id: d.id, name: d.path.split('/').at(-1), sha1: d.sha1 });
			}
			return ok(
				[...byDataset].map(([id, datafiles]) => ({
					id,
					content_type: 'dataset',
					name: t.datasets.get(id)?.name ?? null,
					datafiles,
				})),
			);
		});
	}

	// The flow file state of one of the caller's files (B.6.4 "hash history"); clients resume
	// by sending only the chunks not listed in `chunks`.
	api.get(
		BOTH,
		'/flowfile/:identifier/',
		async (ctx) => {
			const mine = [...imports.sessions.values()].filter((s) => s.user === ctx.user.id);
			const hit = imports.findFlowFile(ctx.params.identifier, mine);
			if (!hit) throw notFound();
			const [session, file] = hit;
			const chunks = chunkNumbers(file);
			const complete = chunks.length === file.totalChunks;
			if (complete && !file.contentHash) {
				const hash = await contentHashOf(imports, session, file);
				if (hash && chunkNumbers(file).length === file.totalChunks && !file.contentHash) {
					file.contentHash = hash;
					imports.save(session, { touch: false });
				}
			}
			return ok({
				id: file.flowId,
				identifier: file.identifier,
				original_filename: file.filename,
				original_source_paths: [file.path],
				total_size: file.totalSize,
				total_chunks: file.totalChunks,
				chunks,
				total_chunks_uploaded: chunks.length,
				content_hash: complete ? file.contentHash : '',
				state: complete ? 2 : 1,
				import_session: session.id,
				created: file.created,
				updated: file.updated,
			});
		},
		{ text: ['identifier'] },
	);

	/** Validates complete/'s body (B.6.3); the session stays UPLOADING on any 400. */
	function completeOptions(session, data, user) {
		const ids = {};
		for (const field of ['folder', 'exam', 'series', 'project'])
			ids[field] = optionalInt(data, field);
		const importFile = optionalString(data, 'import_file')?.trim() || undefined;
		const extractRaw = rawField(data, 'extract_zip_files');
		const extract = extractRaw === undefined ? false : toBool(extractRaw);
		if (extract === null) throw validationError({ extract_zip_files: 'Must be a valid boolean.' });
		let relations = structuredField(data, 'relations');
		if (relations === undefined || relations === null || relations === '') relations = {};
		if (typeof relations !== 'object' || Array.isArray(relations))
			throw validationError({ relations: 'Expected a dictionary of items.' });

		// The target: series, exam, folder (from the body, else from create), or a project
		// together with a template.
		const options = { relations: {}, import_file: importFile, extract_zip_files: extract };
		if (ids.series !== undefined) {
			const s = writable(user, 'series', 'series', rawField(data, 'series'));
			Object.assign(options, {
				series: s.id,
				targetType: 'serie',
				targetId: s.id,
				project: s.project,
			});
		} else if (ids.exam !== undefined) {
			const e = writable(user, 'exam', 'exams', rawField(data, 'exam'));
			Object.assign(options, {
				exam: e.id,
				targetType: 'exam',
				targetId: e.id,
				project: e.project,
			});
		} else if (ids.folder !== undefined || session.target_type === 'folder') {
			const raw = ids.folder !== undefined ? rawField(data, 'folder') : session.target_id;
			const f = writable(user, 'folder', 'folders', raw);
			Object.assign(options, {
				folder: f.id,
				targetType: 'folder',
				targetId: f.id,
				project: f.project,
			});
		} else if (session.target_type === 'exam' || session.target_type === 'serie') {
			const table = session.target_type === 'exam' ? 'exams' : 'series';
			const field = session.target_type === 'exam' ? 'exam' : 'series';
			const row = writable(user, field, table, session.target_id);
			Object.assign(options, {
				[field]: row.id,
				targetType: session.target_type,
				targetId: row.id,
				project: row.project,
			});
		} else if (ids.project !== undefined) {
			if (!importFile)
				throw validationError({
					project: 'A project can only be given together with an import_file.',
				});
			const p = t.projects.get(ids.project);
			if (!p || access.role(user, p.id) === null || !access.canWrite(user, p.id))
				throw invalidPk('project', rawField(data, 'project'));
			Object.assign(options, { targetType: 'project', targetId: p.id, project: p.id });
		} else {
			throw validationError({ folder: 'This field is required.' });
		}
		if (ids.project !== undefined && !importFile)
			throw validationError({
				project: 'A project can only be given together with an import_file.',
			});

		if (!session.files.length) throw badRequest('No files were uploaded to this import session.');
		for (const f of session.files) {
			const received = Object.keys(f.chunks).length;
			if (received < f.totalChunks)
				throw badRequest(
					`File "${f.path}" is incomplete: ${received} of ${f.totalChunks} chunks received.`,
				);
		}
		const paths = new Set(session.files.map((f) => f.path));
		// Paths inside archives (py zips small files, the template included) are known only
		// once they are unpacked: then the pipeline checks them (state -1 when missing).
		const archives = session.files.some((f) => isArchive(f.path, extract));
		if (
			importFile &&
			!archives &&
			!session.files.some((f) => f.path === importFile || f.path.split('/').at(-1) === importFile)
		)
			throw validationError({
				import_file: `File "${importFile}" was not uploaded in this import session.`,
			});
		const seen = new Set();
		for (const [main, extras] of Object.entries(relations)) {
			const list = Array.isArray(extras) ? extras : [extras];
			for (const p of [main, ...list]) {
				if (typeof p !== 'string' || (!archives && !paths.has(p)))
					throw validationError({
						relations: `File "${p}" was not uploaded in this import session.`,
					});
				if (seen.has(p))
					throw validationError({ relations: `File "${p}" appears in more than one relation.` });
				seen.add(p);
			}
			options.relations[main] = list;
		}
		return options;
	}

	/**
	 * One chunk request. Order matters for the reliability tests: the crash decision is taken on
	 * arrival; the body goes to a temporary file; a 'before' crash happens before it is stored,
	 * an 'after' crash once it is stored and logged; a 200 is counted as confirmed only when it
	 * has been fully handed to the socket.
	 */
	async function upload(ctx) {
		const session = ownSession(ctx);
		const crash = faults.chunkArrival();
		const contentType = ctx.req.headers['content-type'];
		let received = null;
		let chunk = {};
		/** Every answer goes through here: receipt first, then maybe the crash, then the answer. */
		const answer = (status, data) => {
			if (chunk.identifier !== undefined)
				imports.recordArrival(session, {
					identifier: chunk.identifier,
					number: chunk.number ?? null,
					status: crash ? null : status,
					crash,
				});
			if (received?.file) rmSync(received.file.path, { force: true });
			if (crash) {
				// CLI: the process exits here. In-process: every socket is gone, nothing is sent.
				services.crash(`crash point (${crash}) at chunk ${chunk.number} of ${chunk.identifier}`);
				return { status: 503, empty: true };
			}
			return { status, data };
		};

		if (session.is_complete) return answer(400, { detail: ALREADY_COMPLETE });
		if (mediaType(contentType) !== 'multipart/form-data')
			return answer(415, { detail: `Unsupported media type "${contentType ?? ''}" in request.` });
		try {
			received = await receiveMultipart(ctx.req, contentType, { tmpDir: imports.tmpDir });
		} catch (e) {
			if (e instanceof MultipartError)
				return answer(400, { detail: `Multipart form parse error - ${e.message}` });
			throw detailError(400, `Upload interrupted: ${e.message}`);
		}
		ctx.logBody?.({
			contentType,
			size: received.bytes,
			fields: [
				...received.fields.map(([name, value]) => ({ name, value })),
				...(received.file
					? [
							{
								name: received.file.field,
								filename: received.file.filename,
								size: received.file.size,
							},
						]
					: []),
				...received.skippedFiles.map((f) => ({
					name: f.field,
					filename: f.filename,
					size: f.size,
				})),
			],
		});
		chunk = parseChunk(new Map(received.fields), received.file, session.id);
		if (crash === 'before') return answer(null, null); // before the chunk is stored
		if (chunk.errors) return answer(400, validationError(chunk.errors).body);
		if (session.is_complete) return answer(400, { detail: ALREADY_COMPLETE });

		let file = session.files.find((f) => f.identifier === chunk.identifier);
		if (file) {
			if (file.totalChunks !== chunk.totalChunks)
				return answer(400, {
					flowTotalChunks: [
						`Does not match the earlier chunks of this file (${file.totalChunks}).`,
					],
				});
			if (chunk.totalSize !== null && file.totalSize !== null && file.totalSize !== chunk.totalSize)
				return answer(400, {
					flowTotalSize: [`Does not match the earlier chunks of this file (${file.totalSize}).`],
				});
		} else {
			// A new identifier for a path this session already has replaces that file (a client
			// that starts a file over without its old identifier).
			for (const old of session.files.filter((f) => f.path === chunk.path))
				imports.removeChunks(session, old);
			session.files = session.files.filter((f) => f.path !== chunk.path);
			const now = isoNow();
			file = {
				key: fileKey(chunk.identifier),
				flowId: imports.nextFlowFileId(),
				identifier: chunk.identifier,
				filename: chunk.filename,
				path: chunk.path,
				totalChunks: chunk.totalChunks,
				totalSize: chunk.totalSize,
				chunkSize: chunk.chunkSize,
				chunks: {},
				contentHash: '',
				state: 1,
				created: now,
				updated: now,
			};
			session.files.push(file);
		}
		mkdirSync(imports.chunkDir(session.id, file.key), { recursive: true });
		moveFile(received.file.path, imports.chunkPath(session.id, file.key, chunk.number));
		file.chunks[chunk.number] = received.file.size;
		received.file = null;
		file.contentHash = '';
		file.updated = isoNow();
		imports.save(session);
		const result = answer(200, {});
		const { identifier, number } = chunk;
		ctx.res?.once('finish', () => {
			if (ctx.res.statusCode === 200) imports.recordConfirmed(session, identifier, number);
		});
		return result;
	}
}
