import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';
import { Agora } from '../../nodes/Agora/Agora.node';
import { executeContext } from './helpers/context';
import { forgetDetectedRoutes } from '../../nodes/Agora/routeDetection';

const BASE = 'http://agora.test';
// A made-up key in the UUID format Agora issues.
const TEST_KEY_VALUE = ['6f1c1b9e', '1111', '4222', '8333', '944445555666'].join('-');
const creds = (extra: IDataObject = {}) => ({
	agoraApi: { baseUrl: `${BASE}/some/typed/path`, authentication: 'apiKey', apiKey: TEST_KEY_VALUE, headerStyle: 'token', routeSet: 'documented', ignoreSslIssues: false, sessionToken: '', ...extra },
});
const byId = (value: string | number) => ({ __rl: true, mode: 'id', value: String(value) });

async function run(parameters: IDataObject | IDataObject[], credentials = creds(), continueOnFail = false) {
	const { ctx, fake } = executeContext({ parameters, credentials: credentials as never, continueOnFail });
	return { items: (await new Agora().execute.call(ctx))[0], fake };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Agora authentication and routes', () => {
	it('sends the key as documented (Token) to the host root, whatever path was typed', async () => {
		nock(BASE).get('/api/v2/user/me/').matchHeader('authorization', `Token ${TEST_KEY_VALUE}`).reply(200, { username: 'alice' });
		const { items } = await run({ resource: 'user', operation: 'getCurrent' });
		expect(items[0].json.username).toBe('alice');
	});

	it('can send the key as the connectors do, on the connector routes', async () => {
		nock(BASE).get('/api/v1/user/current/').matchHeader('authorization', `X-Agora-Api-Key ${TEST_KEY_VALUE}`).reply(200, { username: 'alice', institution: 'ETH' });
		const { items } = await run({ resource: 'user', operation: 'getCurrent' }, creds({ headerStyle: 'xAgoraApiKey', routeSet: 'connector' }));
		expect(items[0].json.institution).toBe('ETH');
	});

	it('logs in with username and password and uses the session token', async () => {
		nock(BASE)
			.post('/api/v1/rest-auth/login/', { username: 'alice', password: 'pw-123456' }).reply(200, { key: 'session-abc' })
			.get('/api/v2/project/myagora/').matchHeader('authorization', 'Token session-abc').reply(200, { id: 1, is_myagora: true, root_folder: 10 });
		const { items, fake } = await run({ resource: 'project', operation: 'getMyAgora' }, creds({ authentication: 'password', username: 'alice', password: 'pw-123456', apiKey: '' }));
		expect(items[0].json).toMatchObject({ is_myagora: true, root_folder: 10 });
		expect(fake.stored.agoraApi.sessionToken).toBe('session-abc');
	});

	it('explains a rejected key and suggests the other header style', async () => {
		nock(BASE).get('/api/v2/project/myagora/').reply(401, { detail: 'Invalid token.' });
		const error = await run({ resource: 'project', operation: 'getMyAgora' }).catch((e) => e);
		expect(error.message).toBe('Agora did not accept the credentials: Invalid token.');
		expect(error.description).toMatch(/Header Style/);
		expect(JSON.stringify(error)).not.toContain(TEST_KEY_VALUE);
	});
});

