/**
 * Trigger cursors shared by the three platforms' polling triggers.
 *
 * State lives in the node's static data (the only place n8n keeps it for pollers), written as
 * top-level assignments of fresh values so every n8n version notices the change. A stored
 * fingerprint of the trigger's filters makes an edited trigger start over. De-duplication uses a
 * watermark (the newest event time emitted) plus the ids emitted just before it, so records
 * sharing a timestamp across two polls are neither lost nor emitted twice.
 */
import type { IDataObject, INodeExecutionData, INodeProperties, IPollFunctions } from 'n8n-workflow';

export const BOUNDARY_LIMIT = 2000;

export interface Watermark {
	/** Newest event time emitted (any sortable number, e.g. epoch seconds). */
	time: number;
	/** [id, time] of the events emitted within the overlap window before `time`. */
	recent: Array<[string, number]>;
}

export interface Cursor<Extra extends IDataObject = IDataObject> {
	fingerprint: string;
	watermark: Watermark;
	extra: Extra;
}

/** A stable text for the trigger's filters: any change means a fresh start. */
export function fingerprintOf(value: unknown): string {
	const canonical = (v: unknown): unknown => {
		if (Array.isArray(v)) return v.map(canonical);
		if (v && typeof v === 'object')
			return Object.fromEntries(
				Object.keys(v as object)
					.sort()
					.map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
			);
		return v;
	};
	return JSON.stringify(canonical(value));
}

export function isManualPoll(ctx: IPollFunctions): boolean {
	return ctx.getMode() === 'manual';
}

/** The stored cursor, or undefined on a first run (none yet, or the filters changed). */
export function readCursor<Extra extends IDataObject>(ctx: IPollFunctions, fingerprint: string): Cursor<Extra> | undefined {
	const data = ctx.getWorkflowStaticData('node');
	const stored = data.cursor as Cursor<Extra> | undefined;
	if (!stored || stored.fingerprint !== fingerprint || !stored.watermark) return undefined;
	return stored;
}

export function writeCursor<Extra extends IDataObject>(ctx: IPollFunctions, cursor: Cursor<Extra>): void {
	const data = ctx.getWorkflowStaticData('node');
	data.cursor = JSON.parse(JSON.stringify(cursor)) as IDataObject;
}

/**
 * Keeps the events not emitted yet, oldest first, and the watermark after emitting them.
 * Events are taken from `overlapSeconds` before the watermark (for servers that write a time
 * slightly after they stamp it); ids already emitted in that window are dropped. `limit` caps
 * one poll: the watermark then stops at the last emitted event and the rest follow next time.
 */
export function selectNewEvents<T>(
	candidates: T[],
	key: { id(event: T): string; time(event: T): number },
	watermark: Watermark,
	{ limit = Number.POSITIVE_INFINITY, overlapSeconds = 0 }: { limit?: number; overlapSeconds?: number } = {},
): { events: T[]; watermark: Watermark } {
	const floor = watermark.time - overlapSeconds;
	const emitted = new Set(watermark.recent.map(([id]) => id));
	const fresh = candidates
		.filter((event) => {
			const id = key.id(event);
			if (emitted.has(id) || key.time(event) < floor) return false;
			emitted.add(id);
			return true;
		})
		.sort((a, b) => key.time(a) - key.time(b) || (key.id(a) < key.id(b) ? -1 : key.id(a) > key.id(b) ? 1 : 0))
		.slice(0, limit);
	if (fresh.length === 0) return { events: [], watermark };
	const newest = Math.max(watermark.time, key.time(fresh[fresh.length - 1]));
	const recent = [...watermark.recent, ...fresh.map((e): [string, number] => [key.id(e), key.time(e)])]
		.filter(([, time]) => time >= newest - overlapSeconds)
		.slice(-BOUNDARY_LIMIT);
	return { events: fresh, watermark: { time: newest, recent } };
}

/**
 * Where a first run starts: events newer than `lookbackMinutes` before the server's clock are
 * emitted, older ones are history. If that first poll finds nothing (and n8n does not keep the
 * state of a poll that emits nothing), the next first run covers the same window again, so no
 * event is skipped; and history is never replayed in bulk.
 */
export function firstRunWatermark(serverNowSeconds: number, lookbackMinutes: number): Watermark {
	return { time: serverNowSeconds - Math.max(0, lookbackMinutes) * 60, recent: [] };
}

/** Server clock from an HTTP Date header (seconds), falling back to the local clock. */
export function serverNowSeconds(dateHeader: unknown): number {
	const value = Array.isArray(dateHeader) ? dateHeader[0] : dateHeader;
	const parsed = typeof value === 'string' ? Date.parse(value) : NaN;
	return (Number.isNaN(parsed) ? Date.now() : parsed) / 1000;
}

/** The "On First Run" option every trigger offers, worded for its records. */
export function firstRunLookbackOption(what: string): INodeProperties {
	return {
		displayName: `On First Run, Include ${what} in the Last (Minutes)`,
		name: 'firstRunLookback',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 5,
		description: 'When the trigger starts watching, events this recent are emitted too; older ones are history and never emitted',
	};
}

/** One platform's poll: the events since the stored cursor, and the cursor to store. */
export interface TriggerSource<Extra extends IDataObject> {
	/** The filters that define what is watched; a change starts over. */
	filters: unknown;
	/** Manual "Fetch Test Event": the newest matching record, nothing stored. */
	sample(): Promise<IDataObject | undefined>;
	poll(fingerprint: string, stored: Cursor<Extra> | undefined): Promise<{ events: IDataObject[]; cursor?: Cursor<Extra> }>;
	toItem(event: IDataObject): INodeExecutionData;
}

/** The shared shape of every trigger's `poll()`: manual sample, or cursor → events → cursor. */
export async function runTriggerPoll<Extra extends IDataObject>(
	ctx: IPollFunctions,
	source: TriggerSource<Extra>,
): Promise<INodeExecutionData[][] | null> {
	if (isManualPoll(ctx)) {
		const sample = await source.sample();
		return sample ? [[source.toItem(sample)]] : null;
	}
	const fingerprint = fingerprintOf(source.filters);
	const { events, cursor } = await source.poll(fingerprint, readCursor<Extra>(ctx, fingerprint));
	if (cursor) writeCursor(ctx, cursor);
	return events.length > 0 ? [events.map((event) => source.toItem(event))] : null;
}
