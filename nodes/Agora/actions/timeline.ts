/**
 * Timeline items (task runs, copies, imports, downloads) normalised across Agora's two shapes:
 * the documented `state` string and the connectors' `data.state` integer (Part C).
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { apiJson } from '../../shared/transport';
import type { RequestContext } from '../../shared/types';
import { pollUntil } from '../../shared/wait';
import { agora } from '../platform';

export type Outcome = 'running' | 'finished' | 'failed' | 'cancelled';

const BY_STRING: Record<string, Outcome> = { QUEUED: 'running', STARTED: 'running', CANCELING: 'running', FINISHED: 'finished', ERROR: 'failed', CANCELED: 'cancelled', CANCELLED: 'cancelled' };
const BY_NUMBER: Record<number, Outcome> = { 0: 'running', 1: 'running', 6: 'running', 4: 'running', 2: 'finished', 3: 'failed', 5: 'cancelled' };

export function outcomeOf(item: IDataObject): Outcome {
	const text = typeof item.state === 'string' ? BY_STRING[item.state.toUpperCase()] : undefined;
	if (text) return text;
	const data = (item.data ?? {}) as IDataObject;
	const code = typeof data.state === 'number' ? data.state : typeof item.state === 'number' ? item.state : undefined;
	return code !== undefined ? (BY_NUMBER[code] ?? 'running') : 'running';
}

export function failureText(item: IDataObject): string {
	const data = (item.data ?? {}) as IDataObject;
	const nested = (data.error ?? {}) as IDataObject;
	return String(item.error || nested.message || item.output || 'no reason given');
}

/** A timeline item as output: the server's fields plus a normalised `outcome`. */
export function describeTimelineItem(item: IDataObject): IDataObject {
	return { ...item, outcome: outcomeOf(item) };
}

export async function getTimelineItem(ctx: RequestContext, id: number, itemIndex?: number): Promise<IDataObject> {
	return await apiJson<IDataObject>(ctx, agora, { method: 'GET', path: `/api/v2/timelineitem/${id}/` }, itemIndex);
}

/** Polls a timeline item until it finishes, fails or is cancelled. */
export async function waitForTimelineItem(
	ctx: IExecuteFunctions,
	id: number,
	{ intervalMs, timeoutMs, itemIndex, what }: { intervalMs: number; timeoutMs: number; itemIndex: number; what: string },
): Promise<IDataObject> {
	return await pollUntil({
		intervalMs,
		timeoutMs,
		check: async () => {
			const item = await getTimelineItem(ctx, id, itemIndex);
			return { done: outcomeOf(item) !== 'running', value: item };
		},
		onTimeout: (last, waited) =>
			new NodeOperationError(ctx.getNode(), `${what} is still running after ${Math.round(waited / 1000)} s (timeline item ${id}, state ${String(last.state ?? (last.data as IDataObject | undefined)?.state)})`, {
				itemIndex,
				description: 'Raise the timeout, or follow the timeline item later with Timeline Item → Get. The work goes on in Agora.',
			}),
	});
}

/** The id of the object a copy created: the related object that is not the source. */
export function createdObjectId(item: IDataObject, sourceId: number): number | undefined {
	const related = (((item.data ?? {}) as IDataObject).related_objects ?? item.related_objects ?? []) as IDataObject[];
	const other = related.map((r) => Number(r.id ?? r.object_id)).find((id) => id !== sourceId);
	return other;
}