describe('Agora Automatic routes (the credential default)', () => {
	beforeEach(() => forgetDetectedRoutes());
	const auto = () => creds({ routeSet: 'auto' });

	it('uses the documented routes when the server answers the documented current user', async () => {
		nock(BASE)
			.get('/api/v2/user/me/').reply(200, { username: 'alice' })
			.get('/api/v2/folder/44/items/').query(true).reply(200, { count: 1, next: null, previous: null, results: [{ id: 1, content_type: 'exam' }] });
		const { items } = await run({ resource: 'folder', operation: 'getItems', folder: byId(44) }, auto());
		expect(items).toHaveLength(1);
		expect(nock.isDone()).toBe(true);
	});

	it("falls back to the connectors' routes when the documented ones are missing, and asks only once", async () => {
		nock(BASE)
			.get('/api/v2/user/me/').once().reply(404, '<h1>Not Found</h1>')
			.get('/api/v1/folder/44/items/').times(2).query(true).reply(200, [{ id: 1, content_type: 'serie' }])
			.get('/api/v1/user/current/').reply(200, { username: 'alice', institution: 'ETH' });
		const { items } = await run(
			[
				{ resource: 'folder', operation: 'getItems', folder: byId(44) },
				{ resource: 'folder', operation: 'getItems', folder: byId(44) },
			],
			auto(),
		);
		expect(items).toHaveLength(2);
		expect((await run({ resource: 'user', operation: 'getCurrent' }, auto())).items[0].json.institution).toBe('ETH');
		expect(nock.isDone()).toBe(true);
	});

	it('reports a rejected key as such (not as missing routes) and asks again next time', async () => {
		nock(BASE).get('/api/v2/user/me/').reply(401, { detail: 'Invalid token.' });
		const error = await run({ resource: 'project', operation: 'getMyAgora' }, auto()).catch((e) => e);
		expect(error.message).toBe('Agora did not accept the credentials: Invalid token.');
		nock(BASE)
			.get('/api/v2/user/me/').reply(200, { username: 'alice' })
			.get('/api/v2/project/myagora/').reply(200, { id: 1, is_myagora: true, root_folder: 10 });
		expect((await run({ resource: 'project', operation: 'getMyAgora' }, auto())).items[0].json.root_folder).toBe(10);
	});
});

describe('Agora lists', () => {
	it('Return All follows the envelope pages and Limit is exact', async () => {
		nock(BASE)
			.get('/api/v2/project/').query({ offset: 0, limit: 1000 }).reply(200, { count: 3, next: 'more', previous: null, results: [{ id: 1 }, { id: 2 }] })
			.get('/api/v2/project/').query({ offset: 2, limit: 1000 }).reply(200, { count: 3, next: null, previous: 'x', results: [{ id: 3 }] });
		expect((await run({ resource: 'project', operation: 'getAll', returnAll: true, filters: {} })).items).toHaveLength(3);
		nock(BASE).get('/api/v2/exam/').query({ offset: 0, limit: 2, name__icontains: 'brain' }).reply(200, { count: 9, next: 'more', previous: null, results: [{ id: 7 }, { id: 8 }] });
		expect((await run({ resource: 'exam', operation: 'getAll', returnAll: false, limit: 2, filters: { name: 'brain' } })).items).toHaveLength(2);
	});

	it('accepts a bare array where an envelope was expected', async () => {
		nock(BASE).get('/api/v2/project/').query(true).reply(200, [{ id: 1 }, { id: 2 }]);
		const { items } = await run({ resource: 'project', operation: 'getAll', returnAll: true, filters: {} });
		expect(items.map((i) => i.json.id)).toEqual([1, 2]);
	});
});

