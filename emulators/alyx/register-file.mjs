// POST /register-file and GET /check-protected (reference §8). A custom view, not a
// serializer: it reads loosely typed keys (lists or comma strings, "True"/"False"), answers
// errors under `detail` or `error` (status_code first), reports a missing dataset type, data
// format or path as 500, and creates or reuses one dataset per file and one file record per
// target repository. Everything is validated before anything is written.
import { randomUUID } from 'node:crypto';
import { matchDatasetTypes, splitFilePath } from './alf-names.mjs';
import { nowNaive } from './datetimes.mjs';
import { ApiError, serverError } from './errors.mjs';
import { QC_CODES } from './representations.mjs';
import { bodyMapping, created, ok } from './views.mjs';

const fail400 = (key, message) => new ApiError(400, { status_code: 400, [key]: message });

/** A list from a JSON list, a comma-separated string or repeated form keys. */
function listOf(data, key) {
	let value = data.isForm ? data.getList(key) : data.get(key);
	if (data.isForm && Array.isArray(value) && value.length === 1) value = value[0];
	if (value === undefined || value === null || value === '') return [];
	if (typeof value === 'string') return value.split(',');
	return Array.isArray(value) ? value : [value];
}

/** Python-ish truthiness of the flags: true, "True", "true", "1". */
function flag(data, key, fallback) {
	const value = data.get(key);
	if (value === undefined || value === null || value === '') return fallback;
	if (typeof value === 'boolean') return value;
	if (typeof value === 'number') return value !== 0;
	return ['true', '1', 'yes', 't', 'y'].includes(String(value).toLowerCase());
}

function qcCode(value) {
	if (typeof value === 'number' && Object.values(QC_CODES).includes(value)) return value;
	const text = String(value).trim();
	if (text.toUpperCase() in QC_CODES) return QC_CODES[text.toUpperCase()];
	if (/^\d+$/.test(text) && Object.values(QC_CODES).includes(Number(text))) return Number(text);
	return undefined;
}

/** Resolves and checks the session part of a request (shared with /check-protected). */
function resolveSession(store, relPath) {
	const m = /^([a-zA-Z0-9\-_]+)\/([0-9-]{10})\/([0-9]+)(.*)$/.exec(relPath);
	if (!m) throw fail400('error', `The path ${relPath} should be \`nickname/YYYY-MM-DD/n/...`);
	const [, nickname, date, numberText, rest] = m;
	const subject = store.tables.subjects.by('nickname', nickname)[0];
	if (!subject) throw fail400('error', `A subject with nickname "${nickname}" does not exist.`);
	return { subject, nickname, date, number: Number(numberText), rest: rest.replace(/^\/+/, '') };
}

function findSession(store, { subject, nickname, date, number }) {
	const sameDay = store.tables.sessions
		.by('subject', subject.id)
		.filter((s) => s.start_time?.slice(0, 10) === date);
	if (!sameDay.some((s) => !s.parent_session))
		throw fail400('error', `A base session for ${nickname} on ${date} does not exist`);
	const session = sameDay.find((s) => s.number === number);
	if (!session)
		throw fail400('error', `A session for ${nickname}/${number} on ${date} does not exist`);
	return session;
}

const normalizePath = (path) =>
	String(path)
		.replace(/\\/g, '/')
		.replace(/\/\/+/g, '/')
		.replace(/^\/+|\/+$/g, '');

function isProtected(store, dataset) {
	return (dataset.tags ?? []).some((id) => store.tables.tags.get(id)?.protected);
}

function revisionName(store, id) {
	return id ? (store.tables.revisions.get(id)?.name ?? '') : '';
}

/** Existing datasets with this session/collection/name (any revision). */
function sameDatasets(store, sessionId, collection, name) {
	return store.tables.datasets
		.by('session', sessionId)
		.filter((d) => d.name === name && (d.collection ?? '') === collection);
}

