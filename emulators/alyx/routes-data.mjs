// Data (reference §4-§8): dataset types, data formats, repository types and repositories,
// datasets, file records, revisions, tags, downloads, /new-download and /check-protected.
// /register-file lives in register-file.mjs.
import { randomUUID } from 'node:crypto';
import { deleteDataset } from './cascade.mjs';
import { nowNaive } from './datetimes.mjs';
import { ApiError, serverError } from './errors.mjs';
import {
	char,
	json,
	nullableChar,
	optionalText,
	qcField,
	readOnly,
	requestUser,
	slug,
	slugMany,
	uniqueName,
} from './field-specs.mjs';
import {
	DJANGO_FILTER,
	applyFilters,
	autoFilters,
	lookupFilter,
	methodFilter,
} from './filters.mjs';
import { normalizeUuid } from './fields.mjs';
import {
	QC_CHOICES_TEXT,
	QC_CODES,
	dataFormatRep,
	datasetRep,
	datasetTypeRep,
	downloadRep,
	fileRecordRep,
	repositoryRep,
	repositoryTypeRep,
	revisionRep,
	tagRep,
} from './representations.mjs';
import { checkProtected, registerFiles } from './register-file.mjs';
import {
	bodyMapping,
	created,
	getById,
	getBySlug,
	listAnswer,
	noContent,
	ok,
	orderBy,
	validated,
} from './views.mjs';

const UUID = { id: 'uuid' };

const DATASET_TYPE_FIELDS = [
	readOnly('id'),
	{
		...char('name', { required: true, maxLength: 255 }),
		unique: uniqueName('dataset_types', 'dataset type'),
	},
	slug('created_by', 'users', 'username', 'LabMember', { allowNull: true, default: requestUser }),
	optionalText('description', { maxLength: 1023 }),
	nullableChar('filename_pattern', { maxLength: 255, default: '' }),
];

const DATA_FORMAT_FIELDS = [
	readOnly('id'),
	json('json'),
	{
		...char('name', { required: true, maxLength: 255 }),
		unique: uniqueName('data_formats', 'data format'),
	},
	optionalText('description', { maxLength: 255 }),
	char('file_extension', { required: true, maxLength: 255, regex: /^\.[^.]+$/ }),
	optionalText('matlab_loader_function', { maxLength: 255 }),
	optionalText('python_loader_function', { maxLength: 255 }),
];

const REPOSITORY_TYPE_FIELDS = [
	readOnly('url'),
	json('json'),
	{
		...char('name', { required: true, maxLength: 255 }),
		unique: uniqueName('data_repository_types', 'data repository type'),
	},
];

const REPOSITORY_FIELDS = [
	{
		...char('name', { required: true, maxLength: 255 }),
		unique: uniqueName('data_repositories', 'data repository'),
	},
	char('timezone', { allowBlank: true, maxLength: 64, default: 'UTC' }),
	optionalText('globus_path', { maxLength: 1000 }),
	optionalText('hostname', { maxLength: 200, regex: /^[a-zA-Z0-9.\-_]+$/ }),
	{
		name: 'data_url',
		type: 'url',
		allowNull: true,
		allowBlank: true,
		maxLength: 200,
		default: null,
	},
	slug('repository_type', 'data_repository_types', 'name', 'DataRepositoryType', {
		allowNull: true,
		default: null,
	}),
	{ name: 'globus_endpoint_id', type: 'uuid', allowNull: true, default: null },
	{ name: 'globus_is_personal', type: 'boolean', allowNull: true, default: null },
	json('json'),
];

const REPOSITORY_FILTERS = [
	lookupFilter('name', 'name'),
	lookupFilter('globus_is_personal', 'globus_is_personal', 'exact', 'bool'),
	lookupFilter('globus_endpoint_id', 'globus_endpoint_id', 'exact', 'uuid'),
];

const COLLECTION_RE = /^[\w./-]+$/;