describe('Agora folders', () => {
	const items10 = [
		{ id: 100, folder: 10, object_id: 44, content_type: 'folder', is_link: false, content_object: { id: 44, name: 'data', project: 1 } },
		{ id: 101, folder: 10, object_id: 7, content_type: 'exam', is_link: false, content_object: { id: 7, name: 'Brain MRI' } },
	];
	const items44 = [
		{ id: 102, folder: 44, object_id: 45, content_type: 'folder', is_link: false, content_object: { id: 45, name: 'my_folder', project: 1 } },
		{ id: 103, folder: 44, object_id: 76, content_type: 'serie', is_link: true, content_object: { id: 76, name: 'T1' } },
		{ id: 104, folder: 44, object_id: 12, content_type: 'dataset', is_link: false, content_object: { id: 12, name: 'DICOM' } },
	];

	it('lists items flattened, with serie mapped to series (connector routes, bare arrays)', async () => {
		nock(BASE).get('/api/v1/folder/44/items/').query(true).reply(200, items44);
		const { items } = await run({ resource: 'folder', operation: 'getItems', folder: byId(44) }, creds({ routeSet: 'connector' }));
		expect(items.map((i) => [i.json.id, i.json.contentType, i.json.isLink, i.json.folderItemId])).toEqual([
			[45, 'folder', false, 102],
			[76, 'series', true, 103],
			[12, 'dataset', false, 104],
		]);
	});

	it('resolves ../data/my_folder through the breadcrumb and the items', async () => {
		nock(BASE)
			.get('/api/v2/folder/45/breadcrumb/').reply(200, [{ object_id: 10, name: 'root' }, { object_id: 44, name: 'data' }, { object_id: 45, name: 'my_folder' }])
			.get('/api/v2/folder/10/items/').query(true).reply(200, { count: 2, next: null, previous: null, results: items10 })
			.get('/api/v2/folder/44/items/').query(true).reply(200, items44)
			.get('/api/v2/folder/45/').reply(200, { id: 45, name: 'my_folder', project: 1 });
		const { items } = await run({ resource: 'folder', operation: 'getByPath', folder: byId(45), path: '../../data/my_folder', create: false });
		expect(items[0].json).toMatchObject({ id: 45, name: 'my_folder' });
	});

	it('refuses a path above the root, naming the field', async () => {
		nock(BASE).get('/api/v2/folder/10/breadcrumb/').reply(200, [{ object_id: 10, name: 'root' }]);
		const error = await run({ resource: 'folder', operation: 'getByPath', folder: byId(10), path: '../x', create: false }).catch((e) => e);
		expect(error.message).toBe('Path: ".." goes above the project\'s root folder');
	});

	it('get or create returns an existing folder, or creates it once', async () => {
		nock(BASE).get('/api/v2/folder/10/items/').query(true).reply(200, items10);
		expect((await run({ resource: 'folder', operation: 'getOrCreate', folder: byId(10), name: 'data' })).items[0].json).toMatchObject({ id: 44, created: false });
		nock(BASE)
			.get('/api/v2/folder/10/items/').query(true).reply(200, items10)
			.post('/api/v2/folder/10/new/', { name: 'Results' }).once().reply(201, { id: 200, folder: 10, object_id: 13, content_type: 'folder', content_object: { id: 13, name: 'Results', project: 1 } });
		expect((await run({ resource: 'folder', operation: 'getOrCreate', folder: byId(10), name: 'Results' })).items[0].json).toMatchObject({ id: 13, name: 'Results', created: true });
	});

	it('finds the exams of a folder and its subfolders', async () => {
		nock(BASE)
			.get('/api/v2/folder/10/items/').query(true).reply(200, items10)
			.get('/api/v2/folder/44/items/').query(true).reply(200, [...items44, { id: 105, folder: 44, object_id: 8, content_type: 'exam', is_link: false, content_object: { id: 8, name: 'Knee' } }])
			.get('/api/v2/folder/45/items/').query(true).reply(200, []);
		const { items } = await run({ resource: 'folder', operation: 'getExams', folder: byId(10), recursive: true });
		expect(items.map((i) => i.json.id)).toEqual([7, 8]);
	});
});

