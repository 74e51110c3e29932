// Emulator options and their defaults.

export const DEFAULT_USERS = Object.freeze([
	{ username: 'admin', password: 'admin-password', superuser: true },
	{ username: 'alice', password: 'alice-password' },
	{ username: 'public', password: 'public-password', publicUser: true },
]);

function normalizeUsers(users) {
	if (!Array.isArray(users) || users.length === 0)
		throw new Error('users must be a non-empty array');
	const seen = new Set();
	return users.map((u, i) => {
		if (!u || typeof u.username !== 'string' || typeof u.password !== 'string')
			throw new Error(`users[${i}] needs username and password strings`);
		if (seen.has(u.username)) throw new Error(`users[${i}]: duplicate username ${u.username}`);
		seen.add(u.username);
		return {
			username: u.username,
			password: u.password,
			superuser: Boolean(u.superuser ?? u.admin ?? u.is_superuser ?? false),
			publicUser: Boolean(u.publicUser ?? u.public ?? u.is_public_user ?? false),
			stockManager: Boolean(u.stockManager ?? u.is_stock_manager ?? false),
			active: u.active ?? u.is_active ?? true,
			email: u.email ?? `${u.username}@example.com`,
		};
	});
}

/** Builds the emulator config from startAlyxEmulator() options. */
export function buildConfig(options = {}) {
	const seed = options.seed ?? 'none';
	if (!['demo', 'none'].includes(seed))
		throw new Error(`seed must be "demo" or "none", got "${seed}"`);
	const ttl = options.tokenTtlSeconds ?? null;
	if (ttl !== null && !(Number.isFinite(Number(ttl)) && Number(ttl) > 0))
		throw new Error('tokenTtlSeconds must be a positive number or null');
	return {
		host: options.host ?? '127.0.0.1',
		port: options.port ?? 0,
		users: normalizeUsers(options.users ?? DEFAULT_USERS),
		seed,
		dataFile: options.dataFile ?? null,
		// Alyx 3.6.1 tokens never expire (reference §2); a TTL is an opt-in test aid.
		tokenTtlSeconds: ttl === null ? null : Number(ttl),
		maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 * 1024,
	};
}