const DATASET_FIELDS = [
	readOnly('url'),
	char('name', { required: true, maxLength: 255 }),
	slug('created_by', 'users', 'username', 'LabMember', { allowNull: true, default: null }),
	{ name: 'created_datetime', type: 'datetime', allowNull: true, default: () => nowNaive() },
	slug('dataset_type', 'dataset_types', 'name', 'DatasetType', { required: true }),
	slug('data_format', 'data_formats', 'name', 'DataFormat', { default: null }),
	nullableChar('collection', {
		maxLength: 255,
		regex: COLLECTION_RE,
		regexMessage: 'Collection must be a valid ALF collection name',
		default: '',
	}),
	{ name: 'session', type: 'hyperlink', table: 'sessions', route: 'sessions', allowNull: true },
	{ name: 'file_size', type: 'integer', allowNull: true },
	nullableChar('hash', { maxLength: 64, default: '' }),
	nullableChar('version', { maxLength: 64, default: '' }),
	readOnly('experiment_number'),
	readOnly('file_records'),
	slug('subject', 'subjects', 'nickname', 'Subject'),
	{ name: 'date', type: 'date' },
	{ name: 'number', type: 'integer' },
	readOnly('auto_datetime', 'datetime'),
	slug('revision', 'revisions', 'name', 'Revision', { allowNull: true }),
	{ name: 'default_dataset', type: 'boolean', allowNull: true, default: true },
	slugMany('tags', 'tags', 'name', 'Tag', { default: () => [] }),
	qcField('qc', { default: 0 }),
	json('json'),
];

const FILE_RECORD_FIELDS = [
	readOnly('url'),
	{ name: 'dataset', type: 'hyperlink', table: 'datasets', route: 'datasets', required: true },
	slug('data_repository', 'data_repositories', 'name', 'DataRepository', { required: true }),
	optionalText('name', { maxLength: 255 }),
	json('json'),
	char('relative_path', { required: true, maxLength: 1000, regex: /^[a-zA-Z0-9_][^\\:]+$/ }),
	{ name: 'exists', type: 'boolean', default: false },
];

const REVISION_FIELDS = [
	readOnly('id'),
	json('json'),
	{
		...char('name', { allowBlank: true, maxLength: 255, regex: /^[\w.-]+$/, default: '' }),
		unique: uniqueName('revisions', 'revision'),
	},
	optionalText('description', { maxLength: 1023 }),
	{ name: 'created_datetime', type: 'datetime', allowNull: true, default: () => nowNaive() },
];

const TAG_FIELDS = [
	readOnly('id'),
	json('json'),
	{ ...char('name', { required: true, maxLength: 255 }), unique: uniqueName('tags', 'tag') },
	optionalText('description', { maxLength: 1023 }),
	{ name: 'protected', type: 'boolean', default: false },
	{ name: 'public', type: 'boolean', default: false },
	nullableChar('hash', { maxLength: 64, default: null }),
];

const DOWNLOAD_FIELDS = [
	readOnly('id'),
	slug('user', 'users', 'username', 'LabMember'),
	readOnly('dataset'),
	{ name: 'count', type: 'integer' },
	json('json'),
];

const qcEnumFilter = methodFilter('qc', (rows, value) => {
	const code = QC_CODES[value.trim().toUpperCase()];
	if (code === undefined) throw serverError(`Invalidqc, choices are: ${QC_CHOICES_TEXT}`);
	return rows.filter((d) => d.qc === code);
});

const tagFlag = (flag) =>
	methodFilter(
		flag,
		(rows, value, ctx) =>
			rows.filter(
				(d) => (d.tags ?? []).some((id) => ctx.store.tables.tags.get(id)?.[flag]) === value,
			),
		'bool',
	);

