import type { IDataObject } from 'n8n-workflow';
import { fetchList, limitOffsetPagination, skipLimitPagination } from '../../nodes/shared/pagination';

/** A server holding `total` records, answering skip/limit with bare arrays; records calls. */
function bareArrayServer(total: number) {
	const calls: IDataObject[] = [];
	const fetch = async (query: IDataObject) => {
		calls.push(query);
		const skip = Number(query.skip);
		const limit = Number(query.limit);
		return Array.from({ length: Math.max(0, Math.min(limit, total - skip)) }, (_, i) => ({ n: skip + i }));
	};
	return { calls, fetch };
}

describe('skip/limit pagination (bare arrays)', () => {
	const style = skipLimitPagination(10);

	it.each([0, 1, 9, 10, 18, 27, 45])('Return All over %i records fetches each exactly once, without an empty extra page', async (total) => {
		const server = bareArrayServer(total);
		const records = await fetchList(server.fetch, style, { returnAll: true, limit: 0 });
		expect(records.map((r) => r.n)).toEqual(Array.from({ length: total }, (_, i) => i));
		// 9 records are kept per page plus one look-ahead, so ceil(total / 9) requests, at least 1.
		expect(server.calls.length).toBe(Math.max(1, Math.ceil(total / 9)));
	});

	it.each([
		[1, 100],
		[5, 100],
		[10, 100],
		[25, 100],
		[30, 12],
	])('Limit %i returns exactly that many (or all %i there are)', async (limit, total) => {
		const server = bareArrayServer(total);
		const records = await fetchList(server.fetch, style, { returnAll: false, limit });
		expect(records).toHaveLength(Math.min(limit, total));
		expect(Math.max(...server.calls.map((c) => Number(c.limit)))).toBeLessThanOrEqual(10);
	});

	it('asks for exactly Limit when it fits one page', async () => {
		const server = bareArrayServer(100);
		await fetchList(server.fetch, style, { returnAll: false, limit: 7 });
		expect(server.calls).toEqual([{ skip: 0, limit: 7 }]);
	});
});

describe('limit/offset pagination (DRF envelope)', () => {
	const style = limitOffsetPagination(1000);
	function envelopeServer(total: number) {
		const calls: IDataObject[] = [];
		return {
			calls,
			fetch: async (query: IDataObject) => {
				calls.push(query);
				const offset = Number(query.offset);
				const limit = Number(query.limit);
				const results = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => ({ n: offset + i }));
				return { count: total, next: offset + limit < total ? 'next-url' : null, previous: null, results };
			},
		};
	}

	it('stops on the page whose next is null (2000 records: 2 requests)', async () => {
		const server = envelopeServer(2000);
		const records = await fetchList(server.fetch, style, { returnAll: true, limit: 0 });
		expect(records).toHaveLength(2000);
		expect(server.calls).toEqual([
			{ offset: 0, limit: 1000 },
			{ offset: 1000, limit: 1000 },
		]);
	});

	it('Limit 1500 takes a full page and then exactly 500', async () => {
		const server = envelopeServer(5000);
		const records = await fetchList(server.fetch, style, { returnAll: false, limit: 1500 });
		expect(records).toHaveLength(1500);
		expect(server.calls).toEqual([
			{ offset: 0, limit: 1000 },
			{ offset: 1000, limit: 500 },
		]);
	});
});

describe('a server that caps pages below the limit asked for', () => {
	it('keeps following while the server says more pages follow', async () => {
		const calls: IDataObject[] = [];
		const fetch = async (query: IDataObject) => {
			calls.push(query);
			const offset = Number(query.offset);
			const results = Array.from({ length: Math.max(0, Math.min(10, 25 - offset)) }, (_, i) => ({ n: offset + i }));
			return { count: 25, next: offset + 10 < 25 ? 'next' : null, previous: null, results };
		};
		const records = await fetchList(fetch, limitOffsetPagination(1000), { returnAll: true, limit: 0 });
		expect(records).toHaveLength(25);
		expect(calls.map((c) => c.offset)).toEqual([0, 10, 20]);
	});
});
