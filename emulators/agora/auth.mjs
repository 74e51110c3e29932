// Authentication (reference A.2, B.3, Part C "API key header"). Every scheme resolves to a
// user row:
//   Authorization: Token <api key>             seed 000's documented form
//   Authorization: Token <session key>         after POST /api/v1/rest-auth/login/
//   Authorization: X-Agora-Api-Key <api key>   what every GyroTools connector sends
//   Authorization: Basic base64(user:pass)     go/uploader/app, to fetch the API key
// A missing header is anonymous (the view then answers 401 "not provided"); a header with a
// known scheme and a bad credential is 401 with DRF's message. Other schemes are ignored, as
// DRF's authenticators do. Header auth is CSRF-exempt: no client sends CSRF tokens.
// Passwords are kept as salted hashes, never in plain text (the state file is on disk).
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { invalidToken } from './errors.mjs';

/** Authorization schemes that carry an API key (Part C: both by default). */
export const API_KEY_SCHEMES = ['token', 'x-agora-api-key'];

export function hashPassword(password, salt = randomBytes(8).toString('hex')) {
	const digest = createHash('sha256').update(`${salt}$${password}`).digest('hex');
	return `sha256$${salt}$${digest}`;
}

export function checkPassword(stored, password) {
	if (typeof stored !== 'string' || typeof password !== 'string') return false;
	const [, salt, digest] = stored.split('$');
	const actual = hashPassword(password, salt).split('$')[2];
	return (
		digest.length === actual.length && timingSafeEqual(Buffer.from(digest), Buffer.from(actual))
	);
}

/** DRF's token format: 40 hex characters. */
export const newSessionKey = () => randomBytes(20).toString('hex');
export const newApiKey = () => randomUUID();

export class Auth {
	/** @param {import('./store.mjs').Store} store */
	constructor(store, config = null) {
		this.store = store;
		this.config = config;
	}

	userByName(username) {
		return this.store.t.users.find((u) => u.username === username) ?? null;
	}

	userByApiKey(key) {
		return this.store.t.users.find((u) => u.api_key !== null && u.api_key === key) ?? null;
	}

	userBySessionKey(key) {
		const session = this.store.t.sessions.find((s) => s.key === key);
		return session ? this.store.t.users.get(session.user) : null;
	}

	/** The user named by the Authorization header, null when anonymous; throws 401s. */
	authenticate(header) {
		if (!header) return null;
		const text = String(header).trim();
		const space = text.indexOf(' ');
		const scheme = (space < 0 ? text : text.slice(0, space)).toLowerCase();
		const rest = space < 0 ? '' : text.slice(space + 1).trim();
		// A server configured for one API-key scheme ignores the other (an unknown scheme is
		// anonymous) or, for Token, only knows login session keys: the "wrong header style".
		const keySchemes = this.config?.apiKeySchemes ?? API_KEY_SCHEMES;
		if (scheme === 'x-agora-api-key' && !keySchemes.includes(scheme)) return null;
		if (scheme === 'token' || scheme === 'x-agora-api-key') {
			if (!rest) throw invalidToken('Invalid token header. No credentials provided.');
			if (/\s/.test(rest))
				throw invalidToken('Invalid token header. Token string should not contain spaces.');
			const byKey = keySchemes.includes(scheme) ? this.userByApiKey(rest) : null;
			const user = byKey ?? (scheme === 'token' ? this.userBySessionKey(rest) : null);
			if (!user) throw invalidToken();
			return user;
		}
		if (scheme === 'basic') {
			let decoded;
			try {
				decoded = Buffer.from(rest, 'base64').toString('utf8');
			} catch {
				decoded = '';
			}
			const colon = decoded.indexOf(':');
			if (!rest || colon < 0)
				throw invalidToken('Invalid basic header. Credentials not correctly base64 encoded.');
			const user = this.checkCredentials(decoded.slice(0, colon), decoded.slice(colon + 1));
			if (!user) throw invalidToken('Invalid username/password.');
			return user;
		}
		return null;
	}

	checkCredentials(username, password) {
		const user = this.userByName(username);
		return user && checkPassword(user.password, password) ? user : null;
	}

	/** dj-rest-auth login: one token per user, so logging in twice returns the same key. */
	login(user) {
		let session = this.store.t.sessions.find((s) => s.user === user.id);
		if (!session) {
			session = this.store.t.sessions.insert({
				key: newSessionKey(),
				user: user.id,
				created: new Date().toISOString(),
			});
		}
		user.last_login = new Date().toISOString();
		this.store.changed();
		return session.key;
	}

	logout(user) {
		for (const s of this.store.t.sessions.filter((x) => x.user === user.id))
			this.store.t.sessions.delete(s.id);
		this.store.changed();
	}
}
