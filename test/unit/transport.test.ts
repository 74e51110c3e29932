import nock from 'nock';
import { NodeApiError } from 'n8n-workflow';
import { apiRequest } from '../../nodes/shared/transport';
import { ccAgency } from '../../nodes/CcAgency/platform';
import { DEFAULT_RETRY_POLICY, backoffMs, retryAfterMs } from '../../nodes/shared/retry';
import { executeContext } from './helpers/context';

const BASE = 'http://agency.test';
const PASSWORD = 'S3cret-Pa55word';
const credentials = { baseUrl: `${BASE}/`, username: 'alice', password: PASSWORD, authentication: 'basic', accessToken: '', refreshToken: '' };
const fast = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 4 };

function netError(code: string, message: string) {
	return Object.assign(new Error(message), { code });
}

function context() {
	return executeContext({ parameters: {}, credentials: { ccAgencyApi: { ...credentials } } });
}

afterEach(() => nock.cleanAll());
beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

describe('apiRequest', () => {
	it('sends Basic auth to the base URL without a doubled slash', async () => {
		const scope = nock(BASE).get('/version').basicAuth({ user: 'alice', pass: PASSWORD }).reply(200, { agencyVersion: '9.3.0' });
		const { ctx } = context();
		const response = await apiRequest(ctx, ccAgency, { method: 'GET', path: '/version' });
		expect(response.body).toEqual({ agencyVersion: '9.3.0' });
		expect(scope.isDone()).toBe(true);
	});

	it('retries an idempotent GET on 503 and honours Retry-After', async () => {
		const scope = nock(BASE)
			.get('/batches').reply(503, 'busy', { 'Retry-After': '0' })
			.get('/batches').reply(502, 'bad gateway')
			.get('/batches').reply(200, []);
		const { ctx, fake } = context();
		const response = await apiRequest(ctx, ccAgency, { method: 'GET', path: '/batches' }, 0, fast);
		expect(response.body).toEqual([]);
		expect(scope.isDone()).toBe(true);
		expect(fake.logs.filter((l) => l.startsWith('warn')).length).toBe(2);
	});

	it('retries a GET after a connection reset', async () => {
		const scope = nock(BASE)
			.get('/nodes').replyWithError(netError('ECONNRESET', 'socket hang up'))
			.get('/nodes').reply(200, []);
		const { ctx } = context();
		await expect(apiRequest(ctx, ccAgency, { method: 'GET', path: '/nodes' }, 0, fast)).resolves.toMatchObject({ statusCode: 200 });
		expect(scope.isDone()).toBe(true);
	});

	it('never sends a creating POST twice, even after a 503 or a reset', async () => {
		nock(BASE).post('/red').reply(503, 'busy', { 'Retry-After': '0' });
		const { ctx } = context();
		await expect(apiRequest(ctx, ccAgency, { method: 'POST', path: '/red', body: {} }, 0, fast)).rejects.toThrow(/HTTP 503/);
		nock(BASE).post('/red').replyWithError(netError('ECONNRESET', 'socket hang up'));
		await expect(apiRequest(ctx, ccAgency, { method: 'POST', path: '/red', body: {} }, 0, fast)).rejects.toThrow(/ECONNRESET/);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('never retries a 401 and explains the lockout', async () => {
		nock(BASE).get('/version').once().reply(401, '<!doctype html><title>401 Unauthorized</title><p>Invalid username/password combination for user &#34;alice&#34;.</p>', { 'Content-Type': 'text/html; charset=utf-8' });
		const { ctx } = context();
		const error = await apiRequest(ctx, ccAgency, { method: 'GET', path: '/version' }, 3, fast).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('CC-Agency did not accept the credentials: Invalid username/password combination for user "alice".');
		expect(error.description).toMatch(/blocks an account/);
		expect(error.context.itemIndex).toBe(3);
		expect(error.httpCode).toBe('401');
	});

	it('gives up after the retry budget with the last status', async () => {
		nock(BASE).get('/batches').times(5).reply(504, 'timeout');
		const { ctx } = context();
		await expect(apiRequest(ctx, ccAgency, { method: 'GET', path: '/batches' }, 0, fast)).rejects.toThrow(/failed with HTTP 504/);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('reads the four CC-Agency error formats', async () => {
		const { ctx } = context();
		nock(BASE).get('/batches').query(true).reply(400, JSON.stringify('400 Bad Request: limit cannot be lower than 1.'), { 'Content-Type': 'application/json' });
		await expect(apiRequest(ctx, ccAgency, { method: 'GET', path: '/batches', qs: { limit: 0 } })).rejects.toThrow('CC-Agency rejected the request: limit cannot be lower than 1.');
		nock(BASE).get('/batches/000000000000000000000000').reply(404, '<!doctype html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>Could not find Object.</p>\n', { 'Content-Type': 'text/html' });
		await expect(apiRequest(ctx, ccAgency, { method: 'GET', path: '/batches/000000000000000000000000' })).rejects.toThrow('CC-Agency could not find it: Could not find Object.');
		nock(BASE).get('/version').reply(401, 'Unauthorized', { 'Content-Type': 'text/html' });
		await expect(apiRequest(ctx, ccAgency, { method: 'GET', path: '/version' })).rejects.toThrow('CC-Agency did not accept the credentials: Unauthorized');
		nock(BASE).get('/batches').reply(422, { msg: 'Signature verification failed' });
		await expect(apiRequest(ctx, ccAgency, { method: 'GET', path: '/batches' })).rejects.toThrow('CC-Agency rejected the session token: Signature verification failed');
	});

	it('names an unreachable server and does not leak the password', async () => {
		nock(BASE).get('/version').times(5).replyWithError(netError('ECONNREFUSED', `connect ECONNREFUSED (alice:${PASSWORD})`));
		const { ctx, fake } = context();
		const error = await apiRequest(ctx, ccAgency, { method: 'GET', path: '/version' }, 0, fast).catch((e) => e);
		expect(error.message).toMatch(/Could not reach CC-Agency at http:\/\/agency.test\/version \(ECONNREFUSED\)/);
		expect(error.description).toMatch(/Base URL/);
		expect(JSON.stringify(error)).not.toContain(PASSWORD);
		expect(error.message).not.toContain(PASSWORD);
		expect(fake.logs.join('\n')).not.toContain(PASSWORD);
	});

	it('redacts secrets echoed by the server (RED schema errors repeat the document)', async () => {
		const echoed = `400 Bad Request: Given RED data is invalid.\nRED-FILE does not comply with jsonschema:\n\treason: {'access': {'url': 'http://x', 'auth': {'username': 'bob', 'password': 'connector-pw-123'}}, 'note': '${PASSWORD}'} is not valid`;
		nock(BASE).post('/red').reply(400, JSON.stringify(echoed), { 'Content-Type': 'application/json' });
		const { ctx } = context();
		const error = await apiRequest(ctx, ccAgency, { method: 'POST', path: '/red', body: {} }).catch((e) => e);
		const everything = `${error.message} ${error.description} ${JSON.stringify(error)}`;
		expect(everything).not.toContain('connector-pw-123');
		expect(everything).not.toContain(PASSWORD);
		expect(error.message).toMatch(/rejected the RED document: Given RED data is invalid/);
	});

	it('logs in again once when a JWT is rejected, and stores the new token', async () => {
		const jwtCredentials = { ...credentials, authentication: 'jwt', accessToken: 'old-access', refreshToken: '' };
		const { ctx, fake } = executeContext({ parameters: {}, credentials: { ccAgencyApi: jwtCredentials } });
		nock(BASE)
			.get('/batches').matchHeader('authorization', 'Bearer old-access').reply(401, { msg: 'Token has expired' })
			.post('/login').basicAuth({ user: 'alice', pass: PASSWORD }).reply(200, { access_token: 'new-access', refresh_token: 'new-refresh', username: 'alice' })
			.get('/batches').matchHeader('authorization', 'Bearer new-access').reply(200, []);
		await expect(apiRequest(ctx, ccAgency, { method: 'GET', path: '/batches' })).resolves.toMatchObject({ body: [] });
		expect(fake.stored.ccAgencyApi.accessToken).toBe('new-access');
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('uses the refresh token before logging in again', async () => {
		const jwtCredentials = { ...credentials, authentication: 'jwt', accessToken: 'old', refreshToken: 'refresh-1' };
		const { ctx, fake } = executeContext({ parameters: {}, credentials: { ccAgencyApi: jwtCredentials } });
		nock(BASE)
			.get('/batches').reply(401, { msg: 'Token has expired' })
			.post('/refreshtoken').matchHeader('authorization', 'Bearer refresh-1').reply(200, { access_token: 'fresh' })
			.get('/batches').matchHeader('authorization', 'Bearer fresh').reply(200, []);
		await apiRequest(ctx, ccAgency, { method: 'GET', path: '/batches' });
		expect(fake.stored.ccAgencyApi.accessToken).toBe('fresh');
		expect(nock.pendingMocks()).toEqual([]);
	});
});

describe('retry timing', () => {
	it('backs off exponentially up to the cap', () => {
		const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
		expect(backoffMs(0, policy, () => 1)).toBe(100);
		expect(backoffMs(2, policy, () => 1)).toBe(400);
		expect(backoffMs(10, policy, () => 1)).toBe(1000);
		expect(backoffMs(10, policy, () => 0)).toBe(500);
	});

	it('parses Retry-After as seconds or a date', () => {
		expect(retryAfterMs('3')).toBe(3000);
		expect(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('Thu, 01 Jan 2026 00:00:00 GMT'))).toBe(10000);
		expect(retryAfterMs(undefined)).toBeUndefined();
	});
});

describe('a failed JWT login', () => {
	it('is reported as rejected credentials with the lockout advice, and not retried', async () => {
		const jwtCredentials = { ...credentials, authentication: 'jwt', accessToken: '', refreshToken: '' };
		const { ctx } = executeContext({ parameters: {}, credentials: { ccAgencyApi: jwtCredentials } });
		nock(BASE).post('/login').once().reply(401, '<p>Invalid username/password combination for user &#34;alice&#34;.</p>', { 'Content-Type': 'text/html' });
		const error = await apiRequest(ctx, ccAgency, { method: 'GET', path: '/batches' }, 0, fast).catch((e) => e);
		expect(error.message).toBe('CC-Agency did not accept the credentials: Invalid username/password combination for user "alice".');
		expect(error.description).toMatch(/blocks an account/);
		expect(nock.pendingMocks()).toEqual([]);
	});
});
