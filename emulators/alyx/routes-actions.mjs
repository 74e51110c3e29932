// Actions (reference §4-§7): sessions, weighings, water administrations, water types, the
// water requirement report, water restrictions, procedure types, lab locations and notes.
// The weighing and water-administration filter sets inherit the session-style filters, and
// the ones that need session fields fail with Django's FieldError (500, §11.4).
import { randomUUID } from 'node:crypto';
import { deleteSession } from './cascade.mjs';
import { nowNaive, parseDateInput } from './datetimes.mjs';
import { compileLookup } from './django-lookups.mjs';
import { serverError } from './errors.mjs';
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
import { fixtureId } from './fixtures.mjs';
import {
	DJANGO_FILTER,
	applyFilters,
	autoFilters,
	lookupFilter,
	methodFilter,
} from './filters.mjs';
import {
	QC_CHOICES_TEXT,
	QC_CODES,
	locationRep,
	noteRep,
	procedureRep,
	sessionDetailRep,
	sessionListRep,
	waterAdministrationRep,
	waterRestrictionRep,
	waterTypeRep,
	weighingRep,
} from './representations.mjs';
import {
	created,
	getById,
	getBySlug,
	listAnswer,
	noContent,
	ok,
	orderBy,
	validated,
} from './views.mjs';
import { lastRestriction, waterRequirement } from './water-control.mjs';

const UUID = { id: 'uuid' };

// ---- filters shared by the action filter sets (BaseActionFilter) ----

/** `users=a,b`: rows whose users include every listed username (a FieldError off sessions). */
const usersFilter = (model) =>
	methodFilter('users', (rows, value, ctx) => {
		const names = value.split(',');
		compileLookup(ctx.store, model, 'users__username__in', names); // raises FieldError where no `users`
		const idsByName = names.map((n) => ctx.store.tables.users.by('username', n).map((u) => u.id));
		return rows.filter((r) =>
			idsByName.every((ids) => ids.some((id) => (r.users ?? []).includes(id))),
		);
	});

/** `date_range=a,b` on the date of start_time; a single date is an IndexError (500, §11.2). */
const dateRangeFilter = (model) =>
	methodFilter('date_range', (rows, value, ctx) => {
		const parts = value.split(',');
		if (parts.length < 2) throw serverError('list index out of range');
		const p = compileLookup(ctx.store, model, 'start_time__date__range', [parts[0], parts[1]]);
		return rows.filter(p);
	});

const baseActionFilters = (model) => [
	lookupFilter('subject', 'subject__nickname', 'iexact'),
	lookupFilter('nickname', 'subject__nickname', 'iexact'),
	usersFilter(model),
	dateRangeFilter(model),
	lookupFilter('lab', 'lab__name', 'iexact'),
	lookupFilter('location', 'location__name', 'icontains'),
];

/** Alyx's enum_field_filter for `qc`: names only, case-insensitive; else 500 "Invalidqc, ...". */
const qcFilter = methodFilter('qc', (rows, value) => {
	const code = QC_CODES[value.trim().toUpperCase()];
	if (code === undefined) throw serverError(`Invalidqc, choices are: ${QC_CHOICES_TEXT}`);
	return rows.filter((s) => s.qc === code);
});

function performance(rows, value, cmp) {
	return rows.filter((s) => {
		if (s.n_trials == null || s.n_correct_trials == null || s.n_trials === 0) return false;
		return cmp((100 * s.n_correct_trials) / s.n_trials, value);
	});
}

