import type { IDataObject } from 'n8n-workflow';
import { fingerprintOf, firstRunWatermark, readCursor, selectNewEvents, writeCursor } from '../../nodes/shared/polling';
import type { Watermark } from '../../nodes/shared/polling';
import { pollContext } from './helpers/context';

type Event = { id: string; time: number };
const key = { id: (e: Event) => e.id, time: (e: Event) => e.time };

describe('selectNewEvents', () => {
	it('emits events oldest first and moves the watermark to the newest', () => {
		const { events, watermark } = selectNewEvents(
			[{ id: 'b', time: 20 }, { id: 'a', time: 10 }, { id: 'c', time: 20 }],
			key,
			{ time: 0, recent: [] },
		);
		expect(events.map((e) => e.id)).toEqual(['a', 'b', 'c']);
		expect(watermark).toEqual({ time: 20, recent: [['b', 20], ['c', 20]] });
	});

	it('never emits an event twice when it shares the watermark time', () => {
		const first = selectNewEvents([{ id: 'a', time: 20 }], key, { time: 0, recent: [] });
		const second = selectNewEvents([{ id: 'a', time: 20 }, { id: 'b', time: 20 }], key, first.watermark);
		expect(second.events.map((e) => e.id)).toEqual(['b']);
		const third = selectNewEvents([{ id: 'a', time: 20 }, { id: 'b', time: 20 }], key, second.watermark);
		expect(third.events).toEqual([]);
		expect(third.watermark).toBe(second.watermark);
	});

	it('with an overlap, picks up an event stamped slightly before the watermark, once', () => {
		const start: Watermark = { time: 100, recent: [['x', 100]] };
		const late = selectNewEvents([{ id: 'x', time: 100 }, { id: 'late', time: 95 }], key, start, { overlapSeconds: 10 });
		expect(late.events.map((e) => e.id)).toEqual(['late']);
		const again = selectNewEvents([{ id: 'late', time: 95 }], key, late.watermark, { overlapSeconds: 10 });
		expect(again.events).toEqual([]);
	});

	it('a capped poll stops the watermark at the last emitted event', () => {
		const candidates = Array.from({ length: 5 }, (_, i) => ({ id: `e${i}`, time: i + 1 }));
		const first = selectNewEvents(candidates, key, { time: 0, recent: [] }, { limit: 2 });
		expect(first.events.map((e) => e.id)).toEqual(['e0', 'e1']);
		const second = selectNewEvents(candidates, key, first.watermark, { limit: 2 });
		expect(second.events.map((e) => e.id)).toEqual(['e2', 'e3']);
	});

	it('a first run emits only what happened within the look-back window', () => {
		const watermark = firstRunWatermark(10_000, 5);
		const { events } = selectNewEvents([{ id: 'old', time: 9_000 }, { id: 'recent', time: 9_800 }], key, watermark);
		expect(events.map((e) => e.id)).toEqual(['recent']);
	});
});

describe('cursor storage', () => {
	it('starts over when the trigger filters change', () => {
		const staticData: IDataObject = {};
		const { ctx } = pollContext({ parameters: {}, credentials: {}, staticData });
		const fingerprint = fingerprintOf({ states: ['failed'], experimentId: undefined });
		writeCursor(ctx, { fingerprint, watermark: { time: 5, recent: [] }, extra: { n: 1 } });
		expect(readCursor(ctx, fingerprint)?.watermark.time).toBe(5);
		expect(readCursor(ctx, fingerprintOf({ states: ['succeeded'] }))).toBeUndefined();
	});

	it('fingerprints ignore key order', () => {
		expect(fingerprintOf({ a: 1, b: [1, 2] })).toBe(fingerprintOf({ b: [1, 2], a: 1 }));
	});
});
