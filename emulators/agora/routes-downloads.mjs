// ZIP downloads on both route sets (reference A.10, B.7.2, Part C "Download"), one model
// (downloads.mjs) behind them:
//   seed 000     POST /download/ [{object_type, object_id}, ...] -> 201; GET /download/{id}/
//                (state QUEUED|STARTED|FINISHED|ERROR); GET /download/{id}/stream/ -> the ZIP
//   connectors   POST /downloadfile/ and /project/{pid}/downloadfile/ {exam_ids, ..., filter}
//                -> 200 (app requires it); GET /downloadfile/{id}/ (ready); .../download/
//                POST /downloadinfo/ -> bare array of the files a request would pack
// Served under /api/v1/ and /api/v2/ like every route. Creating a download is a read, so
// read-only users may (readOnlyAllowed). The ZIP is streamed with an exact Content-Length and
// honours `Range` (206), so an interrupted client can continue where it stopped.
import { parseByteRange, zipStream } from '../lib/zip-stream.mjs';
import { BOTH } from './api-router.mjs';
import { kindOf } from './content-types.mjs';
import { downloadsFor } from './downloads.mjs';
import { pythonRegex } from './downloads-plan.mjs';
import { ApiError, detailError, notFound, validationError } from './errors.mjs';
import { structuredField, toBool, toInt, typeName } from './request-values.mjs';
import { attachment } from './routes-transfers.mjs';

const DOWNLOADABLE = new Set([
	'project',
	'folder',
	'patient',
	'exam',
	'serie',
	'dataset',
	'datafile',
]);

/** The connectors' id fields, in the order objects are packed. */
const ID_FIELDS = [
	['project_ids', 'project'],
	['folder_ids', 'folder'],
	['patient_ids', 'patient'],
	['exam_ids', 'exam'],
	['series_ids', 'serie'],
	['serie_ids', 'serie'],
	['dataset_ids', 'dataset'],
];

const nonField = (message) => validationError({ non_field_errors: message });

