import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';
import { CcAgencyTrigger } from '../../nodes/CcAgency/CcAgencyTrigger.node';
import { pollContext } from './helpers/context';

const BASE = 'http://agency.test';
const credentials = { ccAgencyApi: { baseUrl: BASE, username: 'alice', password: 'alice-password', authentication: 'basic', accessToken: '', refreshToken: '' } };
const NOW = 1795300600; // server clock (Date header)
const DATE = new Date(NOW * 1000).toUTCString();

function batch(id: string, state: string, finishedAt: number, registeredAt = finishedAt - 5): IDataObject {
	return {
		_id: id,
		experimentId: 'e'.repeat(24),
		batchesListIndex: 0,
		state,
		node: 'node_a',
		registrationTime: registeredAt,
		username: 'alice',
		history: [{ state: 'registered', time: registeredAt }, { state, time: finishedAt }],
	};
}

/** A scripted agency: counts and lists derived from one list of batches. */
function agency(batches: IDataObject[]) {
	const requests: string[] = [];
	const scope = nock(BASE)
		.persist()
		.get('/batches/count')
		.query(true)
		.reply(function (uri) {
			requests.push(uri);
			const state = new URL(uri, BASE).searchParams.get('state');
			return [200, { count: batches.filter((b) => b.state === state).length }, { Date: DATE }];
		})
		.get('/batches')
		.query(true)
		.reply(function (uri) {
			requests.push(uri);
			const q = new URL(uri, BASE).searchParams;
			let list = batches.filter((b) => !q.get('state') || b.state === q.get('state'));
			list = list.sort((a, b) => Number(b.registrationTime) - Number(a.registrationTime));
			if (q.get('ascending') === 'true') list.reverse();
			const skip = Number(q.get('skip') ?? 0);
			const limit = q.get('limit') ? Number(q.get('limit')) : list.length;
			return [200, list.slice(skip, skip + limit), { Date: DATE }];
		});
	return { requests, scope };
}

const parameters = { triggerOn: ['succeeded', 'failed'], experimentId: '', options: { firstRunLookback: 5 } };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('CC-Agency Trigger', () => {
	it('first run emits only recent transitions; an idle poll costs one count per state; each batch fires once', async () => {
		const batches = [
			batch('a'.repeat(24), 'succeeded', NOW - 3600), // history
			batch('b'.repeat(24), 'failed', NOW - 60), // within the 5-minute look-back
			batch('c'.repeat(24), 'processing', NOW - 10),
		];
		const server = agency(batches);
		const staticData: IDataObject = {};
		const trigger = new CcAgencyTrigger();

		const { ctx } = pollContext({ parameters, credentials, staticData });
		const first = await trigger.poll.call(ctx);
		expect(first?.[0].map((i) => i.json.batchId)).toEqual(['b'.repeat(24)]);
		expect(first?.[0][0].json).toMatchObject({ event: 'batch.failed', state: 'failed' });

		server.requests.length = 0;
		expect(await trigger.poll.call(ctx)).toBeNull();
		expect(server.requests).toHaveLength(2);
		expect(server.requests.every((r) => r.startsWith('/batches/count'))).toBe(true);

		// The processing batch finishes: it fires once, however often we poll afterwards.
		batches[2] = batch('c'.repeat(24), 'succeeded', NOW + 20, NOW - 10);
		const next = await trigger.poll.call(ctx);
		expect(next?.[0].map((i) => i.json.batchId)).toEqual(['c'.repeat(24)]);
		expect(await trigger.poll.call(ctx)).toBeNull();
		expect(await trigger.poll.call(ctx)).toBeNull();
	});

	it('does not lose a batch that finishes long after it was registered', async () => {
		const batches = [batch('d'.repeat(24), 'registered', NOW - 9000, NOW - 9000), batch('x'.repeat(24), 'succeeded', NOW - 7000)];
		agency(batches);
		const staticData: IDataObject = {};
		const { ctx } = pollContext({ parameters, credentials, staticData });
		const trigger = new CcAgencyTrigger();
		expect(await trigger.poll.call(ctx)).toBeNull();
		for (let i = 0; i < 20; i++) batches.push(batch(`${String(i).padStart(2, '0')}${'f'.repeat(22)}`, 'succeeded', NOW - 5000 + i, NOW - 5000 + i));
		await trigger.poll.call(ctx);
		batches[0] = batch('d'.repeat(24), 'failed', NOW + 50, NOW - 9000);
		const late = await trigger.poll.call(ctx);
		expect(late?.[0].map((i) => i.json.batchId)).toEqual(['d'.repeat(24)]);
	});

	it('manual mode shows the newest matching batch and leaves the cursor alone', async () => {
		agency([batch('a'.repeat(24), 'succeeded', NOW - 3600), batch('b'.repeat(24), 'failed', NOW - 60)]);
		const staticData: IDataObject = {};
		const { ctx } = pollContext({ parameters, credentials, staticData, mode: 'manual' });
		const sample = await new CcAgencyTrigger().poll.call(ctx);
		expect(sample?.[0]).toHaveLength(1);
		expect(sample?.[0][0].json.batchId).toBe('b'.repeat(24));
		expect(staticData).toEqual({});
	});

	it('changing the watched states starts over', async () => {
		const batches = [batch('a'.repeat(24), 'cancelled', NOW - 30)];
		agency(batches);
		const staticData: IDataObject = {};
		const trigger = new CcAgencyTrigger();
		const first = pollContext({ parameters, credentials, staticData });
		expect(await trigger.poll.call(first.ctx)).toBeNull();
		const edited = pollContext({ parameters: { ...parameters, triggerOn: ['cancelled'] }, credentials, staticData });
		const events = await trigger.poll.call(edited.ctx);
		expect(events?.[0][0].json).toMatchObject({ event: 'batch.cancelled' });
	});

	it('rejects a malformed experiment filter with a clear error', async () => {
		const { ctx } = pollContext({ parameters: { ...parameters, experimentId: 'abc' }, credentials });
		await expect(new CcAgencyTrigger().poll.call(ctx)).rejects.toThrow('Experiment ID: "abc" is not an experiment ID');
	});
});