export async function registerFiles(ctx) {
	return created(registerFromData(ctx.store, ctx.user, await bodyMapping(ctx)));
}

/**
 * The register-file logic on an already-parsed body (a RequestData); returns the response
 * array. Also used by the demo seed.
 */
export function registerFromData(store, requestUser, data) {
	const t = store.tables;
	let user = requestUser;
	const createdBy = data.get('created_by');
	if (createdBy) {
		user = t.users.by('username', String(createdBy))[0];
		if (!user) throw serverError('LabMember matching query does not exist.');
	}

	const contentType = data.get('content_type');
	const objectId = data.get('object_id');
	if (Boolean(contentType) !== Boolean(objectId))
		throw fail400('error', 'Both content_type and object_id should be provided together.');

	const repoName = data.get('name');
	const hostname = data.get('hostname');
	let repo = null;
	if (repoName) repo = t.data_repositories.by('name', String(repoName))[0] ?? null;
	else if (hostname) repo = t.data_repositories.by('hostname', String(hostname))[0] ?? null;
	if ((repoName || hostname) && !repo)
		throw fail400('detail', 'The specified repository does not exist.');
	if (contentType && !repo)
		throw fail400(
			'detail',
			'The repository name or hostname is required to register non-session datasets.',
		);

	const rawPath = data.get('path');
	if (!rawPath) throw serverError('The path argument is required.');
	const relPath = normalizePath(rawPath);

	const filenames = listOf(data, 'filenames')
		.map(String)
		.filter((f) => f !== '');
	let target;
	if (contentType) {
		target = { contentType: String(contentType), objectId: String(objectId), rest: relPath };
	} else {
		target = resolveSession(store, relPath);
	}

	const labNames = [...listOf(data, 'projects'), ...listOf(data, 'labs')]
		.map(String)
		.filter(Boolean);
	const labs = labNames.map((name) => t.labs.by('name', name)[0]);
	if (labs.some((l) => !l))
		throw fail400('detail', 'One or more of the specified labs do not exist.');
	const labRows = labs.length
		? labs
		: target.subject
			? [t.labs.get(target.subject.lab)].filter(Boolean)
			: [];
	const repositories = [];
	for (const lab of labRows)
		for (const id of lab.repositories ?? []) if (!repositories.includes(id)) repositories.push(id);
	if (repo && !repositories.includes(repo.id)) repositories.push(repo.id);

	const session = target.subject ? findSession(store, target) : null;

	const hashes = listOf(data, 'hashes');
	const sizes = listOf(data, 'filesizes');
	const versions = listOf(data, 'versions');
	const qcs = listOf(data, 'qc');
	const serverOnly = flag(data, 'server_only', false);
	const isDefault = flag(data, 'default', true);
	const existsFlag = flag(data, 'exists', true);
	const checkProtectedFlag = flag(data, 'check_protected', false);
	const pick = (list, i) => (list.length === 1 ? list[0] : list[i]);

	// Validate every file first (dataset type, QC, data format, protection, path clashes).
	const datasetTypes = t.dataset_types.all();
	const plans = filenames.map((filename, i) => {
		const { fileName, revision, collection, badRevision } = splitFilePath(
			[target.rest, filename].filter(Boolean).join('/'),
		);
		if (badRevision)
			throw fail400(
				'detail',
				`Invalid ALF path. The revision folder of "${filename}" is not valid`,
			);
		const types = matchDatasetTypes(datasetTypes, fileName);
		if (types.length === 0) throw serverError(`No dataset type found for filename "${fileName}"`);
		if (types.length > 1)
			throw serverError(
				`Multiple matching dataset types found for filename "${fileName}": ${types.map((d) => d.name).join(', ')}`,
			);
		const relativePath = [
			target.subject ? relPath.split('/').slice(0, 3).join('/') : '',
			collection,
			revision ? `#${revision}#` : '',
			fileName,
		]
			.filter(Boolean)
			.join('/');
		const qcRaw = pick(qcs, i);
		let qc;
		if (qcRaw !== undefined && qcRaw !== null && qcRaw !== '') {
			qc = qcCode(qcRaw);
			if (qc === undefined)
				throw fail400('detail', `Invalid QC value "${qcRaw}" for dataset "${relPath}/${filename}"`);
		}
		const dot = fileName.lastIndexOf('.');
		const extension = dot < 0 ? '' : fileName.slice(dot);
		const format = t.data_formats.by('file_extension', extension)[0];
		if (!format) throw serverError('DataFormat matching query does not exist.');
		return { fileName, revision, collection, relativePath, type: types[0], format, qc, i };
	});
	if (checkProtectedFlag && session) {
		const details = [];
		for (const plan of plans) {
			const hits = sameDatasets(store, session.id, plan.collection, plan.fileName).filter((d) =>
				isProtected(store, d),
			);
			if (hits.length)
				details.push({
					[plan.fileName]: hits.map((d) => ({ [revisionName(store, d.revision)]: true })),
				});
		}
		if (details.length)
			throw new ApiError(403, {
				status_code: 403,
				error: 'One or more datasets is protected',
				details,
			});
	}
	const existingFor = (plan) =>
		session
			? sameDatasets(store, session.id, plan.collection, plan.fileName).find(
					(d) => revisionName(store, d.revision) === plan.revision,
				)
			: t.datasets
					.all()
					.find(
						(d) =>
							d.content_type === target.contentType &&
							d.object_id === target.objectId &&
							d.name === plan.fileName &&
							(d.collection ?? '') === plan.collection,
					);
	for (const plan of plans) {
		const existing = existingFor(plan);
		if (existing && isProtected(store, existing))
			throw new ApiError(403, {
				status_code: 403,
				detail: `Dataset ${existing.id} is protected, cannot patch`,
			});
		for (const repoId of repositories) {
			const clash = t.file_records
				.by('data_repository', repoId)
				.find((fr) => fr.relative_path === plan.relativePath && fr.dataset !== existing?.id);
			if (clash)
				throw fail400(
					'detail',
					`A file record for "${plan.relativePath}" already exists on repository "${t.data_repositories.get(repoId).name}" for a different dataset.`,
				);
		}
	}

	const response = store.batch(() =>
		plans.map((plan) => {
			const now = nowNaive();
			let revisionId = null;
			if (plan.revision) {
				revisionId = t.revisions.by('name', plan.revision)[0]?.id;
				revisionId ??= t.revisions.insert({
					id: randomUUID(),
					name: plan.revision,
					description: '',
					created_datetime: now,
					json: null,
				}).id;
			}
			const hash = pick(hashes, plan.i);
			const size = pick(sizes, plan.i);
			const version = pick(versions, plan.i);
			let dataset = existingFor(plan);
			if (!dataset) {
				dataset = t.datasets.insert({
					id: randomUUID(),
					name: plan.fileName,
					json: null,
					created_by: user.id,
					created_datetime: now,
					dataset_type: plan.type.id,
					data_format: plan.format.id,
					collection: plan.collection,
					session: session?.id ?? null,
					content_type: target.contentType ?? null,
					object_id: target.objectId ?? null,
					file_size: null,
					hash: '',
					version: '',
					auto_datetime: now,
					revision: revisionId,
					default_dataset: isDefault,
					tags: [],
					qc: plan.qc ?? 0,
					generating_software: null,
				});
			}
			const changes = { auto_datetime: now, default_dataset: isDefault };
			if (plan.qc !== undefined) changes.qc = plan.qc;
			if (size !== undefined && size !== null && size !== '') changes.file_size = Number(size);
			if (version !== undefined && version !== null) changes.version = String(version);
			let hashChanged = false;
			if (hash !== undefined && hash !== null) {
				hashChanged = Boolean(dataset.hash) && dataset.hash !== String(hash);
				changes.hash = String(hash);
			}
			t.datasets.update(dataset.id, changes);
			if (isDefault && session)
				for (const other of sameDatasets(store, session.id, plan.collection, plan.fileName))
					if (other.id !== dataset.id && other.default_dataset)
						t.datasets.update(other.id, { default_dataset: false });

			// File records: one per target repository (server ones only with server_only).
			for (const repoId of repositories) {
				const repository = t.data_repositories.get(repoId);
				if (serverOnly && repository.globus_is_personal) continue;
				const exists = existsFlag && (serverOnly || repoId === repo?.id);
				const record = t.file_records
					.by('dataset', dataset.id)
					.find((fr) => fr.data_repository === repoId);
				if (record) t.file_records.update(record.id, { relative_path: plan.relativePath, exists });
				else
					t.file_records.insert({
						id: randomUUID(),
						name: '',
						json: null,
						dataset: dataset.id,
						data_repository: repoId,
						relative_path: plan.relativePath,
						exists,
					});
			}
			// A new hash means the copies on the other repositories are stale.
			if (hashChanged)
				for (const fr of t.file_records.by('dataset', dataset.id))
					if (fr.data_repository !== repo?.id) t.file_records.update(fr.id, { exists: false });
			return registerResponse(store, dataset, session);
		}),
	);
	return response;
}

