import { pollUntil } from '../../nodes/shared/wait';

describe('pollUntil', () => {
	it('returns the value once done', async () => {
		let n = 0;
		const value = await pollUntil({
			check: async () => ({ done: ++n === 3, value: n }),
			intervalMs: 50,
			timeoutMs: 5000,
			onTimeout: () => new Error('timeout'),
		});
		expect(value).toBe(3);
	});

	it('stops with the caller\'s error when time runs out', async () => {
		const seen: number[] = [];
		await expect(
			pollUntil({
				check: async () => ({ done: false, value: 'processing' }),
				intervalMs: 50,
				timeoutMs: 120,
				onTimeout: (last, waited) => new Error(`still ${last} after ${waited >= 120 ? 'timeout' : waited}`),
				onProgress: (_v, waited) => seen.push(waited),
			}),
		).rejects.toThrow('still processing after timeout');
		expect(seen.length).toBeGreaterThanOrEqual(2);
	});
});
