// HS256 JSON Web Tokens as CC-Agency 9.3 issues them (flask-jwt-extended on PyJWT), with the
// same error messages for broken tokens. Claims, in flask-jwt-extended's order:
// fresh, iat, jti, type ("access"|"refresh"), sub (username), nbf, exp.
import { createHmac, timingSafeEqual, randomUUID } from 'node:crypto';
import { jwtError } from './errors.mjs';

const HEADER = { alg: 'HS256', typ: 'JWT' };

const b64url = (data) => Buffer.from(data).toString('base64url');

export function signJwt(payload, secret) {
	const signingInput = `${b64url(JSON.stringify(HEADER))}.${b64url(JSON.stringify(payload))}`;
	const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
	return `${signingInput}.${signature}`;
}

export function issueToken({
	username,
	type,
	expiresInSeconds,
	secret,
	nowSeconds = Date.now() / 1000,
}) {
	const now = Math.floor(nowSeconds);
	return signJwt(
		{
			fresh: false,
			iat: now,
			jti: randomUUID(),
			type,
			sub: username,
			nbf: now,
			exp: now + expiresInSeconds,
		},
		secret,
	);
}

/** PyJWT's base64url_decode: lenient about stray characters, strict about impossible lengths. */
function decodeSegment(segment, what) {
	const clean = segment.replace(/[^A-Za-z0-9_\-+/]/g, '');
	if (clean.length % 4 === 1) throw jwtError(422, `Invalid ${what} padding`);
	return Buffer.from(clean.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
}

/** json.loads(bytes) failure text, close to CPython's. */
function jsonLoadError(bytes) {
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		const position = bytes.findIndex((b) => b >= 0x80);
		const byte = bytes[Math.max(position, 0)] ?? 0;
		return `'utf-8' codec can't decode byte 0x${byte.toString(16).padStart(2, '0')} in position ${Math.max(position, 0)}: invalid start byte`;
	}
	return 'Expecting value: line 1 column 1 (char 0)';
}

function parseJsonObject(bytes, what) {
	let value;
	try {
		value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
	} catch {
		throw jwtError(422, `Invalid ${what} string: ${jsonLoadError(bytes)}`);
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		throw jwtError(422, `Invalid ${what} string: must be a json object`);
	}
	return value;
}

/**
 * Verifies a token and returns its claims, or throws the HttpError flask-jwt-extended would
 * answer with (422 for malformed/forged tokens, 401 for expired ones).
 */
export function verifyJwt(token, secret, { nowSeconds = Date.now() / 1000 } = {}) {
	const lastDot = token.lastIndexOf('.');
	if (lastDot < 0) throw jwtError(422, 'Not enough segments');
	const signingInput = token.slice(0, lastDot);
	const firstDot = signingInput.indexOf('.');
	if (firstDot < 0) throw jwtError(422, 'Not enough segments');
	const headerBytes = decodeSegment(signingInput.slice(0, firstDot), 'header');
	const header = parseJsonObject(headerBytes, 'header');
	const payloadBytes = decodeSegment(signingInput.slice(firstDot + 1), 'payload');
	const signature = decodeSegment(token.slice(lastDot + 1), 'crypto');

	if (header.alg !== 'HS256') throw jwtError(422, 'The specified alg value is not allowed');
	const expected = createHmac('sha256', secret).update(signingInput).digest();
	if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
		throw jwtError(422, 'Signature verification failed');
	}

	const claims = parseJsonObject(payloadBytes, 'payload');
	for (const claim of ['exp', 'iat', 'nbf']) {
		if (claim in claims && !Number.isInteger(claims[claim])) {
			const names = { exp: 'Expiration Time', iat: 'Issued At', nbf: 'Not Before' };
			throw jwtError(422, `${names[claim]} claim (${claim}) must be an integer.`);
		}
	}
	if ('exp' in claims && claims.exp <= nowSeconds) throw jwtError(401, 'Token has expired');
	if ('nbf' in claims && claims.nbf > nowSeconds)
		throw jwtError(422, 'The token is not yet valid (nbf)');
	if (!('sub' in claims)) throw jwtError(422, 'Missing claim: sub');
	return claims;
}