const SESSION_FILTERS = [
	...baseActionFilters('Session'),
	methodFilter('dataset_types', (rows, value, ctx) => {
		const wanted = value.split(',');
		return rows.filter((s) => {
			const have = new Set(
				ctx.store.tables.datasets
					.by('session', s.id)
					.map((d) => ctx.store.tables.dataset_types.get(d.dataset_type)?.name),
			);
			return wanted.every((t) => have.has(t));
		});
	}),
	methodFilter('datasets', (rows, value, ctx) => {
		const wanted = value.split(',');
		return rows.filter((s) => {
			const present = new Set();
			for (const d of ctx.store.tables.datasets.by('session', s.id)) {
				const onServer = ctx.store.tables.file_records
					.by('dataset', d.id)
					.some(
						(fr) =>
							fr.exists &&
							!ctx.store.tables.data_repositories.get(fr.data_repository)?.globus_is_personal,
					);
				if (onServer) present.add(d.name);
			}
			return wanted.every((n) => present.has(n));
		});
	}),
	methodFilter('dataset_qc_lte', (rows, value, ctx) => {
		const code = QC_CODES[value.toUpperCase()] ?? (/^\d+$/.test(value) ? Number(value) : undefined);
		if (code === undefined) throw serverError(`${value} is not a valid QC`);
		return rows.filter((s) =>
			ctx.store.tables.datasets.by('session', s.id).some((d) => d.qc <= code),
		);
	}),
	methodFilter(
		'performance_gte',
		(rows, value) => performance(rows, value, (p, v) => p >= v),
		'number',
	),
	methodFilter(
		'performance_lte',
		(rows, value) => performance(rows, value, (p, v) => p <= v),
		'number',
	),
	lookupFilter('type', 'type', 'iexact'),
	lookupFilter('task_protocol', 'task_protocol', 'icontains'),
	qcFilter,
	{ name: 'json', kind: 'json', column: 'json' },
	{ name: 'extended_qc', kind: 'json', column: 'extended_qc' },
	lookupFilter('projects', 'projects__name', 'icontains'),
	lookupFilter('project', 'projects__name', 'icontains'),
	lookupFilter('procedures', 'procedures__name', 'icontains'),
	lookupFilter('tag', 'data_dataset_session_related__tags__name', 'icontains'),
	methodFilter(
		'histology',
		(rows, value, ctx) => {
			const histology = ctx.store.tables.procedure_types.by('name', 'Histology')[0]?.id;
			const subjects = new Set(
				ctx.store.tables.sessions
					.all()
					.filter((s) => histology && (s.procedures ?? []).includes(histology))
					.map((s) => s.subject),
			);
			return rows.filter((s) => subjects.has(s.subject) === value);
		},
		'bool',
	),
	// No probe insertions or channels carry brain regions here, so an atlas filter matches nothing.
	methodFilter('atlas_name', () => []),
	methodFilter('atlas_acronym', () => []),
	methodFilter('atlas_id', () => [], 'number'),
	lookupFilter('number', 'number', 'exact', 'number'),
	...autoFilters('Session', [
		'id',
		'name',
		'start_time',
		'end_time',
		'parent_session',
		'n_correct_trials',
		'n_trials',
		'narrative',
		'auto_datetime',
	]),
	DJANGO_FILTER,
];

const WEIGHING_FILTERS = [
	...baseActionFilters('Weighing'),
	{ name: 'json', kind: 'json', column: 'json' },
	...autoFilters('Weighing', ['id', 'name', 'date_time', 'weight', 'user']),
	DJANGO_FILTER,
];

const WATER_ADMIN_FILTERS = [
	...baseActionFilters('WaterAdministration'),
	{ name: 'json', kind: 'json', column: 'json' },
	...autoFilters('WaterAdministration', [
		'id',
		'name',
		'date_time',
		'water_administered',
		'water_type',
		'user',
		'session',
		'adlib',
	]),
	DJANGO_FILTER,
];

const WATER_RESTRICTION_FILTERS = [
	...baseActionFilters('WaterRestriction'),
	lookupFilter('procedures', 'procedures__name', 'icontains'),
	...autoFilters('WaterRestriction', [
		'id',
		'name',
		'start_time',
		'end_time',
		'water_type',
		'reference_weight',
		'narrative',
	]),
	DJANGO_FILTER,
];

// ---- field specs ----

export const SESSION_FIELDS = [
	slug('subject', 'subjects', 'nickname', 'Subject', { required: true }),
	slugMany('users', 'users', 'username', 'LabMember', { default: (ctx) => [ctx.user.id] }),
	slug('location', 'lab_locations', 'name', 'LabLocation', { allowNull: true }),
	slugMany('procedures', 'procedure_types', 'name', 'ProcedureType', { default: () => [] }),
	slug('lab', 'labs', 'name', 'Lab'),
	slugMany('projects', 'projects', 'name', 'Project', { default: () => [] }),
	nullableChar('type', { maxLength: 255 }),
	optionalText('task_protocol', { maxLength: 1023 }),
	{ name: 'number', type: 'integer', allowNull: true },
	{ name: 'start_time', type: 'datetime', allowNull: true, default: () => nowNaive() },
	{ name: 'end_time', type: 'datetime', allowNull: true },
	optionalText('narrative'),
	{
		name: 'parent_session',
		type: 'hyperlink',
		table: 'sessions',
		route: 'sessions',
		allowNull: true,
	},
	{ name: 'n_correct_trials', type: 'integer', allowNull: true },
	{ name: 'n_trials', type: 'integer', allowNull: true },
	readOnly('url'),
	{ name: 'extended_qc', type: 'json', allowNull: true },
	qcField('qc'),
	readOnly('wateradmin_session_related'),
	readOnly('data_dataset_session_related'),
	readOnly('auto_datetime', 'datetime'),
	readOnly('id'),
	json('json'),
];

