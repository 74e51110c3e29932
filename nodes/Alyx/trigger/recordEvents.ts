/**
 * New Alyx records for the trigger: sessions, datasets and weighings.
 *
 * Each kind has a change-time field Alyx can filter on: datasets their `created_datetime`
 * (returned with the record), sessions and weighings their `auto_datetime` (filterable but
 * not returned; weighings cannot be edited, so theirs is the creation time; a session's moves
 * when it is edited). The cursor keeps the newest change time seen (`watermark`, in the server's
 * own naive clock) and the ids emitted recently. An idle poll is one request for the records
 * changed since shortly before the watermark, and finds only ids it has already emitted.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { serverNowSeconds } from '../../shared/polling';
import type { Cursor } from '../../shared/polling';
import { apiJson, apiRequest } from '../../shared/transport';
import { addDjango } from '../fields';
import { alyx, withId } from '../platform';
import { latestChange } from './latestChange';
import { formatNaive, parseNaive } from './naiveTime';

export type RecordKind = 'session' | 'dataset' | 'weighing';

interface KindSpec {
	path: string;
	/** Field the change-time lookup filters on. */
	changeField: string;
	/** The same time when the list returns it, so no search is needed. */
	returnedTime?: string;
	/** Filters each kind supports (Alyx answers others with a 500 or ignores them). */
	filters: Array<'subject' | 'lab' | 'project'>;
}

export const KINDS: Record<RecordKind, KindSpec> = {
	session: { path: '/sessions', changeField: 'auto_datetime', filters: ['subject', 'lab', 'project'] },
	dataset: { path: '/datasets', changeField: 'created_datetime', returnedTime: 'created_datetime', filters: ['subject', 'lab'] },
	weighing: { path: '/weighings', changeField: 'auto_datetime', filters: ['subject'] },
};

/** Changes stamped up to this long before the watermark are fetched again (late commits). */
const OVERLAP_MS = 10 * 60_000;
/** Ids remembered to drop records fetched again; older ones cannot reappear in the window. */
const RECENT_LIMIT = 5000;
const PAGE = 1000;
/** At most this many records are emitted by one poll. */
export const MAX_EVENTS_PER_POLL = 1000;

export interface AlyxCursorExtra extends IDataObject {
	/** Newest change time seen, naive server time in ms (treated as UTC for arithmetic). */
	changedUpTo: number;
	/** How many records the window (changedUpTo − overlap onwards) held at the last full look. */
	windowCount?: number;
	/** [id, changedUpTo when it was emitted]. */
	recent: Array<[string, number]>;
}

export interface RecordFilters {
	kind: RecordKind;
	subject?: string;
	lab?: string;
	project?: string;
	firstRunLookbackMinutes: number;
}

function filterQuery(filters: RecordFilters): IDataObject {
	const spec = KINDS[filters.kind];
	const qs: IDataObject = {};
	if (filters.subject && spec.filters.includes('subject')) qs.subject = filters.subject;
	if (filters.lab && spec.filters.includes('lab')) qs.lab = filters.lab;
	if (filters.project && spec.filters.includes('project')) qs.projects = filters.project;
	return qs;
}

async function countChangedSince(ctx: IPollFunctions, filters: RecordFilters, sinceMs: number): Promise<number> {
	const spec = KINDS[filters.kind];
	const qs = addDjango(filterQuery(filters), [`${spec.changeField}__gte,${formatNaive(sinceMs)}`]);
	const page = await apiJson<{ count: number }>(ctx, alyx, { method: 'GET', path: spec.path, qs: { ...qs, limit: 1 } });
	return page.count;
}

/** Records changed at or after `sinceMs`, all pages, capped. */
async function changedSince(ctx: IPollFunctions, filters: RecordFilters, sinceMs: number): Promise<IDataObject[]> {
	const spec = KINDS[filters.kind];
	const qs = addDjango(filterQuery(filters), [`${spec.changeField}__gte,${formatNaive(sinceMs)}`]);
	const records: IDataObject[] = [];
	for (let offset = 0; records.length < MAX_EVENTS_PER_POLL * 2; offset += PAGE) {
		const page = await apiJson<{ results: IDataObject[]; next: string | null }>(ctx, alyx, {
			method: 'GET',
			path: spec.path,
			qs: { ...qs, limit: PAGE, offset },
		});
		records.push(...page.results.map(withId));
		if (!page.next) break;
	}
	return records;
}