describe('Agora exams and datasets', () => {
	it('copies an exam, waits for the timeline item and returns the new exam', async () => {
		nock(BASE)
			.post('/api/v2/exam/12/copy_to/4/folder/20/', {}).once().reply(200, { id: 900, data: { state: 6 } })
			.get('/api/v2/timelineitem/900/').reply(200, { id: 900, state: 'STARTED' })
			.get('/api/v2/timelineitem/900/').reply(200, { id: 900, state: 'FINISHED', data: { state: 2, related_objects: [{ id: 12 }, { id: 99 }] } })
			.get('/api/v2/exam/99/').reply(200, { id: 99, name: 'Brain MRI (copy)' });
		const { items } = await run({ resource: 'exam', operation: 'copy', exam: byId(12), project: byId(4), folder: byId(20), timeout: 30 });
		expect(items[0].json).toMatchObject({ id: 99, timelineItemId: 900 });
	});

	it('reports a failed copy with the server\'s reason', async () => {
		nock(BASE)
			.post('/api/v2/exam/12/move_to/4/folder/20/').reply(200, { id: 901 })
			.get('/api/v2/timelineitem/901/').reply(200, { id: 901, data: { state: 3, error: { message: 'target folder is locked' } } });
		await expect(run({ resource: 'exam', operation: 'move', exam: byId(12), project: byId(4), folder: byId(20), timeout: 30 })).rejects.toThrow('Agora could not move exam 12: target folder is locked');
	});

	it('locks with a list of ids', async () => {
		nock(BASE).post('/api/v2/exam/lock_ids/', { ids: [5] }).reply(200, {});
		expect((await run({ resource: 'exam', operation: 'lock', exam: byId(5) })).items[0].json).toEqual({ exam: 5, locked: true });
	});

	it('finds a parameter by name across parameter sets, or says it has none', async () => {
		const sets = () =>
			nock(BASE)
				.get('/api/v2/dataset/158/parametersets/').reply(200, [{ id: 10, name: 'Acquisition' }, { id: 11, name: 'User Parameters' }])
				.get('/api/v2/parameterset/10/').query({ flat: 'True' }).reply(200, { id: 10, parameters: [{ Name: 'TR', Value: 1.5 }, { Name: 'TE', Value: 0.03 }] })
				.get('/api/v2/parameterset/11/').query({ flat: 'True' }).reply(200, { id: 11, parameters: [{ Name: 'Note', Value: 'ok' }] });
		sets();
		const { items } = await run({ resource: 'dataset', operation: 'getParameter', dataset: byId(158), parameterName: 'TE' });
		expect(items[0].json).toMatchObject({ Name: 'TE', Value: 0.03, parameterSet: 'Acquisition' });
		sets();
		await expect(run({ resource: 'dataset', operation: 'getParameter', dataset: byId(158), parameterName: 'XX' })).rejects.toThrow('Parameter Name: dataset 158 has no parameter "XX"');
	});

	it('a 403 on parameters surfaces with what to do', async () => {
		nock(BASE).get('/api/v2/dataset/158/parametersets/').reply(403, { detail: 'You do not have permission to perform this action.' });
		const error = await run({ resource: 'dataset', operation: 'searchParameters', dataset: byId(158), search: '' }).catch((e) => e);
		expect(error.message).toBe('Agora refused access: You do not have permission to perform this action.');
		expect(error.httpCode).toBe('403');
	});

	it('empties only the chosen project\'s trash', async () => {
		nock(BASE)
			.get('/api/v1/trash/').query(true).reply(200, [{ id: 1, project: 3 }, { id: 2, project: 4 }, { id: 3, project: 3 }])
			.delete('/api/v1/trash/1/delete').reply(204)
			.delete('/api/v1/trash/3/delete').reply(204);
		const { items } = await run({ resource: 'project', operation: 'emptyTrash', project: byId(3) });
		expect(items[0].json).toEqual({ project: 3, deleted: 2 });
		expect(nock.pendingMocks()).toEqual([]);
	});
});

