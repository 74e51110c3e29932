// Emulator options and their defaults (reference §10 lists the server settings that change
// API behaviour). The object returned here is shared and mutable: POST /__emulator/config
// changes it at runtime.
import { randomBytes } from 'node:crypto';

export const DEFAULT_USERS = Object.freeze([
	{ username: 'alice', password: 'alice-password', admin: false },
	{ username: 'admin', password: 'admin-password', admin: true },
]);

export const DEFAULT_NODES = Object.freeze([
	{ nodeName: 'node_a', ram: 24105, cpus: 2, gpus: null },
]);

/** Keys POST /__emulator/config may change, with their validators. */
const RUNTIME_KEYS = {
	stepMs: (v) => positiveNumber(v, 'stepMs', 1),
	numLoginAttempts: (v) => positiveNumber(v, 'numLoginAttempts', 0),
	blockForSeconds: (v) => positiveNumber(v, 'blockForSeconds', 0),
	accessTokenExpires: (v) => positiveNumber(v, 'accessTokenExpires', 1),
	refreshTokenExpires: (v) => positiveNumber(v, 'refreshTokenExpires', 1),
	insecureCapabilities: (v) => Boolean(v),
	nodes: (v) => normalizeNodes(v),
	notificationHooks: (v) => normalizeHooks(v),
};

function positiveNumber(value, name, min) {
	const n = Number(value);
	if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min}`);
	return n;
}

export function normalizeNodes(nodes) {
	if (!Array.isArray(nodes)) throw new Error('nodes must be an array');
	return nodes.map((n, i) => {
		if (!n || typeof n.nodeName !== 'string' || !n.nodeName)
			throw new Error(`nodes[${i}].nodeName must be a non-empty string`);
		const gpus =
			n.gpus == null
				? null
				: n.gpus.map((g, j) => ({
						id: String(g.id ?? `GPU-${j}`),
						vram: Number(g.vram ?? 0),
						vendor: g.vendor ?? 'nvidia',
					}));
		return {
			nodeName: n.nodeName,
			ram: positiveNumber(n.ram ?? 24105, `nodes[${i}].ram`, 0),
			cpus: positiveNumber(n.cpus ?? 2, `nodes[${i}].cpus`, 0),
			gpus,
		};
	});
}

function normalizeHooks(hooks) {
	if (!Array.isArray(hooks)) throw new Error('notificationHooks must be an array');
	return hooks.map((h, i) => {
		if (!h || typeof h.url !== 'string')
			throw new Error(`notificationHooks[${i}].url must be a string`);
		return {
			url: h.url,
			...(h.auth
				? { auth: { username: String(h.auth.username), password: String(h.auth.password) } }
				: {}),
		};
	});
}

function normalizeUsers(users) {
	if (!Array.isArray(users) || users.length === 0)
		throw new Error('users must be a non-empty array');
	return users.map((u, i) => {
		if (!u || typeof u.username !== 'string' || typeof u.password !== 'string')
			throw new Error(`users[${i}] needs username and password strings`);
		return { username: u.username, password: u.password, admin: Boolean(u.admin) };
	});
}

/** Builds the live config from startCcAgencyEmulator() options. */
export function buildConfig(options = {}) {
	const seed = options.seed ?? 'none';
	if (!['demo', 'none'].includes(seed))
		throw new Error(`seed must be "demo" or "none", got "${seed}"`);
	return {
		host: options.host ?? '127.0.0.1',
		port: options.port ?? 0,
		users: normalizeUsers(options.users ?? DEFAULT_USERS),
		numLoginAttempts: positiveNumber(options.numLoginAttempts ?? 3, 'numLoginAttempts', 0),
		blockForSeconds: positiveNumber(options.blockForSeconds ?? 30, 'blockForSeconds', 0),
		accessTokenExpires: positiveNumber(options.accessTokenExpires ?? 900, 'accessTokenExpires', 1),
		refreshTokenExpires: positiveNumber(
			options.refreshTokenExpires ?? 43200,
			'refreshTokenExpires',
			1,
		),
		nodes: normalizeNodes(options.nodes ?? DEFAULT_NODES),
		stepMs: positiveNumber(options.stepMs ?? 300, 'stepMs', 1),
		dataFile: options.dataFile ?? null,
		seed,
		insecureCapabilities: Boolean(options.insecureCapabilities ?? false),
		// Like the agency without a configured secret: random per start (tokens die on restart).
		jwtSecret: options.jwtSecret ?? randomBytes(32).toString('base64url'),
		notificationHooks: normalizeHooks(options.notificationHooks ?? []),
		maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 * 1024,
	};
}

/** Applies a runtime change; throws on unknown keys or bad values (nothing is applied then). */
export function applyRuntimeConfig(config, changes) {
	if (!changes || typeof changes !== 'object' || Array.isArray(changes))
		throw new Error('body must be a JSON object');
	const next = {};
	for (const [key, value] of Object.entries(changes)) {
		if (!(key in RUNTIME_KEYS))
			throw new Error(
				`"${key}" cannot be changed at runtime (allowed: ${Object.keys(RUNTIME_KEYS).join(', ')})`,
			);
		next[key] = RUNTIME_KEYS[key](value);
	}
	Object.assign(config, next);
	return Object.keys(next);
}

/** The config as shown by GET/POST /__emulator/config (no passwords, no JWT secret). */
export function publicConfig(config) {
	return {
		accessTokenExpires: config.accessTokenExpires,
		blockForSeconds: config.blockForSeconds,
		dataFile: config.dataFile,
		insecureCapabilities: config.insecureCapabilities,
		nodes: config.nodes,
		notificationHooks: config.notificationHooks.map((h) => ({ url: h.url, auth: Boolean(h.auth) })),
		numLoginAttempts: config.numLoginAttempts,
		refreshTokenExpires: config.refreshTokenExpires,
		stepMs: config.stepMs,
		users: config.users.map((u) => ({ admin: u.admin, username: u.username })),
	};
}