export function registerDownloadRoutes(api, services) {
	const { store, access } = services;
	const downloads = downloadsFor(services);
	const READ = { readOnlyAllowed: true };

	/** A visible object, or null (DRF's "Invalid pk" for the caller). */
	function resolve(kind, id, user) {
		if (kind === 'project') {
			const p = store.t.projects.get(id);
			return p && access.role(user, p.id) !== null ? p : null;
		}
		return access.find(kind, id, user);
	}

	const pkError = (field, raw) =>
		validationError({ [field]: `Invalid pk "${raw}" - object does not exist.` });

	/**
	 * Ids of a list field: a JSON list, one number (MATLAB's jsonencode writes a one-element
	 * array as a scalar), a form's repeated field, or comma-separated text.
	 */
	function idList(data, field) {
		let values = data.isForm ? data.getList(field) : data.get(field);
		if (values === undefined || values === null || values === '') return [];
		if (!Array.isArray(values)) values = [values];
		values = values.flatMap((v) => (typeof v === 'string' && v.includes(',') ? v.split(',') : [v]));
		return values.map((v) => {
			const n = toInt(v);
			if (n === null)
				throw validationError({
					[field]: `Incorrect type. Expected pk value, received ${typeName(v)}.`,
				});
			return n;
		});
	}

	function boolField(data, field, fallback) {
		const raw = data.get(field);
		if (raw === undefined || raw === null || raw === '') return fallback;
		const b = toBool(raw);
		if (b === null) throw validationError({ [field]: 'Must be a valid boolean.' });
		return b;
	}

	/** B.7.2's `filter`: {datafile_ids, dataset_types, regex}; an empty list does not filter. */
	function parseFilter(data) {
		const raw = structuredField(data, 'filter');
		if (raw === undefined || raw === null || raw === '') return { filter: null, json: null };
		const fail = (errors) => new ApiError(400, { filter: errors });
		if (typeof raw !== 'object' || Array.isArray(raw))
			throw fail({
				non_field_errors: [`Invalid data. Expected a dictionary, but got ${typeName(raw)}.`],
			});
		const list = (field) => {
			const v = raw[field];
			if (v === undefined || v === null) return null;
			const values = (Array.isArray(v) ? v : [v]).map((x) => toInt(x));
			if (values.some((x) => x === null))
				throw fail({ [field]: ['A list of integers is required.'] });
			return values.length ? values : null;
		};
		const filter = { datafile_ids: list('datafile_ids'), dataset_types: list('dataset_types') };
		if (raw.regex !== undefined && raw.regex !== null && raw.regex !== '') {
			try {
				filter.regex = pythonRegex(raw.regex);
			} catch (e) {
				throw fail({ regex: [`Invalid regular expression: ${e.message}`] });
			}
		}
		return { filter, json: raw };
	}

	/** The connectors' body (B.7.2); `projectId` limits the objects to that project. */
	async function connectorRequest(ctx, projectId = null) {
		const data = await ctx.body();
		if (!data.isMapping)
			throw nonField(`Invalid data. Expected a dictionary, but got ${typeName(data.value)}.`);
		const objects = [];
		for (const [field, kind] of ID_FIELDS) {
			for (const id of idList(data, field)) {
				const row = resolve(kind, id, ctx.user);
				const inProject = kind === 'project' ? row?.id === projectId : row?.project === projectId;
				if (!row || (projectId !== null && !inProject)) throw pkError(field, id);
				if (!objects.some((o) => o.kind === kind && o.row.id === row.id))
					objects.push({ kind, row });
			}
		}
		if (!objects.length)
			throw nonField(
				'Select at least one object: exam_ids, series_ids, dataset_ids, folder_ids, patient_ids or project_ids.',
			);
		const { filter, json } = parseFilter(data);
		return {
			objects,
			options: {
				flat: boolField(data, 'flat', false),
				compression: boolField(data, 'compression', false),
				stream: boolField(data, 'stream', true),
				aex: boolField(data, 'aex', false),
				filter,
				filterJson: json,
			},
		};
	}

	/** Seed 000's body: a JSON list of {object_type, object_id} (a form: repeated pairs). */
	async function documentedRequest(ctx) {
		const data = await ctx.body();
		let items;
		if (data.isForm) {
			const types = data.getList('object_type');
			const ids = data.getList('object_id');
			if (types.length !== ids.length) throw nonField('Every object_type needs an object_id.');
			items = types.map((object_type, i) => ({ object_type, object_id: ids[i] }));
			if (!items.length && data.has('objects')) items = structuredField(data, 'objects');
		} else {
			items = data.value;
		}
		if (!Array.isArray(items))
			throw nonField(`Expected a list of items but got type "${typeName(items)}".`);
		if (!items.length) throw nonField('This list may not be empty.');
		const objects = [];
		for (const item of items) {
			if (!item || typeof item !== 'object' || Array.isArray(item))
				throw nonField(`Invalid data. Expected a dictionary, but got ${typeName(item)}.`);
			const { object_type: type, object_id: rawId } = item;
			if (type === undefined || type === null || type === '')
				throw validationError({ object_type: 'This field is required.' });
			const kind = kindOf(type);
			if (!DOWNLOADABLE.has(kind))
				throw validationError({ object_type: `"${type}" is not a valid choice.` });
			if (rawId === undefined || rawId === null || rawId === '')
				throw validationError({ object_id: 'This field is required.' });
			const id = toInt(rawId);
			if (id === null)
				throw validationError({
					object_id: `Incorrect type. Expected pk value, received ${typeName(rawId)}.`,
				});
			const row = resolve(kind, id, ctx.user);
			if (!row) throw pkError('object_id', rawId);
			if (!objects.some((o) => o.kind === kind && o.row.id === row.id)) objects.push({ kind, row });
		}
		return { objects, options: {} };
	}

	const urls = {
		documented: (ctx, id) => `${ctx.origin}/api/${ctx.apiVersion}/download/${id}/stream/`,
		connector: (ctx, id) => `${ctx.origin}/api/${ctx.apiVersion}/downloadfile/${id}/download/`,
	};
	const found = (ctx) => downloads.find(ctx.params.id, ctx.user) ?? throwNotFound();
	const show = (ctx, record, set, status = 200) => ({
		status,
		data: downloads.view(record, urls[set](ctx, record.id)),
	});

	/** The archive, whole (200) or a byte range (206); 409 before it is ready, 410 after an error. */
	function zipResult(ctx, record) {
		const { state, error } = downloads.status(record);
		if (state === 'ERROR') throw detailError(410, `The download failed: ${error}`);
		if (state !== 'FINISHED') throw detailError(409, 'The download is not ready yet.');
		if (downloads.changedFiles(record).length)
			throw detailError(
				410,
				'The download is no longer available: its files changed on the server.',
			);
		const { layout } = record;
		const size = layout.totalSize;
		const headers = {
			'Content-Type': 'application/zip',
			'Content-Disposition': attachment(record.downloadName),
			'Accept-Ranges': 'bytes',
			ETag: record.etag,
		};
		const ifRange = ctx.req.headers['if-range'];
		const range =
			ifRange && ifRange !== record.etag ? null : parseByteRange(ctx.req.headers.range, size);
		if (range === 'unsatisfiable')
			return {
				status: 416,
				empty: true,
				headers: { ...headers, 'Content-Range': `bytes */${size}` },
			};
		const { start, end } = range ?? { start: 0, end: size - 1 };
		return {
			status: range ? 206 : 200,
			stream: () => abortable(ctx.req, zipStream(layout, { start, end })),
			streamHeaders: {
				...headers,
				'Content-Length': String(end - start + 1),
				...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
			},
		};
	}

	// Seed 000
	api.post(
		BOTH,
		'/download/',
		async (ctx) => {
			const { objects, options } = await documentedRequest(ctx);
			return show(ctx, downloads.create(ctx.user, objects, options), 'documented', 201);
		},
		READ,
	);
	api.get(BOTH, '/download/:id/', (ctx) => show(ctx, found(ctx), 'documented'));
	api.get(BOTH, '/download/:id/stream/', (ctx) => zipResult(ctx, found(ctx)));

	// Connectors (m, app)
	api.post(
		BOTH,
		'/downloadfile/',
		async (ctx) => {
			const { objects, options } = await connectorRequest(ctx);
			return show(ctx, downloads.create(ctx.user, objects, options), 'connector');
		},
		READ,
	);
	api.post(
		BOTH,
		'/project/:pid/downloadfile/',
		async (ctx) => {
			const project = resolve('project', ctx.params.pid, ctx.user) ?? throwNotFound();
			const { objects, options } = await connectorRequest(ctx, project.id);
			return show(ctx, downloads.create(ctx.user, objects, options), 'connector');
		},
		READ,
	);
	api.get(BOTH, '/downloadfile/:id/', (ctx) => show(ctx, found(ctx), 'connector'));
	api.get(BOTH, '/downloadfile/:id/download/', (ctx) => zipResult(ctx, found(ctx)));
	api.post(
		BOTH,
		'/downloadinfo/',
		async (ctx) => {
			const { objects, options } = await connectorRequest(ctx);
			const data = downloads.select(ctx.user, objects, options).map(({ df, name }) => {
				const slash = name.lastIndexOf('/');
				return {
					id: df.id,
					filename: name.slice(slash + 1),
					rel_path: slash < 0 ? '' : name.slice(0, slash),
					size: df.size,
					sha1: df.sha1,
				};
			});
			return { status: 200, data };
		},
		READ,
	);
}

function throwNotFound() {
	throw notFound();
}

/**
 * Ends the archive stream when the client goes away. Node's pipe() only unpipes then, which
 * would leave the file being read open until garbage collection.
 */
function abortable(req, stream) {
	const socket = req.socket;
	const stop = () => stream.destroy();
	socket.once('close', stop);
	stream.once('close', () => socket.off('close', stop));
	return stream;
}
