import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';
import { Alyx } from '../../nodes/Alyx/Alyx.node';
import { executeContext } from './helpers/context';

const BASE = 'http://alyx.test';
const TOKEN = 'a'.repeat(40);
const SESSION = '3716d34f-5a3e-4a61-9b2c-0c8f0e2d1a77';
const WEIGHING = '0b9c3d52-1111-4222-8333-944445555666';
const fresh = () => ({ alyxApi: { baseUrl: `${BASE}/`, username: 'alice', password: 'alice-password', ignoreSslIssues: false, token: TOKEN } });
const byId = (value: string) => ({ __rl: true, mode: 'id', value });

function page(results: IDataObject[], next: string | null = null, count = results.length) {
	return { count, next, previous: null, results };
}

async function run(parameters: IDataObject | IDataObject[], options: { continueOnFail?: boolean; credentials?: IDataObject } = {}) {
	const { ctx, fake } = executeContext({ parameters, credentials: (options.credentials ?? fresh()) as never, continueOnFail: options.continueOnFail });
	const result = await new Alyx().execute.call(ctx);
	return { items: result[0], fake };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Alyx authentication', () => {
	it('logs in with POST /auth-token when there is no token, and sends Token <key>', async () => {
		nock(BASE)
			.post('/auth-token', { username: 'alice', password: 'alice-password' }).reply(200, { token: TOKEN })
			.get('/users/alice').matchHeader('authorization', `Token ${TOKEN}`).matchHeader('accept', 'application/json').reply(200, { username: 'alice' });
		const credentials = { alyxApi: { ...fresh().alyxApi, token: '' } };
		const { items, fake } = await run({ resource: 'user', operation: 'get', user: byId('alice') }, { credentials });
		expect(items[0].json.username).toBe('alice');
		expect(fake.stored.alyxApi.token).toBe(TOKEN);
	});

	it('logs in again once when Alyx says the token is invalid (403), then repeats the request', async () => {
		const newToken = 'b'.repeat(40);
		nock(BASE)
			.get('/users/alice').matchHeader('authorization', `Token ${TOKEN}`).reply(403, { detail: 'Invalid token.', status_code: 403 })
			.post('/auth-token').reply(200, { token: newToken })
			.get('/users/alice').matchHeader('authorization', `Token ${newToken}`).reply(200, { username: 'alice' });
		const { items, fake } = await run({ resource: 'user', operation: 'get', user: byId('alice') });
		expect(items[0].json.username).toBe('alice');
		expect(fake.stored.alyxApi.token).toBe(newToken);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('a read-only account gets a clear refusal, not a retry', async () => {
		nock(BASE).post('/weighings').once().reply(403, { detail: 'You do not have permission to perform this action.', status_code: 403 });
		const error = await run({ resource: 'weighing', operation: 'create', subject: byId('Algernon'), weight: 25.3, additionalFields: {} }).catch((e) => e);
		expect(error.message).toBe('Alyx refused the change: You do not have permission to perform this action.');
		expect(error.description).toMatch(/read-only/);
	});

	it('a wrong password names the credential', async () => {
		nock(BASE).post('/auth-token').reply(400, { non_field_errors: ['Unable to log in with provided credentials.'], status_code: 400 });
		const credentials = { alyxApi: { ...fresh().alyxApi, token: '', password: 'wrong-password' } };
		const error = await run({ resource: 'user', operation: 'get', user: byId('alice') }, { credentials }).catch((e) => e);
		expect(error.message).toBe('Alyx did not accept the credentials: Unable to log in with provided credentials.');
		expect(error.description).toMatch(/username and password in the Alyx credential/);
		expect(JSON.stringify(error)).not.toContain('wrong-password');
		expect(error.message).not.toContain('wrong-password');
	});
});

describe('Alyx lists', () => {
	it('Return All pages with limit=1000 and stops when next is null', async () => {
		const first = Array.from({ length: 1000 }, (_, i) => ({ id: `s${i}` }));
		nock(BASE)
			.get('/sessions').query({ subject: 'Algernon', offset: 0, limit: 1000 }).reply(200, page(first, `${BASE}/sessions?limit=1000&offset=1000`, 1500))
			.get('/sessions').query({ subject: 'Algernon', offset: 1000, limit: 1000 }).reply(200, page(first.slice(0, 500), null, 1500));
		const { items } = await run({ resource: 'session', operation: 'getAll', returnAll: true, filters: { subject: 'Algernon' } });
		expect(items).toHaveLength(1500);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('keeps records that have a field called json (it is data, not an n8n item)', async () => {
		nock(BASE).get('/subjects').query(true).reply(200, page([{ nickname: 'KS022', json: null }, { nickname: 'SWC_043', json: { cage: 3 } }]));
		const { items } = await run({ resource: 'subject', operation: 'getAll', returnAll: true, filters: {} });
		expect(items.map((i) => i.json)).toEqual([{ nickname: 'KS022', json: null }, { nickname: 'SWC_043', json: { cage: 3 } }]);
	});

	it('Limit returns exactly Limit items in one request', async () => {
		nock(BASE).get('/subjects').query({ offset: 0, limit: 3, alive: 'True', project: 'main' }).reply(200, page([{ nickname: 'a' }, { nickname: 'b' }, { nickname: 'c' }], 'next'));
		const { items } = await run({ resource: 'subject', operation: 'getAll', returnAll: false, limit: 3, filters: { alive: true, project: 'main' } });
		expect(items.map((i) => i.json.nickname)).toEqual(['a', 'b', 'c']);
	});

	it('turns From/To into an inclusive date_range, and refuses a one-sided range before sending', async () => {
		nock(BASE).get('/sessions').query({ date_range: '2026-01-01,2026-01-31', offset: 0, limit: 50 }).reply(200, page([]));
		await run({ resource: 'session', operation: 'getAll', returnAll: false, limit: 50, filters: { dateFrom: '2026-01-01T00:00:00', dateTo: '2026-01-31' } });
		const error = await run({ resource: 'session', operation: 'getAll', returnAll: false, limit: 50, filters: { dateFrom: '2026-01-01' } }).catch((e) => e);
		expect(error.message).toBe('Date: a date range needs both a start and an end date');
	});

	it('sends weighing date windows as Django lookups (date_range gives a 500 there)', async () => {
		nock(BASE)
			.get('/weighings')
			.query({ subject: 'Algernon', django: 'date_time__date__gte,2026-01-01,date_time__date__lte,2026-01-10', offset: 0, limit: 50 })
			.reply(200, page([{ subject: 'Algernon', weight: 25.3, url: `${BASE}/weighings/${WEIGHING}` }]));
		const { items } = await run({ resource: 'weighing', operation: 'getAll', returnAll: false, limit: 50, filters: { subject: 'Algernon', dateFrom: '2026-01-01', dateTo: '2026-01-10' } });
		expect(items[0].json).toMatchObject({ id: WEIGHING, weight: 25.3 });
	});

	it('explains the server\'s 500 for a bad QC filter value', async () => {
		nock(BASE).get('/sessions').query(true).reply(500, { status_code: 500, detail: 'Invalidqc, choices are: CRITICAL, FAIL, WARNING, NOT_SET, PASS' });
		const error = await run({ resource: 'session', operation: 'getAll', returnAll: false, limit: 5, filters: { django: 'qc,BOGUS' } }).catch((e) => e);
		expect(error.message).toMatch(/^Alyx does not know that QC value \(HTTP 500/);
		expect(error.description).toMatch(/CRITICAL, FAIL, WARNING, NOT_SET or PASS/);
	});
});

describe('Alyx writes', () => {
	it('creates a session with lists and an ISO datetime', async () => {
		nock(BASE)
			.post('/sessions', { subject: 'Algernon', number: 1, users: ['alice', 'bob'], start_time: '2026-01-10T12:00:00Z', extended_qc: { behavior: 1 } })
			.reply(201, { id: SESSION, subject: 'Algernon', qc: 'NOT_SET' });
		const { items } = await run({
			resource: 'session',
			operation: 'create',
			subject: byId('Algernon'),
			additionalFields: { number: 1, users: 'alice, bob', startTime: '2026-01-10T12:00:00Z', extendedQc: '{"behavior": 1}' },
		});
		expect(items[0].json).toMatchObject({ id: SESSION, qc: 'NOT_SET' });
	});

	it('rejects a date that is not a date before sending', async () => {
		const error = await run({ resource: 'session', operation: 'create', subject: byId('Algernon'), additionalFields: { startTime: 'yesterday' } }).catch((e) => e);
		expect(error.message).toBe('Start Time: "yesterday" is not a date and time');
		expect(error.context.itemIndex).toBe(0);
	});

	it('records a weighing and returns its id from the url', async () => {
		nock(BASE).post('/weighings', { subject: 'Algernon', weight: 25.3 }).reply(201, { subject: 'Algernon', weight: 25.3, user: 'alice', url: `${BASE}/weighings/${WEIGHING}` });
		const { items } = await run({ resource: 'weighing', operation: 'create', subject: byId('Algernon'), weight: 25.3, additionalFields: {} });
		expect(items[0].json).toMatchObject({ id: WEIGHING, user: 'alice' });
	});

	it('deletes a weighing', async () => {
		nock(BASE).delete(`/weighings/${WEIGHING}`).reply(204);
		const { items } = await run({ resource: 'weighing', operation: 'delete', id: byId(WEIGHING) });
		expect(items[0].json).toEqual({ deleted: true });
	});

	it('always sends project users (Alyx answers 500 without them), defaulting to the account', async () => {
		nock(BASE).post('/projects', { name: 'second', description: '', users: ['alice'] }).reply(201, { name: 'second', description: '', users: ['alice'] });
		const { items } = await run({ resource: 'project', operation: 'create', name: 'second', description: '', users: '' });
		expect(items[0].json.users).toEqual(['alice']);
	});

	it('marks a file record as existing', async () => {
		nock(BASE).patch(`/files/${WEIGHING}`, { exists: true }).reply(200, { url: `${BASE}/files/${WEIGHING}`, exists: true });
		const { items } = await run({ resource: 'fileRecord', operation: 'update', id: byId(WEIGHING), updateFields: { exists: true } });
		expect(items[0].json).toMatchObject({ id: WEIGHING, exists: true });
	});
});

describe('Alyx register files', () => {
	const base = { resource: 'file', operation: 'register', sessionPath: 'Algernon/2026-01-10/001', repositoryBy: 'name', repository: byId('local') };

	it('registers several files and outputs one item per file', async () => {
		nock(BASE)
			.post('/register-file', {
				path: 'Algernon/2026-01-10/001',
				filenames: ['alf/trials.table.pqt', 'alf/wheel.position.npy'],
				name: 'local',
				hashes: ['abc123', 'def456'],
				filesizes: [1234, 5678],
				versions: ['1.0.0'],
				qc: 'PASS',
				exists: false,
			})
			.reply(201, [
				{ id: 'd1', name: 'trials.table.pqt', qc: 10, file_records: [{ exists: false }] },
				{ id: 'd2', name: 'wheel.position.npy', qc: 10, file_records: [{ exists: false }] },
			]);
		const { items } = await run({
			...base,
			filenames: 'alf/trials.table.pqt, alf/wheel.position.npy',
			options: { hashes: 'abc123,def456', fileSizes: '1234, 5678', versions: '1.0.0', qc: 'PASS', exists: false },
		});
		expect(items.map((i) => i.json.id)).toEqual(['d1', 'd2']);
		expect(items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it.each([
		[{ sessionPath: 'not/a/session' }, 'Session Path: "not/a/session" is not a session path'],
		[{ filenames: '' }, 'File Names: no file names given'],
		[{ options: { hashes: 'only-one' } }, 'Hashes: 1 values for 2 files'],
		[{ options: { fileSizes: '12, big' } }, 'File Sizes: sizes must be whole numbers of bytes'],
	])('rejects bad input before sending: %o', async (change, message) => {
		const error = await run({ ...base, filenames: 'a/x.npy, a/y.npy', options: {}, ...change }).catch((e) => e);
		expect(error.message).toBe(message);
	});

	it('reads register-file errors from "error" and explains its 500s', async () => {
		nock(BASE).post('/register-file').reply(400, { status_code: 400, error: 'A base session for Algernon on 2026-02-10 does not exist' });
		const noSession = await run({ ...base, filenames: 'alf/trials.table.pqt', options: {} }).catch((e) => e);
		expect(noSession.message).toBe('Alyx rejected the request: A base session for Algernon on 2026-02-10 does not exist');
		nock(BASE).post('/register-file').reply(500, { status_code: 500, detail: 'No dataset type found for filename "trials.table.pqt"' });
		const noType = await run({ ...base, filenames: 'alf/trials.table.pqt', options: {} }).catch((e) => e);
		expect(noType.message).toMatch(/^Alyx has no dataset type matching the file name/);
		expect(noType.description).toMatch(/Dataset Type → Create/);
	});

	it('with Continue On Fail, a bad item becomes an error item and the next one runs', async () => {
		nock(BASE).post('/register-file').reply(201, [{ id: 'd9' }]);
		const { items } = await run([{ ...base, sessionPath: 'bad', filenames: 'a.npy', options: {} }, { ...base, filenames: 'alf/a.npy', options: {} }], { continueOnFail: true });
		expect(items[0]).toMatchObject({ json: { error: expect.stringMatching(/Session Path/) }, pairedItem: { item: 0 } });
		// n8n sends an item down the error output ("Continue (using error output)") only when the
		// item carries the error itself; the JSON alone (two keys) would stay on the main output.
		expect(items[0].error?.message).toMatch(/Session Path/);
		expect(items[1]).toMatchObject({ json: { id: 'd9' }, pairedItem: { item: 1 } });
		expect(items[1].error).toBeUndefined();
	});
});