const DATASET_FILTERS = [
	lookupFilter('subject', 'session__subject__nickname'),
	lookupFilter('lab', 'session__lab__name'),
	lookupFilter('date', 'session__start_time__date'),
	lookupFilter('created_date', 'created_datetime__date'),
	lookupFilter('created_date_gte', 'created_datetime__date', 'gte'),
	lookupFilter('created_date_lte', 'created_datetime__date', 'lte'),
	lookupFilter('created_by', 'created_by__username'),
	lookupFilter('dataset_type', 'dataset_type__name'),
	lookupFilter('experiment_number', 'session__number'),
	methodFilter(
		'exists',
		// Only meaningful with a server (non-personal Globus) repository, as on Alyx.
		(rows, value, ctx) => {
			const servers = new Set(
				ctx.store.tables.data_repositories
					.all()
					.filter((r) => r.globus_is_personal === false)
					.map((r) => r.id),
			);
			if (!servers.size) return rows;
			return rows.filter((d) =>
				ctx.store.tables.file_records
					.by('dataset', d.id)
					.some((fr) => servers.has(fr.data_repository) && fr.exists === value),
			);
		},
		'bool',
	),
	methodFilter('probe_insertion', () => [], 'uuid'),
	tagFlag('public'),
	tagFlag('protected'),
	lookupFilter('tag', 'tags__name'),
	lookupFilter('revision', 'revision__name'),
	qcEnumFilter,
	...autoFilters('Dataset', [
		'id',
		'name',
		'collection',
		'session',
		'hash',
		'version',
		'file_size',
		'default_dataset',
		'data_format',
		'created_datetime',
		'auto_datetime',
		'generating_software',
		'tags',
	]),
	DJANGO_FILTER,
];

const FILE_FILTERS = [
	lookupFilter('lab', 'dataset__session__lab__name'),
	lookupFilter('data_repository', 'data_repository__name'),
	lookupFilter('globus_is_personal', 'data_repository__globus_is_personal', 'exact', 'bool'),
	...autoFilters('FileRecord', ['id', 'name', 'dataset', 'relative_path', 'exists']),
	DJANGO_FILTER,
];

/** Registers a slug-named resource with list/create and detail/update/delete. */
function slugResource(
	views,
	{ path, table, model, fields, represent, order = ['name'], filters, modelMeta, create, listName },
) {
	views.view(
		path,
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table,
					compare: order ? orderBy(order) : undefined,
					filter: filters
						? (rows) => applyFilters(filters, modelMeta, ctx.query, rows, ctx)
						: undefined,
					represent,
				}),
			POST: async (ctx) => {
				const { values } = await validated(ctx, fields);
				const row = ctx.store.tables[table].insert({
					id: randomUUID(),
					json: null,
					...create?.(ctx),
					...values,
				});
				return created(represent(ctx, row));
			},
		},
		{ name: `${listName} List`, fields },
	);
	const detail = (ctx) => getBySlug(ctx, table, 'name', ctx.params.name, model);
	const update = (partial) => async (ctx) => {
		const row = detail(ctx);
		const { values } = await validated({ ...ctx, instance: row }, fields, { partial });
		ctx.store.tables[table].update(row.id, values);
		return ok(represent(ctx, row));
	};
	views.view(
		`${path}/:name`,
		{
			GET: (ctx) => ok(represent(ctx, detail(ctx))),
			PUT: update(false),
			PATCH: update(true),
			DELETE: (ctx) => {
				ctx.store.tables[table].delete(detail(ctx).id);
				return noContent();
			},
		},
		{
			name: `${listName} Detail`,
			fields,
			exists: (ctx) => ctx.store.tables[table].by('name', ctx.params.name).length > 0,
		},
	);
}

/** POST /datasets: `session` directly, or found from the write-only subject/date/number. */
function datasetSession(ctx, values) {
	if (values.session) return values.session;
	if (!values.subject || !values.date || values.number == null) return null;
	return (
		ctx.store.tables.sessions
			.by('subject', values.subject)
			.find((s) => s.start_time?.slice(0, 10) === values.date && s.number === values.number)?.id ??
		null
	);
}

/** The serializer's write-only `subject`, `date` and `number` are not dataset columns. */
function withoutWriteOnly(values) {
	const rest = { ...values };
	for (const key of ['subject', 'date', 'number']) delete rest[key];
	return rest;
}

function datasetRow(values, session) {
	const rest = withoutWriteOnly(values);
	return { ...rest, session, collection: rest.collection ?? '' };
}

