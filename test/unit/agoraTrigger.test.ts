import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';
import { AgoraTrigger } from '../../nodes/Agora/AgoraTrigger.node';
import { pollContext } from './helpers/context';

const BASE = 'http://agora.test';
const credentials = { agoraApi: { baseUrl: BASE, authentication: 'apiKey', apiKey: 'k'.repeat(36), headerStyle: 'token', routeSet: 'documented', ignoreSslIssues: false, sessionToken: '' } };
const NOW = Date.parse('2026-11-22T12:00:00Z');

interface Item { id: number; type: string; state: string; project: number; modified_date: string }
const item = (id: number, state: string, minutesAgo = 0, type = 'task'): Item => ({ id, type, state, project: 1, modified_date: new Date(NOW - minutesAgo * 60_000).toISOString() });

/** A scripted /api/v2/timelineitem/ with the django-filter operators the trigger uses. */
function timeline(items: Item[]) {
	const requests: string[] = [];
	nock(BASE)
		.persist()
		.get('/api/v2/timelineitem/')
		.query(true)
		.reply(function (uri) {
			requests.push(uri);
			const q = new URL(uri, BASE).searchParams;
			let list = [...items];
			if (q.get('id__gt')) list = list.filter((i) => i.id > Number(q.get('id__gt')));
			if (q.get('id__in')) list = list.filter((i) => q.get('id__in')!.split(',').map(Number).includes(i.id));
			if (q.get('state__in')) list = list.filter((i) => q.get('state__in')!.split(',').includes(i.state));
			if (q.get('type__in')) list = list.filter((i) => q.get('type__in')!.split(',').includes(i.type));
			if (q.get('modified_date__gte')) list = list.filter((i) => i.modified_date >= q.get('modified_date__gte')!);
			list.sort((a, b) => (q.get('ordering') === '-id' ? b.id - a.id : a.id - b.id));
			const limit = Number(q.get('limit') ?? 1000);
			const offset = Number(q.get('offset') ?? 0);
			return [200, { count: list.length, next: offset + limit < list.length ? 'more' : null, previous: null, results: list.slice(offset, offset + limit) }, { Date: new Date(NOW).toUTCString() }];
		});
	return requests;
}

const parameters = { triggerOn: ['finished', 'failed'], types: ['task', 'import', 'download'], filters: {}, options: { firstRunLookback: 5 } };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Agora Trigger', () => {
	it('first run emits only recent finishes; a running item fires once when it finishes; idle polls are at most two requests', async () => {
		const items = [...Array.from({ length: 30 }, (_, i) => item(i + 1, 'FINISHED', 600 + i)), item(31, 'STARTED'), item(32, 'ERROR', 2)];
		const requests = timeline(items);
		const trigger = new AgoraTrigger();
		const { ctx } = pollContext({ parameters, credentials, staticData: {} });

		const first = await trigger.poll.call(ctx);
		expect(first?.[0].map((i) => [i.json.id, i.json.event])).toEqual([[32, 'timeline.failed']]);

		requests.length = 0;
		expect(await trigger.poll.call(ctx)).toBeNull();
		expect(requests.length).toBeLessThanOrEqual(2);

		items[30] = item(31, 'FINISHED');
		items.push(item(33, 'QUEUED'), item(34, 'FINISHED', 0, 'import'), item(35, 'CANCELED'));
		const next = await trigger.poll.call(ctx);
		expect(next?.[0].map((i) => i.json.id).sort()).toEqual([31, 34]);

		items[32] = item(33, 'FINISHED');
		expect((await trigger.poll.call(ctx))?.[0].map((i) => i.json.id)).toEqual([33]);
		requests.length = 0;
		expect(await trigger.poll.call(ctx)).toBeNull();
		expect(requests).toHaveLength(1);
	});

	it('watches only the chosen item types', async () => {
		const items = [item(1, 'FINISHED', 1, 'download'), item(2, 'FINISHED', 1, 'task')];
		timeline(items);
		const { ctx } = pollContext({ parameters: { ...parameters, types: ['download'] }, credentials, staticData: {} });
		expect((await new AgoraTrigger().poll.call(ctx))?.[0].map((i) => i.json.id)).toEqual([1]);
	});

	it('manual mode shows the newest item in a watched state and stores nothing', async () => {
		timeline([item(1, 'FINISHED', 100), item(2, 'STARTED'), item(3, 'ERROR', 50)]);
		const staticData: IDataObject = {};
		const { ctx } = pollContext({ parameters, credentials, staticData, mode: 'manual' });
		expect((await new AgoraTrigger().poll.call(ctx))?.[0][0].json.id).toBe(3);
		expect(staticData).toEqual({});
	});
});
