// Contract tests for the CC-Agency emulator, part 1: health, version, Basic auth and lockout,
// JWT, CORS and the error formats of authentication (reference §2, §4; checks 1-3 and 15 of §13).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startCcAgencyEmulator } from '../../emulators/cc-agency/server.mjs';
import { basicAuth, createClient, pollUntil } from '../../emulators/lib/contract-client.mjs';

const JWT_SECRET = 'contract-test-secret';
const ALICE = basicAuth('alice', 'alice-password');
const ADMIN = basicAuth('admin', 'admin-password');
const WWW_AUTH = 'Basic realm="Please fill in username and password"';

let agency;
let api;

before(async () => {
	agency = await startCcAgencyEmulator({
		stepMs: 30,
		blockForSeconds: 1,
		jwtSecret: JWT_SECRET,
		users: [
			{ username: 'alice', password: 'alice-password', admin: false },
			{ username: 'admin', password: 'admin-password', admin: true },
			// carol takes the failed logins of the JWT tests, so alice's lockout count stays exact
			{ username: 'carol', password: 'carol-password', admin: false },
		],
	});
	api = createClient(agency.url);
});

after(async () => {
	await agency?.close();
});

function assertWerkzeugHtml(res, status, description) {
	assert.equal(res.status, status);
	assert.equal(res.contentType, 'text/html; charset=utf-8');
	assert.match(res.text, /^<!doctype html>\n<html lang=en>\n<title>/);
	if (description !== undefined)
		assert.ok(
			res.text.includes(`<p>${description}</p>`),
			`expected <p>${description}</p> in:\n${res.text}`,
		);
}

const b64url = (value) =>
	Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
