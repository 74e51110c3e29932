/**
 * Finding batches that reached a watched terminal state since the last poll, cheaply.
 *
 * CC-Agency cannot list batches by the time they finished, only by registration time. Two
 * facts make it exact anyway: terminal states are final and documents are never deleted, so
 * the count of batches per terminal state only grows; and a batch that finishes later was
 * still unfinished at the last poll (or registered after it), so it is not older than the
 * oldest unfinished batch seen then (`lowWater`). An idle poll therefore asks only for one
 * count per watched state; when a count moved, it scans the watched state back to lowWater.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { firstRunWatermark, selectNewEvents, serverNowSeconds } from '../../shared/polling';
import type { Cursor, Watermark } from '../../shared/polling';
import { apiJson, apiRequest } from '../../shared/transport';
import { ccAgency } from '../platform';

/** On a first run, batches registered longer ago than this are not scanned. */
const FIRST_RUN_SCAN_SECONDS = 7 * 24 * 3600;
/** Batches emitted by one poll at most; the rest follow on the next poll. */
export const MAX_EVENTS_PER_POLL = 1000;
/** Tolerance for state times written slightly after they were stamped. */
const OVERLAP_SECONDS = 30;
const UNFINISHED = ['registered', 'scheduled', 'processing'];

export interface BatchCursorExtra extends IDataObject {
	counts: Record<string, number>;
	lowWater: number;
}

export interface TriggerFilters {
	states: string[];
	experimentId?: string;
	firstRunLookbackMinutes: number;
}

interface HistoryEntry {
	state?: string;
	time?: number;
}

/** When the batch entered `state` (its last history entry with that state). */
export function stateTime(batch: IDataObject, state: string): number {
	const history = (batch.history as HistoryEntry[] | undefined) ?? [];
	for (let i = history.length - 1; i >= 0; i--) {
		if (history[i].state === state && typeof history[i].time === 'number') return history[i].time as number;
	}
	return Number(batch.registrationTime ?? 0);
}

function scope(filters: TriggerFilters): IDataObject {
	return filters.experimentId ? { experimentId: filters.experimentId } : {};
}

async function countStates(ctx: IPollFunctions, filters: TriggerFilters) {
	const counts: Record<string, number> = {};
	let serverNow = Date.now() / 1000;
	for (const state of filters.states) {
		const response = await apiRequest<{ count: number }>(ctx, ccAgency, {
			method: 'GET',
			path: '/batches/count',
			qs: { state, ...scope(filters) },
		});
		counts[state] = Number(response.body.count);
		serverNow = serverNowSeconds(response.headers.date);
	}
	return { counts, serverNow };
}

async function firstBatch(ctx: IPollFunctions, qs: IDataObject): Promise<IDataObject | undefined> {
	return (await apiJson<IDataObject[]>(ctx, ccAgency, { method: 'GET', path: '/batches', qs: { ...qs, limit: 1 } }))[0];
}

/** Registration time below which no batch can still change state. */
async function nextLowWater(ctx: IPollFunctions, filters: TriggerFilters, serverNow: number): Promise<number> {
	let low = Number.POSITIVE_INFINITY;
	for (const state of UNFINISHED) {
		const oldest = await firstBatch(ctx, { state, ascending: 'true', ...scope(filters) });
		if (oldest) low = Math.min(low, Number(oldest.registrationTime));
	}
	if (low !== Number.POSITIVE_INFINITY) return low;
	const newest = await firstBatch(ctx, scope(filters));
	return newest ? Number(newest.registrationTime) : serverNow;
}

/** Batches in `state`, newest registration first, back to `since`. */
async function scanState(ctx: IPollFunctions, state: string, since: number, filters: TriggerFilters): Promise<IDataObject[]> {
	const found: IDataObject[] = [];
	const pageSize = ccAgency.pagination!.maxPageSize;
	for (let skip = 0; ; skip += pageSize) {
		const page = await apiJson<IDataObject[]>(ctx, ccAgency, {
			method: 'GET',
			path: '/batches',
			qs: { state, ...scope(filters), skip, limit: pageSize },
		});
		const kept = page.filter((b) => Number(b.registrationTime) >= since);
		found.push(...kept);
		// Pages are ordered newest first: once one reaches past `since`, every later one does too.
		if (page.length < pageSize || kept.length < page.length) return found;
	}
}

export interface PollResult {
	events: IDataObject[];
	cursor?: Cursor<BatchCursorExtra>;
}

/** One poll: the new events and the cursor to store (undefined: leave the stored one as is). */
export async function pollBatchEvents(
	ctx: IPollFunctions,
	filters: TriggerFilters,
	fingerprint: string,
	stored: Cursor<BatchCursorExtra> | undefined,
): Promise<PollResult> {
	const { counts, serverNow } = await countStates(ctx, filters);
	if (stored && filters.states.every((s) => stored.extra.counts[s] === counts[s])) return { events: [] };

	// Ask for the next low-water mark before scanning, so nothing finishing meanwhile is missed.
	const lowWater = await nextLowWater(ctx, filters, serverNow);
	const since = stored ? stored.extra.lowWater : serverNow - FIRST_RUN_SCAN_SECONDS;
	const candidates: Array<{ batch: IDataObject; state: string; time: number }> = [];
	for (const state of filters.states) {
		for (const batch of await scanState(ctx, state, since, filters)) {
			candidates.push({ batch, state, time: stateTime(batch, state) });
		}
	}
	const watermark: Watermark = stored?.watermark ?? firstRunWatermark(serverNow, filters.firstRunLookbackMinutes);
	const selected = selectNewEvents(
		candidates,
		{ id: (c) => String(c.batch._id), time: (c) => c.time },
		watermark,
		{ limit: MAX_EVENTS_PER_POLL, overlapSeconds: OVERLAP_SECONDS },
	);
	const capped = selected.events.length === MAX_EVENTS_PER_POLL;
	return {
		events: selected.events.map((c) => ({ ...c.batch, reachedState: c.state, reachedAt: c.time })),
		cursor: {
			fingerprint,
			watermark: selected.watermark,
			// A capped poll keeps the old counts and low-water mark, so the next poll scans again.
			extra: capped && stored ? stored.extra : { counts: capped ? {} : counts, lowWater: capped ? since : lowWater },
		},
	};
}

/** Manual "Fetch Test Event": the most recent batch in a watched state; no state is touched. */
export async function sampleBatchEvent(ctx: IPollFunctions, filters: TriggerFilters): Promise<IDataObject | undefined> {
	let best: IDataObject | undefined;
	for (const state of filters.states) {
		const batch = await firstBatch(ctx, { state, ...scope(filters) });
		if (batch && (!best || stateTime(batch, state) > Number(best.reachedAt)))
			best = { ...batch, reachedState: state, reachedAt: stateTime(batch, state) };
	}
	return best;
}