const WEIGHING_FIELDS = [
	slug('subject', 'subjects', 'nickname', 'Subject', { required: true }),
	{ name: 'date_time', type: 'datetime', allowNull: true, default: () => nowNaive() },
	{ name: 'weight', type: 'float', required: true, min: 0, helpText: 'Weight in grams' },
	slug('user', 'users', 'username', 'LabMember', { default: requestUser }),
	readOnly('url'),
];

const WATER_ADMIN_FIELDS = [
	slug('subject', 'subjects', 'nickname', 'Subject', { required: true }),
	{ name: 'date_time', type: 'datetime', allowNull: true, default: () => nowNaive() },
	{
		name: 'water_administered',
		type: 'float',
		min: 0,
		allowNull: true,
		helpText: 'Water administered, in milliliters',
	},
	slug('water_type', 'water_types', 'name', 'WaterType'),
	slug('user', 'users', 'username', 'LabMember', { default: requestUser }),
	readOnly('url'),
	{ name: 'session', type: 'pk', table: 'sessions', allowNull: true },
	{ name: 'adlib', type: 'boolean', default: false },
];

const WATER_TYPE_FIELDS = [
	readOnly('url'),
	json('json'),
	{
		...char('name', { required: true, maxLength: 128 }),
		unique: uniqueName('water_types', 'water type'),
	},
];

const PROCEDURE_FIELDS = [
	readOnly('id'),
	{
		...char('name', { required: true, maxLength: 255 }),
		unique: uniqueName('procedure_types', 'procedure type'),
	},
	json('json'),
	optionalText('description'),
];

const LOCATION_FIELDS = [
	{
		...char('name', { required: true, maxLength: 255 }),
		unique: uniqueName('lab_locations', 'lab location'),
	},
	slug('lab', 'labs', 'name', 'Lab', { allowNull: true }),
	json('json'),
];

const NOTE_FIELDS = [
	readOnly('id'),
	slug('user', 'users', 'username', 'LabMember', { default: requestUser }),
	{ name: 'date_time', type: 'datetime', default: () => nowNaive() },
	char('content_type', { required: true }),
	{ name: 'object_id', type: 'uuid', required: true },
	optionalText('text'),
	nullableChar('image', { default: null }),
	json('json'),
];

