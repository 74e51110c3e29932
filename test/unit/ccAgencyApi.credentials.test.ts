import nock from 'nock';
import type { IHttpRequestOptions } from 'n8n-workflow';
import { httpRequest } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';
import { CcAgencyApi } from '../../credentials/CcAgencyApi.credentials';

const credential = new CcAgencyApi();
const BASE = 'http://agency.test';
const helpers = { helpers: { httpRequest: async (r: IHttpRequestOptions) => await httpRequest(r) } };
const base = { baseUrl: `${BASE}/`, username: 'alice', password: 'pw-123456', ignoreSslIssues: false, accessToken: '', refreshToken: '' };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('CC-Agency API credential', () => {
	it('keeps the session token in a hidden, expirable, masked field (else n8n never logs in again)', () => {
		const token = credential.properties.find((p) => p.name === 'accessToken');
		expect(token).toMatchObject({ type: 'hidden', typeOptions: { expirable: true, password: true } });
		expect(credential.properties.find((p) => p.name === 'password')?.typeOptions?.password).toBe(true);
	});

	it('tests the credential with GET /version', () => {
		expect(credential.test.request.url).toBe('/version');
	});

	it('Basic mode needs no login request', async () => {
		await expect(credential.preAuthentication.call(helpers as never, { ...base, authentication: 'basic' })).resolves.toEqual({});
		const options = await credential.authenticate({ ...base, authentication: 'basic' }, { url: '/x' });
		expect(options.auth).toEqual({ username: 'alice', password: 'pw-123456' });
	});

	it('JWT mode logs in with Basic and sends a bearer token', async () => {
		nock(BASE).post('/login').basicAuth({ user: 'alice', pass: 'pw-123456' }).reply(200, { access_token: 'a1', refresh_token: 'r1', username: 'alice' });
		const tokens = await credential.preAuthentication.call(helpers as never, { ...base, authentication: 'jwt' });
		expect(tokens).toEqual({ accessToken: 'a1', refreshToken: 'r1' });
		const options = await credential.authenticate({ ...base, authentication: 'jwt', accessToken: 'a1' }, { url: '/x', headers: {} });
		expect(options.headers).toEqual({ Authorization: 'Bearer a1' });
		expect(options.auth).toBeUndefined();
	});

	it('JWT mode falls back to a login when the refresh token is rejected', async () => {
		nock(BASE)
			.post('/refreshtoken').reply(401, { msg: 'Token has expired' })
			.post('/login').reply(200, { access_token: 'a2', refresh_token: 'r2', username: 'alice' });
		const tokens = await credential.preAuthentication.call(helpers as never, { ...base, authentication: 'jwt', refreshToken: 'old' });
		expect(tokens).toEqual({ accessToken: 'a2', refreshToken: 'r2' });
	});

	it('a wrong password in JWT mode fails the login (once: the agency locks accounts)', async () => {
		nock(BASE).post('/login').once().reply(401, '<p>Invalid username/password combination for user &#34;alice&#34;.</p>');
		await expect(credential.preAuthentication.call(helpers as never, { ...base, authentication: 'jwt' })).rejects.toThrow();
		expect(nock.pendingMocks()).toEqual([]);
	});
});
