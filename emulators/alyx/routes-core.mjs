// Authentication, users, labs, projects and the non-REST pages (API schema, docs, cache).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { nowNaive } from './datetimes.mjs';
import { drfError, serverError, validationError } from './errors.mjs';
import { char, json, optionalText, slugMany, uniqueName } from './field-specs.mjs';
import { DJANGO_FILTER, applyFilters, autoFilters } from './filters.mjs';
import { labRep, projectRep, userRep } from './representations.mjs';
import { toYaml } from './yaml.mjs';
import {
	bodyMapping,
	created,
	getBySlug,
	listAnswer,
	noContent,
	ok,
	orderBy,
	validated,
} from './views.mjs';

// ---- /auth-token ----

const AUTH_TOKEN_PARSES = [
	'application/x-www-form-urlencoded',
	'multipart/form-data',
	'application/json',
];

async function obtainToken(ctx) {
	const data = await bodyMapping(ctx);
	const errors = {};
	const values = {};
	for (const name of ['username', 'password']) {
		const v = data.get(name);
		if (v === undefined) errors[name] = ['This field is required.'];
		else if (v === null) errors[name] = ['This field may not be null.'];
		else if (String(name === 'username' ? String(v).trim() : v) === '')
			errors[name] = ['This field may not be blank.'];
		else values[name] = name === 'username' ? String(v).trim() : String(v);
	}
	if (Object.keys(errors).length) throw validationError(errors);
	const token = ctx.auth.login(values.username, values.password);
	if (!token)
		throw validationError({ non_field_errors: ['Unable to log in with provided credentials.'] });
	return ok({ token });
}

// ---- users ----

const USER_FIELDS = [
	{
		...char('username', { required: true, maxLength: 150, regex: /^[\w.@+-]+$/ }),
		unique: uniqueNameUser(),
	},
	{ ...char('email', { allowBlank: true, default: '' }), type: 'char' },
	slugMany('allowed_users', 'users', 'username', 'LabMember', { default: () => [] }),
	{ name: 'is_stock_manager', type: 'boolean', default: false },
];

function uniqueNameUser() {
	return (value, ctx) =>
		ctx.store.tables.users.by('username', value).some((r) => r.id !== ctx.instance?.id)
			? 'A user with that username already exists.'
			: null;
}

const USER_FILTERS = [
	...autoFilters('User', [
		'id',
		'password',
		'last_login',
		'is_superuser',
		'username',
		'first_name',
		'last_name',
		'email',
		'is_staff',
		'is_active',
		'date_joined',
		'is_stock_manager',
		'is_public_user',
		'allowed_users',
	]),
	DJANGO_FILTER,
];

// ---- labs ----

const LAB_FIELDS = [
	{
		...char('name', { required: true, maxLength: 255, regex: /^\w+$/ }),
		unique: uniqueName('labs', 'lab'),
	},
	optionalText('institution', { maxLength: 255 }),
	optionalText('address', { maxLength: 255 }),
	char('timezone', { allowBlank: true, maxLength: 64, default: 'UTC' }),
	slugMany('repositories', 'data_repositories', 'name', 'DataRepository', { default: () => [] }),
	{ name: 'reference_weight_pct', type: 'float', default: 0 },
	{ name: 'zscore_weight_pct', type: 'float', default: 0 },
	json('json'),
];

const LAB_FILTERS = [
	...autoFilters('Lab', [
		'id',
		'name',
		'institution',
		'address',
		'timezone',
		'reference_weight_pct',
		'zscore_weight_pct',
		'cage_type',
		'enrichment',
		'food',
		'light_cycle',
		'cage_cleaning_frequency_days',
		'repositories',
	]),
	DJANGO_FILTER,
];

// ---- projects ----

const PROJECT_FIELDS = [
	{
		...char('name', { required: true, maxLength: 255 }),
		unique: uniqueName('projects', 'project'),
	},
	optionalText('description', { maxLength: 1023 }),
	slugMany('users', 'users', 'username', 'LabMember'),
];

