// Emulator options, their defaults, and the settings that may change at runtime.
import { API_KEY_SCHEMES } from './auth.mjs';

/**
 * Default users. API keys are random-looking UUIDs (Agora's keys are UUID4s, reference A.2)
 * but fixed, so tests and the sandbox can use them; the first hex groups spell the user.
 */
export const DEFAULT_USERS = Object.freeze([
	{
		username: 'alice',
		password: 'alice-password',
		apiKey: 'a11ce000-5e1f-4c0d-9e57-000000000001',
		firstName: 'Alice',
		lastName: 'Anderson',
		institution: 'ETH Zurich',
	},
	{
		username: 'admin',
		password: 'admin-password',
		apiKey: 'ad317000-5e1f-4c0d-9e57-000000000002',
		superuser: true,
		firstName: 'Ada',
		lastName: 'Admin',
		institution: 'GyroTools',
	},
	{
		username: 'reader',
		password: 'reader-password',
		apiKey: '4ead0000-5e1f-4c0d-9e57-000000000003',
		readOnly: true,
		firstName: 'Rita',
		lastName: 'Reader',
		institution: 'University Hospital',
	},
]);

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function normalizeUsers(users) {
	if (!Array.isArray(users) || users.length === 0)
		throw new Error('users must be a non-empty array');
	const seen = new Set();
	const keys = new Set();
	return users.map((u, i) => {
		if (!u || typeof u.username !== 'string' || typeof u.password !== 'string')
			throw new Error(`users[${i}] needs username and password strings`);
		if (seen.has(u.username)) throw new Error(`users[${i}]: duplicate username ${u.username}`);
		seen.add(u.username);
		const apiKey = u.apiKey === undefined ? null : u.apiKey;
		if (apiKey !== null) {
			if (typeof apiKey !== 'string' || apiKey.length < 8)
				throw new Error(`users[${i}].apiKey must be a string (a UUID) or null`);
			if (keys.has(apiKey)) throw new Error(`users[${i}]: duplicate apiKey`);
			keys.add(apiKey);
		}
		return {
			username: u.username,
			password: u.password,
			apiKey,
			superuser: Boolean(u.superuser ?? u.is_superuser ?? false),
			readOnly: Boolean(u.readOnly ?? u.read_only ?? false),
			email: u.email ?? `${u.username}@example.org`,
			firstName: u.firstName ?? u.first_name ?? '',
			lastName: u.lastName ?? u.last_name ?? '',
			institution: u.institution ?? 'Example Institute',
		};
	});
}

function positiveInt(name, value, { min = 1, max = Number.MAX_SAFE_INTEGER } = {}) {
	const n = Number(value);
	if (!Number.isInteger(n) || n < min || n > max)
		throw new Error(`${name} must be an integer from ${min} to ${max}`);
	return n;
}

/** Builds the emulator config from startAgoraEmulator() options. */
export function buildConfig(options = {}) {
	const seed = options.seed ?? 'demo';
	if (!['demo', 'none'].includes(seed))
		throw new Error(`seed must be "demo" or "none", got "${seed}"`);
	return {
		host: options.host ?? '127.0.0.1',
		port: options.port ?? 0,
		users: normalizeUsers(options.users ?? DEFAULT_USERS),
		seed,
		dataDir: options.dataDir ?? null,
		stepMs: positiveInt('stepMs', options.stepMs ?? 300, { min: 1, max: 3_600_000 }),
		// The page size is not documented; a 2019 recording suggests 10 (reference A.3, B.12).
		pageSize: positiveInt('pageSize', options.pageSize ?? 10, { max: 100_000 }),
		server: options.server ?? 'Agora',
		version: options.version ?? '7.14.6',
		apiKeySchemes: apiKeySchemes(options.apiKeySchemes ?? API_KEY_SCHEMES),
		// false: a server without seed 000's documented-only routes (documented-routes.mjs).
		documentedRoutes: options.documentedRoutes ?? true,
		maxBodyBytes: options.maxBodyBytes ?? 256 * 1024 * 1024,
		requestLogSize: positiveInt('requestLogSize', options.requestLogSize ?? 1000, {
			max: 1_000_000,
		}),
	};
}

/** Which Authorization schemes accept an API key: a list, or comma-separated text (CLI). */
function apiKeySchemes(value) {
	const list = (Array.isArray(value) ? value : String(value).split(',')).map((s) => String(s).trim().toLowerCase()).filter(Boolean);
	const unknown = list.filter((s) => !API_KEY_SCHEMES.includes(s));
	if (!list.length || unknown.length)
		throw new Error(`apiKeySchemes must name ${API_KEY_SCHEMES.join(' and/or ')}, got "${value}"`);
	return list;
}

const RUNTIME_KEYS = ['stepMs', 'pageSize', 'server', 'version', 'apiKeySchemes', 'documentedRoutes'];

/** Applies `POST /__emulator/config`; returns the names that changed. Unknown keys throw. */
export function applyRuntimeConfig(config, changes) {
	if (!changes || typeof changes !== 'object' || Array.isArray(changes))
		throw new Error('config must be a JSON object');
	const unknown = Object.keys(changes).filter((k) => !RUNTIME_KEYS.includes(k));
	if (unknown.length)
		throw new Error(
			`unknown config keys: ${unknown.join(', ')} (known: ${RUNTIME_KEYS.join(', ')})`,
		);
	const next = { ...config };
	if ('stepMs' in changes) next.stepMs = positiveInt('stepMs', changes.stepMs, { max: 3_600_000 });
	if ('pageSize' in changes)
		next.pageSize = positiveInt('pageSize', changes.pageSize, { max: 100_000 });
	if ('apiKeySchemes' in changes) next.apiKeySchemes = apiKeySchemes(changes.apiKeySchemes);
	if ('documentedRoutes' in changes) {
		if (typeof changes.documentedRoutes !== 'boolean') throw new Error('documentedRoutes must be true or false');
		next.documentedRoutes = changes.documentedRoutes;
	}
	for (const key of ['server', 'version'])
		if (key in changes) {
			if (typeof changes[key] !== 'string') throw new Error(`${key} must be a string`);
			next[key] = changes[key];
		}
	const changed = RUNTIME_KEYS.filter((k) => next[k] !== config[k]);
	Object.assign(config, next);
	return changed;
}

export function publicConfig(config) {
	return {
		stepMs: config.stepMs,
		pageSize: config.pageSize,
		server: config.server,
		version: config.version,
		apiKeySchemes: config.apiKeySchemes,
		documentedRoutes: config.documentedRoutes,
		seed: config.seed,
		dataDir: config.dataDir,
		users: config.users.map((u) => ({
			username: u.username,
			superuser: u.superuser,
			readOnly: u.readOnly,
			hasApiKey: u.apiKey !== null,
		})),
	};
}