function registerResponse(store, d, session) {
	const t = store.tables;
	const out = {
		id: d.id,
		name: d.name,
		file_size: d.file_size,
		subject: session ? (t.subjects.get(session.subject)?.nickname ?? null) : null,
		created_by: t.users.get(d.created_by)?.username ?? null,
		created_datetime: d.created_datetime,
		dataset_type: t.dataset_types.get(d.dataset_type)?.name ?? '',
		data_format: t.data_formats.get(d.data_format)?.name ?? '',
	};
	if (session) {
		out.session = session.id;
		out.session_number = session.number;
		out.session_users = (session.users ?? [])
			.map((id) => t.users.get(id)?.username)
			.filter(Boolean)
			.join(',');
		out.session_start_time = session.start_time;
	} else {
		out.content_type = d.content_type;
		out.object_id = d.object_id;
	}
	Object.assign(out, {
		collection: d.collection,
		revision: revisionName(store, d.revision),
		default: d.default_dataset,
		qc: d.qc,
		file_records: t.file_records.by('dataset', d.id).map((fr) => ({
			id: fr.id,
			data_repository: t.data_repositories.get(fr.data_repository)?.name ?? null,
			relative_path: fr.relative_path,
			exists: fr.exists,
		})),
	});
	return out;
}

/** GET /check-protected: always 200; the verdict is in the body's status_code. */
export async function checkProtected(ctx) {
	const { store } = ctx;
	const fromQuery = ctx.query.has('path');
	const data = fromQuery ? null : await ctx.body();
	const get = (k) => (fromQuery ? ctx.query.get(k) : data.isMapping ? data.get(k) : undefined);
	const rawPath = get('path');
	if (!rawPath) throw serverError('The path argument is required.');
	const relPath = normalizePath(rawPath);
	let filenames = fromQuery ? ctx.query.getAll('filenames') : (get('filenames') ?? []);
	if (fromQuery && filenames.length === 1) filenames = filenames[0];
	if (typeof filenames === 'string') filenames = filenames.split(',');
	const target = resolveSession(store, relPath);
	const session = findSession(store, target);
	const details = [];
	for (const filename of filenames.filter(Boolean)) {
		const { fileName, collection } = splitFilePath(
			[target.rest, filename].filter(Boolean).join('/'),
		);
		const hits = sameDatasets(store, session.id, collection, fileName).filter((d) =>
			isProtected(store, d),
		);
		if (hits.length)
			details.push({ [fileName]: hits.map((d) => ({ [revisionName(store, d.revision)]: true })) });
	}
	if (details.length)
		return ok({ status_code: 403, error: 'One or more datasets is protected', details });
	return ok({ status_code: 200, details: 'None of the datasets are protected' });
}
