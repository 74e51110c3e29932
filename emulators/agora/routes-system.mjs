// System, authentication, users and groups (reference A.13, B.3, B.4.1).
import { BOTH } from './api-router.mjs';
import { newApiKey } from './auth.mjs';
import { PROJECT_ROLES, SCANNER_VENDORS } from './content-types.mjs';
import { detailError, notFound, permissionDenied, validationError } from './errors.mjs';
import { applyFilters, FILTERS } from './filters.mjs';
import { listResult } from './pagination.mjs';
import {
	optionalString,
	requireInt,
	requireString,
	structuredField,
	toBool,
} from './request-values.mjs';
import { createUser } from './seed.mjs';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PROFILE_FIELDS = ['first_name', 'last_name', 'email', 'institution'];

export function registerSystemRoutes(api, { store, model, access, repr, auth, config }) {
	const t = store.t;
	const ok = (data, status = 200) => ({ status, data });

	// Version: open, used as the go connector's ping and py's version gate (B.3).
	api.get(BOTH, '/version/', () => ok({ server: config.server, version: config.version }), {
		auth: false,
	});

	// dj-rest-auth login: form (py) or JSON (app) -> {"key"}; later calls send Token <key>.
	api.post(
		BOTH,
		'/rest-auth/login/',
		async (ctx) => {
			const data = await ctx.body();
			const errors = {};
			for (const field of ['username', 'password'])
				if (data.get(field) === undefined || data.get(field) === null)
					errors[field] = ['This field is required.'];
				else if (String(data.get(field)) === '') errors[field] = ['This field may not be blank.'];
			if (Object.keys(errors).length) throw validationError(errors);
			const user = auth.checkCredentials(
				String(data.get('username')),
				String(data.get('password')),
			);
			if (!user)
				throw validationError({ non_field_errors: 'Unable to log in with provided credentials.' });
			return ok({ key: auth.login(user) });
		},
		{ auth: false, readOnlyAllowed: true },
	);
	api.post(
		BOTH,
		'/rest-auth/logout/',
		(ctx) => {
			if (ctx.user) auth.logout(ctx.user);
			return ok({ detail: 'Successfully logged out.' });
		},
		{ auth: false, readOnlyAllowed: true },
	);

	// API key: GET 404 when there is none, POST creates a new one, DELETE withdraws it.
	api.get(BOTH, '/apikey/', (ctx) => {
		if (!ctx.user.api_key) throw notFound();
		return ok({ key: ctx.user.api_key });
	});
	api.post(
		BOTH,
		'/apikey/',
		(ctx) => {
			ctx.user.api_key = newApiKey();
			store.changed();
			return ok({ key: ctx.user.api_key }, 201);
		},
		{ readOnlyAllowed: true },
	);
	api.delete(
		BOTH,
		'/apikey/',
		(ctx) => {
			ctx.user.api_key = null;
			store.changed();
			return { status: 204 };
		},
		{ readOnlyAllowed: true },
	);

	// Current user: seed 000's /user/me/ and the connectors' /user/current/ (with institution).
	for (const name of ['me', 'current']) {
		api.get(BOTH, `/user/${name}/`, (ctx) => ok(repr.user(ctx.user, { self: true })));
		for (const method of ['patch', 'put'])
			api[method](BOTH, `/user/${name}/`, async (ctx) => updateProfile(ctx, method === 'put'), {
				readOnlyAllowed: true,
			});
	}

	async function updateProfile(ctx, full) {
		const data = await ctx.body();
		if (!data.isMapping)
			throw validationError({
				non_field_errors: 'Invalid data. Expected a dictionary, but got list.',
			});
		const changes = {};
		const errors = {};
		for (const field of PROFILE_FIELDS) {
			if (!data.has(field)) {
				if (full && field === 'email') errors.email = ['This field is required.'];
				continue;
			}
			const value = data.get(field);
			if (value !== null && typeof value !== 'string') {
				errors[field] = ['Not a valid string.'];
				continue;
			}
			const text = (value ?? '').trim();
			if (field === 'email' && text && !EMAIL.test(text))
				errors.email = ['Enter a valid email address.'];
			else if (text.length > 150)
				errors[field] = ['Ensure this field has no more than 150 characters.'];
			else changes[field] = text;
		}
		if (data.has('settings')) {
			const settings = structuredField(data, 'settings');
			if (!settings || typeof settings !== 'object' || Array.isArray(settings))
				errors.settings = ['Expected a dictionary of items but got type "str".'];
			else changes.settings = { ...ctx.user.settings, ...settings };
		}
		if (Object.keys(errors).length) throw validationError(errors);
		Object.assign(ctx.user, changes);
		store.changed();
		return ok(repr.user(ctx.user, { self: true }));
	}

	api.get(BOTH, '/user/', (ctx) =>
		listResult(ctx, applyFilters(t.users.all(), ctx.query, FILTERS.user), (u) => repr.user(u)),
	);
	api.get(BOTH, '/user/:id/', (ctx) => {
		const u = t.users.get(ctx.params.id);
		if (!u) throw notFound();
		return ok(repr.user(u, { self: u.id === ctx.user.id }));
	});
	// User creation (py, form-encoded): superusers only.
	api.post(BOTH, '/user/', async (ctx) => {
		if (!ctx.user.is_superuser) throw permissionDenied();
		const data = await ctx.body();
		const username = requireString(data, 'username', { maxLength: 150 });
		if (!/^[\w.@+-]+$/.test(username))
			throw validationError({
				username:
					'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
			});
		if (auth.userByName(username))
			throw validationError({ username: 'A user with that username already exists.' });
		const password = requireString(data, 'password');
		const email = optionalString(data, 'email') ?? '';
		if (email && !EMAIL.test(email))
			throw validationError({ email: 'Enter a valid email address.' });
		const user = createUser(model, {
			username,
			password,
			email,
			firstName: optionalString(data, 'first_name') ?? '',
			lastName: optionalString(data, 'last_name') ?? '',
			institution: optionalString(data, 'institution') ?? '',
			superuser: toBool(data.get('is_superuser')) ?? false,
			apiKey: null,
		});
		store.changed();
		return ok(repr.user(user), 201);
	});

	// Groups: the connectors' `groups/`; `group/` as well (the documented path is unknown).
	for (const name of ['groups', 'group']) {
		api.get(BOTH, `/${name}/`, (ctx) =>
			listResult(ctx, applyFilters(t.groups.all(), ctx.query, FILTERS.group), repr.group),
		);
		api.get(BOTH, `/${name}/:id/`, (ctx) => {
			const g = t.groups.get(ctx.params.id);
			if (!g) throw notFound();
			return ok(repr.group(g));
		});
	}

	api.get(BOTH, '/scannervendor/', (ctx) => listResult(ctx, SCANNER_VENDORS, (v) => ({ ...v })));
	api.get(BOTH, '/projectrole/', (ctx) => listResult(ctx, PROJECT_ROLES, (r) => ({ ...r })));

	// Membership: project managers add users with a role (B.4.2).
	api.post(BOTH, '/projectmembership/', async (ctx) => {
		const data = await ctx.body();
		const projectId = requireInt(data, 'project');
		const userId = requireInt(data, 'user');
		const role = requireInt(data, 'role');
		const project = t.projects.get(projectId);
		if (!project || access.role(ctx.user, projectId) === null)
			throw validationError({ project: `Invalid pk "${projectId}" - object does not exist.` });
		if (access.role(ctx.user, projectId) !== 1) throw permissionDenied();
		if (project.is_myagora)
			throw detailError(400, 'Members cannot be added to a My Agora project.');
		if (!t.users.get(userId))
			throw validationError({ user: `Invalid pk "${userId}" - object does not exist.` });
		if (!PROJECT_ROLES.some((r) => r.id === role))
			throw validationError({ role: `Invalid pk "${role}" - object does not exist.` });
		const existing = t.memberships.find((m) => m.project === projectId && m.user === userId);
		if (existing)
			throw validationError({
				non_field_errors: 'The fields project, user must make a unique set.',
			});
		const m = t.memberships.insert({ user: userId, role, project: projectId });
		store.changed();
		return ok(repr.membership(m), 201);
	});
	api.get(BOTH, '/projectmembership/', (ctx) => {
		const visible = access.visibleProjectIds(ctx.user);
		return listResult(
			ctx,
			t.memberships.filter((m) => visible.has(m.project)),
			repr.membership,
		);
	});
}