describe('Agora tasks', () => {
	const definition = { id: 13, name: 'resample', inputs: [{ key: 'ds', type: 3, required: true, order: 0 }, { key: 'size', type: 6, required: true, order: 1 }], outputs: [{ id: 1, type: 2 }] };
	const inputs = (entries: Array<[string, string]>) => ({ input: entries.map(([key, value]) => ({ key, value })) });

	it.each([
		[[['ds', '57']], 20, 'Inputs: task "resample" needs input "size"'],
		[[['ds', '57'], ['size', '1024'], ['colour', 'red']], 20, 'Inputs: task "resample" has no input "colour"'],
		[[['ds', '57'], ['size', 'big']], 20, 'Input "size": "big" is not a whole number'],
		[[['ds', '57'], ['size', '1024']], '', 'Target Folder: task "resample" writes results, so it needs a target folder'],
	])('checks %j against the definition before running', async (entries, target, message) => {
		nock(BASE).get('/api/v2/task/13/').reply(200, definition);
		const error = await run({ resource: 'task', operation: 'run', task: byId(13), inputs: inputs(entries as Array<[string, string]>), target: target ? byId(String(target)) : '' }).catch((e) => e);
		expect(error.message).toBe(message);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('runs with keyed inputs and a target, waits, and returns output and created objects', async () => {
		nock(BASE)
			.get('/api/v2/task/13/').reply(200, definition)
			.post('/api/v1/taskdefinition/13/run/', { target: { object_id: 20, object_type: 'folder' }, inputs: { ds: { object_id: 57, object_type: 'dataset' }, size: 1024 } })
			.once()
			.reply(200, { id: 900, data: { state: 6 } })
			.get('/api/v2/timelineitem/900/').reply(200, { id: 900, state: 'FINISHED', output: 'done', data: { state: 2, related_objects: [{ id: 1234 }] } });
		const { items } = await run({ resource: 'task', operation: 'runAndWait', task: byId(13), inputs: inputs([['ds', '57'], ['size', '1024']]), target: byId(20), waitOptions: { pollInterval: 1 } });
		expect(items[0].json).toMatchObject({ outcome: 'finished', output: 'done', createdObjectIds: [1234], timelineItemId: 900 });
	});

	it('uses the documented runtask for object-only tasks without results', async () => {
		nock(BASE)
			.get('/api/v2/task/14/').reply(200, { id: 14, name: 'check', inputs: [{ key: 'ds', type: 3, required: true }], outputs: [] })
			.post('/api/v2/runtask/', { task: 14, inputs: [{ object_id: 12, object_type: 'dataset' }] }).reply(200, { timeline_item_id: 901 });
		const { items } = await run({ resource: 'task', operation: 'run', task: byId(14), inputs: inputs([['ds', '12']]), target: '' });
		expect(items[0].json).toEqual({ task: 14, timelineItemId: 901, started: true });
	});

	it('a failed task stops with its output, unless told to output it', async () => {
		const failing = () =>
			nock(BASE)
				.get('/api/v2/task/14/').reply(200, { id: 14, name: 'check', inputs: [], outputs: [] })
				.post('/api/v2/runtask/').reply(200, { timeline_item_id: 902 })
				.get('/api/v2/timelineitem/902/').reply(200, { id: 902, state: 'ERROR', output: 'Traceback: division by zero' });
		failing();
		await expect(run({ resource: 'task', operation: 'runAndWait', task: byId(14), inputs: {}, target: '', waitOptions: {} })).rejects.toThrow('Task "check" failed: Traceback: division by zero');
		failing();
		const { items } = await run({ resource: 'task', operation: 'runAndWait', task: byId(14), inputs: {}, target: '', waitOptions: { failOnError: false } });
		expect(items[0].json.outcome).toBe('failed');
	});
});

describe('Agora search and tags', () => {
	it('runs an AQL query and outputs one item per match', async () => {
		nock(BASE).post('/api/v2/search/query/', { query: 'exam.name ~ "brain"' }).reply(200, { count: 2, next: null, previous: null, results: [{ id: 1 }, { id: 2 }] });
		expect((await run({ resource: 'search', operation: 'query', query: 'exam.name ~ "brain"' })).items).toHaveLength(2);
	});

	it('tags a series as "serie", and untags by tag and object', async () => {
		nock(BASE)
			.get('/api/v2/tag-instance/').query(true).reply(200, [])
			.post('/api/v2/tag-instance/', { tag_definition: 3, tagged_object_content_type: 'serie', tagged_object_id: 76 }).reply(201, { id: 41 });
		expect((await run({ resource: 'tag', operation: 'tagObject', tag: '3', objectType: 'series', objectId: '76' })).items[0].json).toEqual({ id: 41, alreadyTagged: false });
		nock(BASE).get('/api/v2/tag-instance/').query(true).reply(200, [{ id: 41, tag_definition: 3, tagged_object_content_type: 'serie', tagged_object_id: 76 }]);
		expect((await run({ resource: 'tag', operation: 'tagObject', tag: '3', objectType: 'series', objectId: '76' })).items[0].json).toMatchObject({ id: 41, alreadyTagged: true });
		nock(BASE)
			.get('/api/v2/tag-instance/').query(true).reply(200, [{ id: 41, tag_definition: 3, tagged_object_content_type: 'serie', tagged_object_id: 76 }, { id: 42, tag_definition: 3, tagged_object_content_type: 'exam', tagged_object_id: 76 }])
			.delete('/api/v2/tag-instance/41/').reply(204);
		expect((await run({ resource: 'tag', operation: 'untagObject', tag: '3', objectType: 'series', objectId: '76' })).items[0].json).toMatchObject({ deleted: 1 });
		expect(nock.pendingMocks()).toEqual([]);
	});
});