async function newestChange(ctx: IPollFunctions, filters: RecordFilters, records: IDataObject[], lowerBound?: number) {
	const spec = KINDS[filters.kind];
	if (spec.returnedTime) {
		const times = records.map((r) => parseNaive(String(r[spec.returnedTime!]))).filter((t) => !Number.isNaN(t));
		return times.length ? Math.max(lowerBound ?? 0, ...times) : lowerBound;
	}
	return await latestChange(ctx, spec.path, filterQuery(filters), spec.changeField, lowerBound);
}

const MAX_ZONE_OFFSET_MS = 14 * 3600_000;

async function serverNowMs(ctx: IPollFunctions, filters: RecordFilters): Promise<number> {
	const response = await apiRequest(ctx, alyx, { method: 'GET', path: KINDS[filters.kind].path, qs: { limit: 1 } });
	return serverNowSeconds(response.headers.date) * 1000;
}

export async function pollRecordEvents(
	ctx: IPollFunctions,
	filters: RecordFilters,
	fingerprint: string,
	stored: Cursor<AlyxCursorExtra> | undefined,
): Promise<{ events: IDataObject[]; cursor?: Cursor<AlyxCursorExtra> }> {
	if (!stored) {
		// First run: what changed in the look-back before the newest change is emitted, older
		// records are history. Emitting stores the cursor; if nothing is emitted, the next first
		// run looks at the same window again, so nothing created meanwhile is skipped.
		const newest = await newestChange(ctx, filters, []);
		if (newest === undefined) return { events: [], cursor: { fingerprint, watermark: { time: 0, recent: [] }, extra: { changedUpTo: Date.parse('2010-01-01T00:00:00Z'), recent: [] } } };
		const window = await changedSince(ctx, filters, newest - filters.firstRunLookbackMinutes * 60_000);
		// The server's clock may be hours off UTC (naive local time); a newest change older than
		// any time zone can explain is history, not something that just happened.
		const stale = (await serverNowMs(ctx, filters)) - newest > MAX_ZONE_OFFSET_MS + filters.firstRunLookbackMinutes * 60_000;
		const events = filters.firstRunLookbackMinutes > 0 && !stale ? window.slice(0, MAX_EVENTS_PER_POLL) : [];
		return {
			events,
			cursor: { fingerprint, watermark: { time: 0, recent: [] }, extra: { changedUpTo: newest, recent: window.map((r) => [String(r.id), newest]) } },
		};
	}
	const { changedUpTo, recent, windowCount } = stored.extra;
	// Idle check: one count of the window; it only grows when something new or edited arrives.
	if (windowCount !== undefined && (await countChangedSince(ctx, filters, changedUpTo - OVERLAP_MS)) === windowCount)
		return { events: [] };
	const known = new Set(recent.map(([id]) => id));
	const window = await changedSince(ctx, filters, changedUpTo - OVERLAP_MS);
	const fresh = window.filter((r) => !known.has(String(r.id))).slice(0, MAX_EVENTS_PER_POLL);
	if (fresh.length === 0) return { events: [], cursor: { ...stored, extra: { ...stored.extra, windowCount: window.length } } };
	const capped = fresh.length === MAX_EVENTS_PER_POLL;
	const newest = capped ? changedUpTo : ((await newestChange(ctx, filters, fresh, changedUpTo)) ?? changedUpTo);
	const remembered = [...recent, ...fresh.map((r): [string, number] => [String(r.id), newest])]
		.filter(([, seenAt]) => seenAt >= newest - 2 * OVERLAP_MS || capped)
		.slice(-RECENT_LIMIT);
	// The window start moved with the watermark, so the next poll counts it afresh.
	return { events: fresh, cursor: { ...stored, extra: { changedUpTo: newest, recent: remembered } } };
}

/** Manual "Fetch Test Event": the newest record; nothing is stored. */
export async function sampleRecord(ctx: IPollFunctions, filters: RecordFilters): Promise<IDataObject | undefined> {
	const spec = KINDS[filters.kind];
	const page = await apiJson<{ results: IDataObject[] }>(ctx, alyx, { method: 'GET', path: spec.path, qs: { ...filterQuery(filters), limit: 1 } });
	return page.results.map(withId)[0];
}
