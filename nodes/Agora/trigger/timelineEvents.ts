/**
 * Timeline items reaching a watched state, exactly once, without trusting any clock.
 *
 * Timeline item ids only grow. The cursor keeps the highest id seen and the ids of the items
 * that were still running. A poll asks for (1) items above that id and (2) the current state of
 * the running ones: at most two small requests when nothing happens, however long the
 * timeline is. An item is emitted when it is seen in a watched terminal state for the first
 * time; after that it is neither above the highest id nor in the running set.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import type { Cursor } from '../../shared/polling';
import { serverNowSeconds } from '../../shared/polling';
import { apiRequest } from '../../shared/transport';
import { outcomeOf } from '../actions/timeline';
import type { Outcome } from '../actions/timeline';
import { listAll } from '../lists';
import { agora } from '../platform';

const RUNNING_STATES = 'QUEUED,STARTED,CANCELING';
/** Running items tracked at most; beyond that the oldest are dropped (documented). */
const PENDING_LIMIT = 5000;

export interface TimelineFilters {
	outcomes: Outcome[];
	types: string[];
	project?: number;
	task?: number;
	firstRunLookbackMinutes: number;
}

export interface TimelineCursorExtra extends IDataObject {
	maxId: number;
	pending: number[];
}

function filterQuery(filters: TimelineFilters): IDataObject {
	const qs: IDataObject = {};
	if (filters.types.length) qs.type__in = filters.types.join(',');
	if (filters.project) qs.project = filters.project;
	if (filters.task) qs.task_definition = filters.task;
	return qs;
}

const TERMINAL_STATE_NAMES: Record<string, string> = { finished: 'FINISHED', failed: 'ERROR', cancelled: 'CANCELED' };

export async function pollTimeline(
	ctx: IPollFunctions,
	filters: TimelineFilters,
	fingerprint: string,
	stored: Cursor<TimelineCursorExtra> | undefined,
): Promise<{ events: IDataObject[]; cursor?: Cursor<TimelineCursorExtra> }> {
	const qs = filterQuery(filters);
	const watched = (item: IDataObject) => filters.outcomes.includes(outcomeOf(item));

	if (!stored) {
		// First run: remember where the timeline ends and what is still running; emit what
		// reached a watched state within the look-back (so a restart before the first event
		// skips nothing), never older history.
		const newest = await apiRequest<unknown>(ctx, agora, { method: 'GET', path: '/api/v2/timelineitem/', qs: { ...qs, ordering: '-id', limit: 1 } });
		const body = newest.body as IDataObject | IDataObject[];
		const top = (Array.isArray(body) ? body : ((body.results ?? []) as IDataObject[]))[0];
		const running = await listAll(ctx, '/api/v2/timelineitem/', { ...qs, state__in: RUNNING_STATES });
		const since = new Date((serverNowSeconds(newest.headers.date) - filters.firstRunLookbackMinutes * 60) * 1000).toISOString();
		const recent =
			filters.firstRunLookbackMinutes > 0
				? await listAll(ctx, '/api/v2/timelineitem/', {
						...qs,
						state__in: filters.outcomes.map((o) => TERMINAL_STATE_NAMES[o]).join(','),
						modified_date__gte: since,
						ordering: 'id',
					})
				: [];
		return {
			events: recent.filter(watched),
			cursor: { fingerprint, watermark: { time: 0, recent: [] }, extra: { maxId: Number(top?.id ?? 0), pending: running.map((i) => Number(i.id)).slice(-PENDING_LIMIT) } },
		};
	}

	const { maxId, pending } = stored.extra;
	const fresh = await listAll(ctx, '/api/v2/timelineitem/', { ...qs, id__gt: maxId, ordering: 'id' });
	const rechecked = pending.length ? await listAll(ctx, '/api/v2/timelineitem/', { id__in: pending.join(',') }) : [];
	const stillPending = new Set<number>();
	const events: IDataObject[] = [];
	for (const item of [...rechecked, ...fresh]) {
		const outcome = outcomeOf(item);
		if (outcome === 'running') stillPending.add(Number(item.id));
		else if (watched(item)) events.push(item);
	}
	// An id that vanished from the running re-check (deleted) is simply forgotten.
	const nextMax = fresh.reduce((max, item) => Math.max(max, Number(item.id)), maxId);
	const nextPending = [...stillPending].sort((a, b) => a - b).slice(-PENDING_LIMIT);
	const changed = nextMax !== maxId || nextPending.length !== pending.length || nextPending.some((id, i) => id !== pending[i]);
	return { events, cursor: changed ? { ...stored, extra: { maxId: nextMax, pending: nextPending } } : undefined };
}

export async function sampleTimelineEvent(ctx: IPollFunctions, filters: TimelineFilters): Promise<IDataObject | undefined> {
	const response = await apiRequest<unknown>(ctx, agora, {
		method: 'GET',
		path: '/api/v2/timelineitem/',
		qs: { ...filterQuery(filters), state__in: filters.outcomes.map((o) => TERMINAL_STATE_NAMES[o]).join(','), ordering: '-id', limit: 1 },
	});
	const body = response.body as IDataObject | IDataObject[];
	return (Array.isArray(body) ? body : ((body.results ?? []) as IDataObject[]))[0];
}