export function registerDataRoutes(views) {
	slugResource(views, {
		path: '/dataset-types',
		table: 'dataset_types',
		model: 'DatasetType',
		fields: DATASET_TYPE_FIELDS,
		represent: datasetTypeRep,
		listName: 'Dataset Type',
	});
	slugResource(views, {
		path: '/data-formats',
		table: 'data_formats',
		model: 'DataFormat',
		fields: DATA_FORMAT_FIELDS,
		represent: dataFormatRep,
		listName: 'Data Format',
	});
	slugResource(views, {
		path: '/data-repository-type',
		table: 'data_repository_types',
		model: 'DataRepositoryType',
		fields: REPOSITORY_TYPE_FIELDS,
		represent: repositoryTypeRep,
		listName: 'Data Repository Type',
	});
	slugResource(views, {
		path: '/data-repository',
		table: 'data_repositories',
		model: 'DataRepository',
		fields: REPOSITORY_FIELDS,
		represent: repositoryRep,
		filters: REPOSITORY_FILTERS,
		modelMeta: 'DataRepository',
		listName: 'Data Repository',
	});
	slugResource(views, {
		path: '/revisions',
		table: 'revisions',
		model: 'Revision',
		fields: REVISION_FIELDS,
		represent: revisionRep,
		filters: [lookupFilter('name', 'name')],
		modelMeta: 'Revision',
		listName: 'Revision',
	});
	slugResource(views, {
		path: '/tags',
		table: 'tags',
		model: 'Tag',
		fields: TAG_FIELDS,
		represent: tagRep,
		filters: [lookupFilter('name', 'name')],
		modelMeta: 'Tag',
		listName: 'Tag',
	});

	// ---- datasets ----
	views.view(
		'/datasets',
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'datasets',
					filter: (rows) => applyFilters(DATASET_FILTERS, 'Dataset', ctx.query, rows, ctx),
					represent: (c, d) => datasetRep(c, d, { list: true }),
				}),
			POST: async (ctx) => {
				const { values } = await validated(ctx, DATASET_FIELDS);
				const now = nowNaive();
				const row = ctx.store.tables.datasets.insert({
					id: randomUUID(),
					json: null,
					file_size: null,
					revision: null,
					generating_software: null,
					...datasetRow(values, datasetSession(ctx, values)),
					auto_datetime: now,
				});
				return created(datasetRep(ctx, row));
			},
		},
		{ name: 'Dataset List', fields: DATASET_FIELDS },
	);
	const datasetDetail = (ctx) => getById(ctx, 'datasets', ctx.params.id, 'Dataset');
	const updateDataset = (partial) => async (ctx) => {
		const dataset = datasetDetail(ctx);
		const { values } = await validated({ ...ctx, instance: dataset }, DATASET_FIELDS, { partial });
		ctx.store.tables.datasets.update(dataset.id, {
			...withoutWriteOnly(values),
			auto_datetime: nowNaive(),
		});
		return ok(datasetRep(ctx, dataset));
	};
	views.view(
		'/datasets/:id',
		{
			GET: (ctx) => ok(datasetRep(ctx, datasetDetail(ctx))),
			PUT: updateDataset(false),
			PATCH: updateDataset(true),
			DELETE: (ctx) => {
				const dataset = datasetDetail(ctx);
				const tags = (dataset.tags ?? []).map((id) => ctx.store.tables.tags.get(id));
				if (tags.some((t) => t?.protected))
					throw new ApiError(403, {
						status_code: 403,
						detail: `Failed to delete dataset ${dataset.name} due to protected tag(s)`,
					});
				deleteDataset(ctx.store, dataset.id);
				return noContent();
			},
		},
		{
			name: 'Dataset Detail',
			params: UUID,
			fields: DATASET_FIELDS,
			exists: (ctx) => Boolean(ctx.store.tables.datasets.get(ctx.params.id)),
		},
	);

	// ---- file records ----
	views.view(
		'/files',
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'file_records',
					compare: orderBy(['relative_path']),
					filter: (rows) => applyFilters(FILE_FILTERS, 'FileRecord', ctx.query, rows, ctx),
					represent: fileRecordRep,
				}),
			POST: async (ctx) => {
				const { values } = await validated(ctx, FILE_RECORD_FIELDS);
				const row = ctx.store.tables.file_records.insert({
					id: randomUUID(),
					json: null,
					name: '',
					...values,
				});
				return created(fileRecordRep(ctx, row));
			},
		},
		{ name: 'File Record List', fields: FILE_RECORD_FIELDS },
	);
	const fileDetail = (ctx) => getById(ctx, 'file_records', ctx.params.id, 'FileRecord');
	const updateFile = (partial) => async (ctx) => {
		const record = fileDetail(ctx);
		const { values } = await validated({ ...ctx, instance: record }, FILE_RECORD_FIELDS, {
			partial,
		});
		ctx.store.tables.file_records.update(record.id, values);
		return ok(fileRecordRep(ctx, record));
	};
	views.view(
		'/files/:id',
		{
			GET: (ctx) => ok(fileRecordRep(ctx, fileDetail(ctx))),
			PUT: updateFile(false),
			PATCH: updateFile(true),
			DELETE: (ctx) => {
				ctx.store.tables.file_records.delete(fileDetail(ctx).id);
				return noContent();
			},
		},
		{
			name: 'File Record Detail',
			params: UUID,
			fields: FILE_RECORD_FIELDS,
			exists: (ctx) => Boolean(ctx.store.tables.file_records.get(ctx.params.id)),
		},
	);

	// ---- downloads ----
	const DOWNLOAD_FILTERS = [
		lookupFilter('dataset_type', 'dataset__dataset_type__name'),
		...autoFilters('Download', ['user', 'dataset', 'count']),
		DJANGO_FILTER,
	];
	views.view(
		'/downloads',
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'downloads',
					filter: (rows) => applyFilters(DOWNLOAD_FILTERS, 'Download', ctx.query, rows, ctx),
					represent: downloadRep,
				}),
		},
		{ name: 'Download List' },
	);
	const downloadDetail = (ctx) => getById(ctx, 'downloads', ctx.params.id, 'Download');
	const updateDownload = (partial) => async (ctx) => {
		const download = downloadDetail(ctx);
		const { values } = await validated({ ...ctx, instance: download }, DOWNLOAD_FIELDS, {
			partial,
		});
		ctx.store.tables.downloads.update(download.id, values);
		return ok(downloadRep(ctx, download));
	};
	views.view(
		'/downloads/:id',
		{
			GET: (ctx) => ok(downloadRep(ctx, downloadDetail(ctx))),
			PUT: updateDownload(false),
			PATCH: updateDownload(true),
		},
		{ name: 'Download Detail', params: UUID, fields: DOWNLOAD_FIELDS },
	);
	views.view(
		'/new-download',
		{
			POST: async (ctx) => {
				const data = await bodyMapping(ctx);
				let ids = data.isForm ? data.getList('datasets') : data.get('datasets');
				if (ids === undefined || (Array.isArray(ids) && ids.length === 0))
					ids = data.get('dataset');
				const list = (
					typeof ids === 'string' ? ids.split(',') : Array.isArray(ids) ? ids : [ids]
				).filter(Boolean);
				const user = data.get('user')
					? ctx.store.tables.users.by('username', data.get('user'))[0]
					: ctx.user;
				if (!user) throw serverError('LabMember matching query does not exist.');
				const downloads = list.map((raw) => {
					const id = normalizeUuid(String(raw));
					if (!id) throw serverError(`['“${raw}” is not a valid UUID.']`);
					if (!ctx.store.tables.datasets.get(id))
						throw serverError('Dataset matching query does not exist.');
					const existing = ctx.store.tables.downloads
						.by('dataset', id)
						.find((d) => d.user === user.id);
					if (existing)
						return ctx.store.tables.downloads.update(existing.id, { count: existing.count + 1 });
					return ctx.store.tables.downloads.insert({
						id: randomUUID(),
						user: user.id,
						dataset: id,
						count: 1,
						json: null,
						name: '',
					});
				});
				return created({
					download: downloads.map((d) => d.id),
					count: downloads.map((d) => d.count),
				});
			},
		},
		{ name: 'Download View Set' },
	);

	// ---- register-file & check-protected ----
	views.view('/register-file', { POST: registerFiles }, { name: 'Register File View Set' });
	views.view('/check-protected', { GET: checkProtected }, { name: 'Protected View Set' });
}