export function registerActionRoutes(views) {
	// ---- sessions ----
	views.view(
		'/sessions',
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'sessions',
					compare: orderBy(['start_time', 'desc']),
					filter: (rows) => applyFilters(SESSION_FILTERS, 'Session', ctx.query, rows, ctx),
					represent: sessionListRep,
				}),
			POST: async (ctx) => {
				const { values } = await validated(ctx, SESSION_FIELDS);
				const subject = ctx.store.tables.subjects.get(values.subject);
				const row = ctx.store.tables.sessions.insert({
					id: randomUUID(),
					name: '',
					location: null,
					type: null,
					number: null,
					end_time: null,
					parent_session: null,
					n_correct_trials: null,
					n_trials: null,
					extended_qc: null,
					qc: 0,
					json: null,
					...values,
					lab: values.lab ?? subject.lab,
					auto_datetime: nowNaive(),
				});
				return created(sessionDetailRep(ctx, row));
			},
		},
		{ name: 'Session API List', description: 'List and create sessions.', fields: SESSION_FIELDS },
	);
	const sessionDetail = (ctx) => getById(ctx, 'sessions', ctx.params.id, 'Session');
	const updateSession = (partial) => async (ctx) => {
		const session = sessionDetail(ctx);
		const { values } = await validated({ ...ctx, instance: session }, SESSION_FIELDS, { partial });
		ctx.store.tables.sessions.update(session.id, { ...values, auto_datetime: nowNaive() });
		return ok(sessionDetailRep(ctx, session));
	};
	views.view(
		'/sessions/:id',
		{
			GET: (ctx) => ok(sessionDetailRep(ctx, sessionDetail(ctx))),
			PUT: updateSession(false),
			PATCH: updateSession(true),
			DELETE: (ctx) => {
				deleteSession(ctx.store, sessionDetail(ctx).id);
				return noContent();
			},
		},
		{
			name: 'Session API Detail',
			params: UUID,
			fields: SESSION_FIELDS,
			exists: (ctx) => Boolean(ctx.store.tables.sessions.get(ctx.params.id)),
		},
	);

	// ---- weighings ----
	views.view(
		'/weighings',
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'weighings',
					compare: orderBy(['date_time']),
					filter: (rows) => applyFilters(WEIGHING_FILTERS, 'Weighing', ctx.query, rows, ctx),
					represent: weighingRep,
				}),
			POST: async (ctx) => {
				const { values } = await validated(ctx, WEIGHING_FIELDS);
				const row = ctx.store.tables.weighings.insert({
					id: randomUUID(),
					name: '',
					json: null,
					user: null,
					...values,
				});
				return created(weighingRep(ctx, row));
			},
		},
		{
			name: 'Weighing Api List Create',
			description: 'Lists or creates a new weighing.',
			fields: WEIGHING_FIELDS,
		},
	);
	const weighingDetail = (ctx) => getById(ctx, 'weighings', ctx.params.id, 'Weighing');
	views.view(
		'/weighings/:id',
		{
			GET: (ctx) => ok(weighingRep(ctx, weighingDetail(ctx))),
			DELETE: (ctx) => {
				ctx.store.tables.weighings.delete(weighingDetail(ctx).id);
				return noContent();
			},
		},
		{
			name: 'Weighing Api Detail',
			description: 'Allows viewing of full detail and deleting a weighing.',
			params: UUID,
		},
	);

	// ---- water administrations ----
	const defaultWaterType = (ctx, subjectId) => {
		const restriction = lastRestriction(ctx.store, subjectId);
		return (
			restriction?.water_type ??
			ctx.store.tables.water_types.by('name', 'Water')[0]?.id ??
			fixtureId('watertype', 'Water')
		);
	};
	views.view(
		'/water-administrations',
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'water_administrations',
					compare: orderBy(['date_time']),
					filter: (rows) =>
						applyFilters(WATER_ADMIN_FILTERS, 'WaterAdministration', ctx.query, rows, ctx),
					represent: waterAdministrationRep,
				}),
			POST: async (ctx) => {
				const { values } = await validated(ctx, WATER_ADMIN_FIELDS);
				const row = ctx.store.tables.water_administrations.insert({
					id: randomUUID(),
					name: '',
					json: null,
					water_administered: null,
					session: null,
					user: null,
					...values,
					water_type: values.water_type ?? defaultWaterType(ctx, values.subject),
				});
				return created(waterAdministrationRep(ctx, row));
			},
		},
		{
			name: 'Water Administration API List',
			description: 'Lists or creates water administrations.',
			fields: WATER_ADMIN_FIELDS,
		},
	);
	const waterAdminDetail = (ctx) =>
		getById(ctx, 'water_administrations', ctx.params.id, 'WaterAdministration');
	const updateWaterAdmin = (partial) => async (ctx) => {
		const admin = waterAdminDetail(ctx);
		const { values } = await validated({ ...ctx, instance: admin }, WATER_ADMIN_FIELDS, {
			partial,
		});
		ctx.store.tables.water_administrations.update(admin.id, values);
		return ok(waterAdministrationRep(ctx, admin));
	};
	views.view(
		'/water-administrations/:id',
		{
			GET: (ctx) => ok(waterAdministrationRep(ctx, waterAdminDetail(ctx))),
			PUT: updateWaterAdmin(false),
			PATCH: updateWaterAdmin(true),
			DELETE: (ctx) => {
				ctx.store.tables.water_administrations.delete(waterAdminDetail(ctx).id);
				return noContent();
			},
		},
		{
			name: 'Water Administration API Detail',
			params: UUID,
			fields: WATER_ADMIN_FIELDS,
			exists: (ctx) => Boolean(ctx.store.tables.water_administrations.get(ctx.params.id)),
		},
	);

	// ---- water types: both paths are the list view (reference §11.6) ----
	const waterTypeList = {
		GET: (ctx) => listAnswer(ctx, { table: 'water_types', represent: waterTypeRep }),
		POST: async (ctx) => {
			const { values } = await validated(ctx, WATER_TYPE_FIELDS);
			const row = ctx.store.tables.water_types.insert({ id: randomUUID(), json: null, ...values });
			return created(waterTypeRep(ctx, row));
		},
	};
	views.view('/water-type', waterTypeList, { name: 'Water Type List', fields: WATER_TYPE_FIELDS });
	views.view('/water-type/:name', waterTypeList, {
		name: 'Water Type List',
		fields: WATER_TYPE_FIELDS,
	});

	// ---- water requirement ----
	views.view(
		'/water-requirement/:nickname',
		{
			GET: (ctx) => {
				const hit = ctx.store.tables.subjects.one('nickname', ctx.params.nickname);
				if (!hit) throw serverError('Subject matching query does not exist.');
				if (hit.multiple)
					throw serverError(`get() returned more than one Subject -- it returned ${hit.multiple}!`);
				const dates = ['start_date', 'end_date'].map((key) => {
					const raw = ctx.query.get(key);
					if (raw == null || raw === '') return undefined;
					const date = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? parseDateInput(raw) : null;
					if (!date) throw serverError(`time data '${raw}' does not match format '%Y-%m-%d'`);
					return date;
				});
				return ok(waterRequirement(ctx.store, hit, dates[0], dates[1]));
			},
		},
		{ name: 'Water Requirement' },
	);

	// ---- water restrictions (created in the admin only) ----
	views.view(
		'/water-restriction',
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'water_restrictions',
					compare: orderBy(['start_time', 'desc']),
					filter: (rows) =>
						applyFilters(WATER_RESTRICTION_FILTERS, 'WaterRestriction', ctx.query, rows, ctx),
					represent: waterRestrictionRep,
				}),
		},
		{ name: 'Water Restriction List' },
	);

	// ---- procedure types, lab locations, notes ----
	views.view(
		'/procedures',
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'procedure_types',
					compare: orderBy(['name']),
					represent: procedureRep,
				}),
			POST: async (ctx) => {
				const { values } = await validated(ctx, PROCEDURE_FIELDS);
				const row = ctx.store.tables.procedure_types.insert({
					id: randomUUID(),
					json: null,
					...values,
				});
				return created(procedureRep(ctx, row));
			},
		},
		{ name: 'Procedure Type List', fields: PROCEDURE_FIELDS },
	);
	views.view(
		'/locations',
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'lab_locations',
					compare: orderBy(['name']),
					represent: locationRep,
				}),
		},
		{ name: 'Lab Location List' },
	);
	const locationDetail = (ctx) =>
		getBySlug(ctx, 'lab_locations', 'name', ctx.params.name, 'LabLocation');
	const updateLocation = (partial) => async (ctx) => {
		const location = locationDetail(ctx);
		const { values } = await validated({ ...ctx, instance: location }, LOCATION_FIELDS, {
			partial,
		});
		ctx.store.tables.lab_locations.update(location.id, values);
		return ok(locationRep(ctx, location));
	};
	views.view(
		'/locations/:name',
		{
			GET: (ctx) => ok(locationRep(ctx, locationDetail(ctx))),
			PUT: updateLocation(false),
			PATCH: updateLocation(true),
		},
		{ name: 'Lab Location Detail', fields: LOCATION_FIELDS },
	);
	const NOTE_FILTERS = [DJANGO_FILTER];
	views.view(
		'/notes',
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'notes',
					compare: orderBy(['date_time']),
					filter: (rows) => applyFilters(NOTE_FILTERS, 'Note', ctx.query, rows, ctx),
					represent: noteRep,
				}),
			POST: async (ctx) => {
				const { values } = await validated(ctx, NOTE_FIELDS);
				const row = ctx.store.tables.notes.insert({ id: randomUUID(), name: '', ...values });
				return created(noteRep(ctx, row));
			},
		},
		{ name: 'Note List', fields: NOTE_FIELDS },
	);
	const noteDetail = (ctx) => getById(ctx, 'notes', ctx.params.id, 'Note');
	const updateNote = (partial) => async (ctx) => {
		const note = noteDetail(ctx);
		const { values } = await validated({ ...ctx, instance: note }, NOTE_FIELDS, { partial });
		ctx.store.tables.notes.update(note.id, values);
		return ok(noteRep(ctx, note));
	};
	views.view(
		'/notes/:id',
		{
			GET: (ctx) => ok(noteRep(ctx, noteDetail(ctx))),
			PUT: updateNote(false),
			PATCH: updateNote(true),
			DELETE: (ctx) => {
				ctx.store.tables.notes.delete(noteDetail(ctx).id);
				return noContent();
			},
		},
		{ name: 'Note Detail', params: UUID, fields: NOTE_FIELDS },
	);
}