function craftToken(claims, secret = JWT_SECRET) {
	const input = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}`;
	return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const decodeClaims = (token) =>
	JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

describe('check 1: health and version', () => {
	test('GET / is public and says hello', async () => {
		const res = await api.get('/');
		assert.equal(res.status, 200);
		assert.equal(res.contentType, 'application/json');
		assert.equal(res.text, '{"Hello":"World"}\n');
	});

	test('GET /version with Basic alice', async () => {
		const res = await api.get('/version', { authorization: ALICE });
		assert.equal(res.status, 200);
		assert.equal(res.text, '{"agencyVersion":"9.3.0"}\n');
	});

	test('GET /version without credentials is a bare 401 Unauthorized', async () => {
		const res = await api.get('/version');
		assert.equal(res.status, 401);
		assert.equal(res.text, 'Unauthorized');
		assert.equal(res.contentType, 'text/html; charset=utf-8');
		assert.equal(res.headers.get('www-authenticate'), WWW_AUTH);
	});

	test('GET /token does not exist in 9.x', async () => {
		assertWerkzeugHtml(await api.get('/token', { authorization: ALICE }), 404);
	});

	test('unknown routes and wrong methods are Werkzeug HTML pages', async () => {
		assertWerkzeugHtml(
			await api.get('/nothing-here'),
			404,
			'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
		);
		const res = await api.get('/login');
		assertWerkzeugHtml(res, 405, 'The method is not allowed for the requested URL.');
		assert.equal(res.headers.get('allow'), 'OPTIONS, POST');
	});
});

describe('check 3: JWT (optional mode)', () => {
	let tokens;

	test('POST /login with Basic returns both tokens and the username', async () => {
		const res = await api.post('/login', { authorization: ALICE });
		assert.equal(res.status, 200);
		assert.deepEqual(Object.keys(res.data), ['access_token', 'refresh_token', 'username']);
		assert.equal(res.data.username, 'alice');
		tokens = res.data;
		const access = decodeClaims(tokens.access_token);
		assert.deepEqual(Object.keys(access), ['fresh', 'iat', 'jti', 'type', 'sub', 'nbf', 'exp']);
		assert.equal(access.fresh, false);
		assert.equal(access.type, 'access');
		assert.equal(access.sub, 'alice');
		assert.equal(access.exp - access.iat, 900);
		const refresh = decodeClaims(tokens.refresh_token);
		assert.equal(refresh.type, 'refresh');
		assert.equal(refresh.exp - refresh.iat, 43200);
		const header = JSON.parse(
			Buffer.from(tokens.access_token.split('.')[0], 'base64url').toString(),
		);
		assert.deepEqual(header, { alg: 'HS256', typ: 'JWT' });
	});

	test('the access token authorizes protected routes', async () => {
		const res = await api.get('/batches', { authorization: `Bearer ${tokens.access_token}` });
		assert.equal(res.status, 200);
		assert.ok(Array.isArray(res.data));
		const version = await api.get('/version', { authorization: `Bearer ${tokens.access_token}` });
		assert.equal(version.status, 200);
	});

	test('an expired access token is 401 {"msg":"Token has expired"}', async () => {
		const now = Math.floor(Date.now() / 1000);
		const expired = craftToken({
			fresh: false,
			iat: now - 1000,
			jti: 'x',
			type: 'access',
			sub: 'alice',
			nbf: now - 1000,
			exp: now - 100,
		});
		const res = await api.get('/batches', { authorization: `Bearer ${expired}` });
		assert.equal(res.status, 401);
		assert.equal(res.contentType, 'application/json');
		assert.deepEqual(res.data, { msg: 'Token has expired' });
	});

	test('tokens expire after accessTokenExpires seconds (runtime config)', async () => {
		await api.post('/__emulator/config', { json: { accessTokenExpires: 1 } });
		try {
			const login = await api.post('/login', { authorization: ALICE });
			const bearer = `Bearer ${login.data.access_token}`;
			assert.equal((await api.get('/version', { authorization: bearer })).status, 200);
			const res = await pollUntil(
				async () => {
					const r = await api.get('/version', { authorization: bearer });
					return r.status === 401 ? r : false;
				},
				{ timeoutMs: 3000, intervalMs: 100, description: 'the 1 s token to expire' },
			);
			assert.deepEqual(res.data, { msg: 'Token has expired' });
		} finally {
			await api.post('/__emulator/config', { json: { accessTokenExpires: 900 } });
		}
	});

	test('POST /refreshtoken with the refresh token returns a new access token', async () => {
		const res = await api.post('/refreshtoken', {
			authorization: `Bearer ${tokens.refresh_token}`,
		});
		assert.equal(res.status, 200);
		assert.deepEqual(Object.keys(res.data), ['access_token']);
		assert.equal(decodeClaims(res.data.access_token).type, 'access');
		assert.equal(
			(await api.get('/version', { authorization: `Bearer ${res.data.access_token}` })).status,
			200,
		);
	});

	test('wrong token types and broken tokens give flask-jwt-extended errors', async () => {
		let res = await api.get('/batches', { authorization: `Bearer ${tokens.refresh_token}` });
		assert.equal(res.status, 422);
		assert.deepEqual(res.data, { msg: 'Only non-refresh tokens are allowed' });

		res = await api.post('/refreshtoken', { authorization: `Bearer ${tokens.access_token}` });
		assert.equal(res.status, 422);
		assert.deepEqual(res.data, { msg: 'Only refresh tokens are allowed' });

		res = await api.post('/refreshtoken');
		assert.equal(res.status, 401);
		assert.deepEqual(res.data, { msg: 'Missing Authorization Header' });

		const [h, p, s] = tokens.access_token.split('.');
		const tampered = `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
		res = await api.get('/batches', { authorization: `Bearer ${tampered}` });
		assert.equal(res.status, 422);
		assert.deepEqual(res.data, { msg: 'Signature verification failed' });

		res = await api.get('/batches', { authorization: 'Bearer garbage' });
		assert.equal(res.status, 422);
		assert.deepEqual(res.data, { msg: 'Not enough segments' });

		res = await api.get('/batches', { authorization: 'Bearer abcd.efgh.ijkl' });
		assert.equal(res.status, 422);
		assert.match(res.data.msg, /^Invalid header string: /);

		res = await api.get('/batches', {
			authorization: `Bearer ${craftToken({ type: 'access', sub: 'alice' }, 'another-secret')}`,
		});
		assert.equal(res.status, 422);
		assert.deepEqual(res.data, { msg: 'Signature verification failed' });
	});

	test('an unknown Authorization scheme is the bare 401 Unauthorized', async () => {
		const res = await api.get('/batches', { authorization: 'Token x' });
		assert.equal(res.status, 401);
		assert.equal(res.text, 'Unauthorized');
	});

	test('/login needs Basic credentials', async () => {
		let res = await api.post('/login');
		assertWerkzeugHtml(res, 401, 'Missing Authentication information');
		assert.equal(res.headers.get('www-authenticate'), WWW_AUTH);
		res = await api.post('/login', { authorization: basicAuth('carol', 'nope') });
		assertWerkzeugHtml(res, 401, 'Invalid username/password combination for user &#34;carol&#34;.');
	});
});

