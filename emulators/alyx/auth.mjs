// Authentication and permissions of Alyx 3.6.1 (reference §2): DRF TokenAuthentication
// ("Authorization: Token <40 hex>", keyword case-insensitive), one token per user returned
// unchanged at every login and valid until deleted; every failure is 403 because the first
// authentication class (session) sends no WWW-Authenticate challenge. Users flagged
// is_public_user may only GET.
import { randomBytes } from 'node:crypto';
import { drfError } from './errors.mjs';

export class Auth {
	/** @param {import('./store.mjs').Store} store @param {{tokenTtlSeconds: number|null}} config */
	constructor(store, config) {
		this.store = store;
		this.config = config;
		/** username -> password, kept in memory only (never written to the data file). */
		this.passwords = new Map(config.users.map((u) => [u.username, u.password]));
	}

	userByName(username) {
		const hit = this.store.tables.users.one('username', username);
		return hit && !hit.multiple ? hit : undefined;
	}

	/** DRF ObtainAuthToken: the user's token (created at first login), or null. */
	login(username, password) {
		const user = this.userByName(username);
		if (!user || !user.is_active) return null;
		const expected = this.passwords.get(username);
		if (expected === undefined || expected !== password) return null;
		return this.tokenFor(user);
	}

	tokenFor(user) {
		let token = this.store.tokens.get(user.id);
		if (token && this.#expired(token)) token = undefined;
		if (!token) {
			token = { key: randomBytes(20).toString('hex'), created: Date.now() };
			this.store.tokens.set(user.id, token);
			this.store.changed();
		}
		return token.key;
	}

	#expired(token) {
		const ttl = this.config.tokenTtlSeconds;
		return ttl != null && ttl > 0 && Date.now() - token.created > ttl * 1000;
	}

	/** Deletes a user's token (what an administrator does in the admin). */
	revoke(username) {
		const user = this.userByName(username);
		if (!user) return false;
		const had = this.store.tokens.delete(user.id);
		if (had) this.store.changed();
		return had;
	}

	/**
	 * Returns the authenticated user or null (anonymous). Throws 403 for malformed headers,
	 * unknown keys and inactive users, with DRF's messages.
	 */
	authenticate(authorization) {
		if (!authorization) return null;
		const parts = String(authorization).trim().split(/\s+/);
		if (parts[0].toLowerCase() !== 'token') return null;
		if (parts.length === 1) throw drfError(403, 'Invalid token header. No credentials provided.');
		if (parts.length > 2)
			throw drfError(403, 'Invalid token header. Token string should not contain spaces.');
		const key = parts[1];
		for (const [userId, token] of this.store.tokens) {
			if (token.key !== key) continue;
			if (this.#expired(token)) break;
			const user = this.store.tables.users.get(userId);
			if (!user) break;
			if (!user.is_active) throw drfError(403, 'User inactive or deleted.');
			return user;
		}
		throw drfError(403, 'Invalid token.');
	}

	/** IsAuthenticated & Alyx's public-user rule (only GET for is_public_user). */
	checkPermission(user, method) {
		if (!user) throw drfError(403, 'Authentication credentials were not provided.');
		if (method !== 'GET' && user.is_public_user)
			throw drfError(403, 'You do not have permission to perform this action.');
	}
}
