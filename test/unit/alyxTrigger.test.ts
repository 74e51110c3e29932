import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';
import { AlyxTrigger } from '../../nodes/Alyx/AlyxTrigger.node';
import { pollContext } from './helpers/context';

const BASE = 'http://alyx.test';
const credentials = { alyxApi: { baseUrl: BASE, username: 'alice', password: 'pw', ignoreSslIssues: false, token: 't'.repeat(40) } };
// The server's naive clock runs one hour ahead of UTC (like Europe/London in summer).
const SERVER_NOW = Date.parse('2026-07-01T12:00:00Z');
const naive = (ms: number) => new Date(ms + 3600_000).toISOString().slice(0, 19);
const DATE_HEADER = new Date(SERVER_NOW).toUTCString();

interface Row { id: string; subject: string; changed: number }

/** A scripted Alyx /sessions: filters by django auto_datetime__gte, hides auto_datetime. */
function alyxServer(rows: Row[]) {
	const requests: string[] = [];
	nock(BASE)
		.persist()
		.get('/sessions')
		.query(true)
		.reply(function (uri) {
			requests.push(uri);
			const q = new URL(uri, BASE).searchParams;
			let list = rows.filter((r) => !q.get('subject') || r.subject === q.get('subject'));
			const django = q.get('django');
			if (django) {
				const [lookup, value] = django.split(',');
				expect(lookup).toBe('auto_datetime__gte');
				list = list.filter((r) => naive(r.changed) >= value);
			}
			const limit = Number(q.get('limit') ?? 250);
			const offset = Number(q.get('offset') ?? 0);
			const results = list.slice(offset, offset + limit).map((r) => ({ id: r.id, subject: r.subject, url: `${BASE}/sessions/${r.id}` }));
			return [200, { count: list.length, next: offset + limit < list.length ? 'more' : null, previous: null, results }, { Date: DATE_HEADER }];
		});
	return requests;
}

const parameters = { event: 'session', filters: {}, options: { firstRunLookback: 5 } };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Alyx Trigger', () => {
	it('first run emits only the last minutes; then each new session once; an idle poll is one request', async () => {
		const rows: Row[] = [
			...Array.from({ length: 50 }, (_, i) => ({ id: `old-${i}`, subject: 'A', changed: SERVER_NOW - (100 + i) * 86400_000 })),
			{ id: 'recent', subject: 'A', changed: SERVER_NOW - 2 * 60_000 },
		];
		const requests = alyxServer(rows);
		const staticData: IDataObject = {};
		const trigger = new AlyxTrigger();
		const { ctx } = pollContext({ parameters, credentials, staticData });

		const first = await trigger.poll.call(ctx);
		expect(first?.[0].map((i) => i.json.id)).toEqual(['recent']);

		requests.length = 0;
		expect(await trigger.poll.call(ctx)).toBeNull();
		expect(requests).toHaveLength(1);

		rows.push({ id: 'new-1', subject: 'A', changed: SERVER_NOW + 60_000 }, { id: 'new-2', subject: 'B', changed: SERVER_NOW + 90_000 });
		const next = await trigger.poll.call(ctx);
		expect(next?.[0].map((i) => i.json.id).sort()).toEqual(['new-1', 'new-2']);
		expect(next?.[0][0].json.event).toBe('session.created');
		requests.length = 0;
		expect(await trigger.poll.call(ctx)).toBeNull();
		expect(requests).toHaveLength(1);

		// Much later: the watermark moved, so old records do not come back.
		rows.push({ id: 'later', subject: 'A', changed: SERVER_NOW + 5 * 3600_000 });
		expect((await trigger.poll.call(ctx))?.[0].map((i) => i.json.id)).toEqual(['later']);
		expect(await trigger.poll.call(ctx)).toBeNull();
	});

	it('a quiet database is history: a first run long after the last change emits nothing', async () => {
		alyxServer([{ id: 'x', subject: 'A', changed: SERVER_NOW - 3 * 86400_000 }]);
		const { ctx } = pollContext({ parameters, credentials, staticData: {} });
		expect(await new AlyxTrigger().poll.call(ctx)).toBeNull();
	});

	it('manual mode shows the newest session and stores nothing', async () => {
		alyxServer([{ id: 's1', subject: 'A', changed: SERVER_NOW }]);
		const staticData: IDataObject = {};
		const { ctx } = pollContext({ parameters, credentials, staticData, mode: 'manual' });
		const sample = await new AlyxTrigger().poll.call(ctx);
		expect(sample?.[0][0].json).toMatchObject({ id: 's1', event: 'session.created' });
		expect(staticData).toEqual({});
	});

	it('passes the subject filter to every request', async () => {
		const requests = alyxServer([{ id: 'a', subject: 'A', changed: SERVER_NOW - 60_000 }, { id: 'b', subject: 'B', changed: SERVER_NOW - 60_000 }]);
		const { ctx } = pollContext({ parameters: { ...parameters, filters: { subject: 'B' } }, credentials, staticData: {} });
		const first = await new AlyxTrigger().poll.call(ctx);
		expect(first?.[0].map((i) => i.json.id)).toEqual(['b']);
		expect(requests.filter((r) => r.includes('django')).every((r) => r.includes('subject=B'))).toBe(true);
	});
});