/** Registers the routes of this module on `views`. */
export function registerCoreRoutes(views) {
	views.view(
		'/auth-token',
		{ POST: obtainToken },
		{
			name: 'Obtain Auth Token',
			auth: 'none',
			renderers: ['json'],
			parses: AUTH_TOKEN_PARSES,
			fields: [
				{ name: 'username', type: 'char', required: true, label: 'Username' },
				{ name: 'password', type: 'char', required: true, label: 'Password' },
				{ name: 'token', type: 'char', readOnly: true, label: 'Token' },
			],
		},
	);

	// ---- users ----
	views.view(
		'/users',
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'users',
					compare: orderBy(['username']),
					filter: (rows) => applyFilters(USER_FILTERS, 'User', ctx.query, rows, ctx),
					represent: userRep,
				}),
			POST: async (ctx) => {
				const { values } = await validated(ctx, USER_FIELDS);
				const row = ctx.store.tables.users.insert({
					id: randomUUID(),
					...values,
					first_name: '',
					last_name: '',
					is_active: true,
					is_staff: false,
					is_superuser: false,
					is_public_user: false,
					date_joined: nowNaive(),
					last_login: null,
					json: null,
				});
				return created(userRep(ctx, row));
			},
		},
		{
			name: 'User List',
			description: 'Lists all users with the subjects which they are responsible for.',
			fields: USER_FIELDS,
		},
	);
	const userDetail = (ctx) => getBySlug(ctx, 'users', 'username', ctx.params.username, 'LabMember');
	const updateUser = (partial) => async (ctx) => {
		const user = userDetail(ctx);
		const { values } = await validated({ ...ctx, instance: user }, USER_FIELDS, { partial });
		ctx.store.tables.users.update(user.id, values);
		return ok(userRep(ctx, user));
	};
	views.view(
		'/users/:username',
		{
			GET: (ctx) => ok(userRep(ctx, userDetail(ctx))),
			PUT: updateUser(false),
			PATCH: updateUser(true),
			DELETE: (ctx) => {
				ctx.store.tables.users.delete(userDetail(ctx).id);
				return noContent();
			},
		},
		{
			name: 'User Detail',
			fields: USER_FIELDS,
			exists: (ctx) => ctx.store.tables.users.by('username', ctx.params.username).length > 0,
		},
	);

	// ---- labs ----
	views.view(
		'/labs',
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'labs',
					compare: orderBy(['name']),
					filter: (rows) => applyFilters(LAB_FILTERS, 'Lab', ctx.query, rows, ctx),
					represent: labRep,
				}),
			POST: async (ctx) => {
				const { values } = await validated(ctx, LAB_FIELDS);
				const row = ctx.store.tables.labs.insert({ id: randomUUID(), ...values });
				return created(labRep(ctx, row));
			},
		},
		{ name: 'Lab List', fields: LAB_FIELDS },
	);
	const labDetail = (ctx) => getBySlug(ctx, 'labs', 'name', ctx.params.name, 'Lab');
	const updateLab = (partial) => async (ctx) => {
		const lab = labDetail(ctx);
		const { values } = await validated({ ...ctx, instance: lab }, LAB_FIELDS, { partial });
		ctx.store.tables.labs.update(lab.id, values);
		return ok(labRep(ctx, lab));
	};
	views.view(
		'/labs/:name',
		{
			GET: (ctx) => ok(labRep(ctx, labDetail(ctx))),
			PUT: updateLab(false),
			PATCH: updateLab(true),
			DELETE: (ctx) => {
				ctx.store.tables.labs.delete(labDetail(ctx).id);
				return noContent();
			},
		},
		{
			name: 'Lab Detail',
			fields: LAB_FIELDS,
			exists: (ctx) => ctx.store.tables.labs.by('name', ctx.params.name).length > 0,
		},
	);

	// ---- projects ----
	views.view(
		'/projects',
		{
			GET: (ctx) =>
				listAnswer(ctx, { table: 'projects', compare: orderBy(['name']), represent: projectRep }),
			POST: async (ctx) => {
				const { values, body } = await validated(ctx, PROJECT_FIELDS);
				const row = ctx.store.tables.projects.insert({
					id: randomUUID(),
					json: null,
					...values,
					users: values.users ?? [],
				});
				// Alyx 3.6.1 bug (reference §11.1): without `users` the serializer sets the
				// requesting user where a list is expected; the row is already saved.
				if (!body.has('users')) throw serverError("'LabMember' object is not iterable");
				return created(projectRep(ctx, row));
			},
		},
		{ name: 'Project List', fields: PROJECT_FIELDS },
	);
	const projectDetail = (ctx) => getBySlug(ctx, 'projects', 'name', ctx.params.name, 'Project');
	const updateProject = (partial) => async (ctx) => {
		const project = projectDetail(ctx);
		const { values } = await validated({ ...ctx, instance: project }, PROJECT_FIELDS, { partial });
		ctx.store.tables.projects.update(project.id, values);
		return ok(projectRep(ctx, project));
	};
	views.view(
		'/projects/:name',
		{
			GET: (ctx) => ok(projectRep(ctx, projectDetail(ctx))),
			PUT: updateProject(false),
			PATCH: updateProject(true),
			DELETE: (ctx) => {
				const project = projectDetail(ctx);
				ctx.store.tables.projects.delete(project.id);
				return noContent();
			},
		},
		{
			name: 'Project Detail',
			fields: PROJECT_FIELDS,
			exists: (ctx) => ctx.store.tables.projects.by('name', ctx.params.name).length > 0,
		},
	);

	// ---- non-REST pages ----
	views.view(
		'/api/schema',
		{
			GET: (ctx) => {
				const schema = loadSchema();
				const accept = String(ctx.req.headers.accept ?? '');
				const format = ctx.query.get('format');
				const wantsJson =
					format === 'json' ||
					(format == null && /application\/(vnd\.oai\.openapi\+)?json/.test(accept));
				if (wantsJson)
					return {
						status: 200,
						raw: JSON.stringify(schema),
						contentType: 'application/vnd.oai.openapi+json',
					};
				return {
					status: 200,
					raw: toYaml(schema),
					contentType: 'application/vnd.oai.openapi; charset=utf-8',
				};
			},
		},
		{ name: 'Spectacular API', auth: 'none', skipNegotiation: true },
	);
	views.view(
		'/docs/',
		{
			GET: (ctx) => {
				if (String(ctx.req.headers.accept ?? '').includes('application/coreapi+json'))
					return {
						status: 200,
						raw: JSON.stringify({
							_type: 'document',
							_meta: { url: `${ctx.origin}/docs/`, title: 'Alyx REST API' },
						}),
						contentType: 'application/coreapi+json',
					};
				return {
					status: 200,
					raw: '<!DOCTYPE html>\n<html><head><title>Alyx REST API</title></head><body><redoc spec-url="/api/schema"></redoc></body></html>\n',
					contentType: 'text/html; charset=utf-8',
				};
			},
		},
		{ name: 'Docs', auth: 'none', skipNegotiation: true },
	);
	for (const path of ['/cache.zip', '/cache/info/'])
		views.view(
			path,
			{
				GET: () => {
					throw drfError(404, 'Not found.');
				},
			},
			{ name: 'Cache' },
		);
	views.view(
		'/uploaded/:img',
		{
			GET: () => {
				throw drfError(404, 'Not found.');
			},
		},
		{ name: 'Uploaded Image' },
	);
}

let schemaCache;
function loadSchema() {
	schemaCache ??= JSON.parse(readFileSync(new URL('./openapi.json', import.meta.url), 'utf8'));
	return schemaCache;
}