describe('check 15: CORS', () => {
	test('a request with Origin gets it echoed with credentials allowed', async () => {
		const res = await api.get('/', { headers: { Origin: 'https://ui.example.org' } });
		assert.equal(res.headers.get('access-control-allow-origin'), 'https://ui.example.org');
		assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
		const denied = await api.get('/version', { headers: { Origin: 'https://ui.example.org' } });
		assert.equal(denied.status, 401);
		assert.equal(denied.headers.get('access-control-allow-origin'), 'https://ui.example.org');
	});

	test('a preflight OPTIONS is 200 with the allowed methods and echoed headers', async () => {
		const res = await api.request('OPTIONS', '/batches', {
			headers: {
				Origin: 'https://ui.example.org',
				'Access-Control-Request-Method': 'GET',
				'Access-Control-Request-Headers': 'authorization',
			},
		});
		assert.equal(res.status, 200);
		assert.equal(
			res.headers.get('access-control-allow-methods'),
			'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT',
		);
		assert.equal(res.headers.get('access-control-allow-headers'), 'authorization');
		assert.equal(res.headers.get('access-control-allow-origin'), 'https://ui.example.org');
	});

	test('HEAD answers like GET without a body', async () => {
		const res = await api.request('HEAD', '/version', { authorization: ALICE });
		assert.equal(res.status, 200);
		assert.equal(res.text, '');
		assert.equal(res.headers.get('content-length'), String('{"agencyVersion":"9.3.0"}\n'.length));
	});
});

describe('check 2: bad credentials and lockout', () => {
	test('an unknown user is refused without a lockout record', async () => {
		const res = await api.get('/version', { authorization: basicAuth('bob', 'x') });
		assertWerkzeugHtml(res, 401, 'Could not find user &#34;bob&#34;.');
		assert.equal(res.headers.get('www-authenticate'), WWW_AUTH);
	});

	test('the Basic header is checked before routing, even on GET /', async () => {
		const res = await api.get('/', { authorization: basicAuth('bob', 'x') });
		assert.equal(res.status, 401);
		const wrong = await api.get('/', { authorization: basicAuth('admin', 'wrong') });
		assertWerkzeugHtml(
			wrong,
			401,
			'Invalid username/password combination for user &#34;admin&#34;.',
		);
		assert.equal((await api.get('/nothing', { authorization: basicAuth('bob', 'x') })).status, 401);
	});

	test('4 wrong passwords, then alice is blocked even with the right one; admin is not', async () => {
		for (let attempt = 1; attempt <= 4; attempt++) {
			const res = await api.get('/version', { authorization: basicAuth('alice', 'wrong') });
			assertWerkzeugHtml(
				res,
				401,
				'Invalid username/password combination for user &#34;alice&#34;.',
			);
			assert.equal(res.headers.get('www-authenticate'), WWW_AUTH);
		}
		const blocked = await api.get('/version', { authorization: ALICE });
		assertWerkzeugHtml(
			blocked,
			401,
			'The user &#34;alice&#34; is currently blocked due to invalid login attempts.',
		);
		assert.equal(
			(await api.get('/', { authorization: ALICE })).status,
			401,
			'the lockout also applies on public routes',
		);
		assert.equal(
			(await api.get('/version', { authorization: ADMIN })).status,
			200,
			'other users are not affected',
		);

		// blockForSeconds is 1 here: the block lifts by itself (blocked attempts add no records)
		await pollUntil(
			async () => (await api.get('/version', { authorization: ALICE })).status === 200,
			{
				timeoutMs: 4000,
				intervalMs: 100,
				description: 'the lockout to lift',
			},
		);
	});
});
