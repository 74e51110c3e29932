// Authentication of CC-Agency 9.3: Basic on every request (checked before routing, with the
// per-username lockout of reference §4.5) or a JWT Bearer token from POST /login.
import { createHash, timingSafeEqual } from 'node:crypto';
import { jwtError, plainUnauthorized, unauthorized } from './errors.mjs';
import { issueToken, verifyJwt } from './jwt.mjs';

const digest = (text) => createHash('sha256').update(String(text), 'utf8').digest();

export class Auth {
	/** @param {object} config live emulator config (users, numLoginAttempts, blockForSeconds, jwt*) */
	constructor(config) {
		this.config = config;
		/** Failed password checks: { username, timestamp } (upstream's `block_entries`). */
		this.blockEntries = [];
	}

	findUser(username) {
		return this.config.users.find((u) => u.username === username) ?? null;
	}

	clearLockouts() {
		this.blockEntries = [];
	}

	/**
	 * Werkzeug 2.2 request.authorization for Basic: `null` when the header is absent, not Basic,
	 * or undecodable (then the request counts as carrying no credentials).
	 */
	static parseBasic(headerValue) {
		if (!headerValue) return null;
		const match = /^\s*(\S+)\s+(.+?)\s*$/s.exec(headerValue);
		if (!match || match[1].toLowerCase() !== 'basic') return null;
		const decoded = Buffer.from(match[2], 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon < 0) return null;
		return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
	}

	#isBlocked(username) {
		const cutoff = Date.now() / 1000 - this.config.blockForSeconds;
		this.blockEntries = this.blockEntries.filter((e) => e.timestamp >= cutoff);
		return (
			this.blockEntries.filter((e) => e.username === username).length > this.config.numLoginAttempts
		);
	}

	/** Upstream Auth.verify_user() for Basic credentials; throws the 401 HTML answers of §4.4. */
	verifyBasic({ username, password }) {
		const user = this.findUser(username);
		// Unknown users leave no lockout record.
		if (!user) throw unauthorized(`Could not find user "${username}".`);
		if (this.#isBlocked(username)) {
			throw unauthorized(
				`The user "${username}" is currently blocked due to invalid login attempts.`,
			);
		}
		if (timingSafeEqual(digest(password), digest(user.password))) return user;
		this.blockEntries.push({ username, timestamp: Date.now() / 1000 });
		throw unauthorized(`Invalid username/password combination for user "${username}".`);
	}

	/** The pre-routing check: a Basic header is verified on every route, public ones included. */
	checkBasicBeforeRouting(req) {
		const credentials = Auth.parseBasic(req.headers.authorization);
		return credentials ? this.verifyBasic(credentials) : null;
	}

	/**
	 * The user of a protected route: the Basic user already verified before routing, or the
	 * subject of a valid access token. Anything else is the bare `Unauthorized`.
	 */
	requireUser(req, basicUser) {
		if (basicUser) return basicUser;
		const header = req.headers.authorization ?? '';
		if (/^Bearer(\s|$)/.test(header)) return this.#userFromToken(header, 'access');
		throw plainUnauthorized();
	}

	/** POST /login: Basic only (a Bearer header counts as no credentials there). */
	login(basicUser) {
		if (!basicUser) throw unauthorized('Missing Authentication information');
		const secret = this.config.jwtSecret;
		return {
			access_token: issueToken({
				username: basicUser.username,
				type: 'access',
				expiresInSeconds: this.config.accessTokenExpires,
				secret,
			}),
			refresh_token: issueToken({
				username: basicUser.username,
				type: 'refresh',
				expiresInSeconds: this.config.refreshTokenExpires,
				secret,
			}),
			username: basicUser.username,
		};
	}

	/** POST /refreshtoken: jwt_required(refresh=True). */
	refresh(req) {
		const user = this.#userFromToken(req.headers.authorization ?? '', 'refresh');
		return {
			access_token: issueToken({
				username: user.username,
				type: 'access',
				expiresInSeconds: this.config.accessTokenExpires,
				secret: this.config.jwtSecret,
			}),
		};
	}

	/** flask-jwt-extended's header parsing, decoding and token-type check. */
	#userFromToken(rawHeader, wantedType) {
		const header = rawHeader.trim().replace(/^,+|,+$/g, '');
		if (!header) throw jwtError(401, 'Missing Authorization Header');
		const candidates = header.split(/,\s*/).filter((part) => part.split(/\s+/)[0] === 'Bearer');
		if (candidates.length !== 1)
			throw jwtError(401, "Missing 'Bearer' type in 'Authorization' header.");
		const parts = candidates[0].split(/\s+/);
		if (parts.length !== 2)
			throw jwtError(422, "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'");
		const claims = verifyJwt(parts[1], this.config.jwtSecret);
		if (wantedType === 'access' && claims.type === 'refresh')
			throw jwtError(422, 'Only non-refresh tokens are allowed');
		if (wantedType === 'refresh' && claims.type !== 'refresh')
			throw jwtError(422, 'Only refresh tokens are allowed');
		const user = this.findUser(claims.sub);
		if (!user) throw jwtError(401, `Error loading the user ${claims.sub}`);
		return user;
	}
}
