/**
 * Batch helpers shared by the operations and the trigger: listing an experiment's batches,
 * waiting until they are terminal, summarising them, reading stdout/stderr.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { storeStream } from '../shared/binaryFiles';
import type { Readable } from '../shared/binaryFiles';
import { fetchAll } from '../shared/lists';
import { apiJson, apiRequest } from '../shared/transport';
import type { RequestContext } from '../shared/types';
import { pollUntil } from '../shared/wait';
import { TERMINAL_STATES, ccAgency } from './platform';

export interface WaitSettings {
	pollInterval?: number;
	timeout?: number;
	includeStdout?: boolean;
	includeStderr?: boolean;
	failOnUnsuccessful?: boolean;
}

interface HistoryEntry {
	state?: string;
	time?: number;
	node?: string | null;
	debugInfo?: string | null;
}

export function isTerminal(batch: IDataObject): boolean {
	return TERMINAL_STATES.includes(String(batch.state));
}

export async function listExperimentBatches(ctx: RequestContext, experimentId: string, itemIndex?: number): Promise<IDataObject[]> {
	const batches = await fetchAll(ctx, ccAgency, '/batches', { experimentId, ascending: 'true' }, itemIndex);
	// The RED's batches[] order is batchesListIndex, not the list order.
	return batches.sort((a, b) => Number(a.batchesListIndex) - Number(b.batchesListIndex));
}

/** A flat, readable view of a batch document for output items. */
export function summariseBatch(batch: IDataObject): IDataObject {
	const history = (batch.history as HistoryEntry[] | undefined) ?? [];
	const last = history[history.length - 1];
	const failed = batch.state === 'failed';
	return {
		batchId: batch._id,
		experimentId: batch.experimentId,
		batchesListIndex: batch.batchesListIndex,
		state: batch.state,
		attempts: batch.attempts ?? null,
		node: batch.node ?? null,
		registeredAt: typeof batch.registrationTime === 'number' ? new Date(batch.registrationTime * 1000).toISOString() : null,
		stateSince: typeof last?.time === 'number' ? new Date(last.time * 1000).toISOString() : null,
		failureReason: failed ? (last?.debugInfo ?? null) : null,
		username: batch.username ?? null,
	};
}

export type StreamName = 'stdout' | 'stderr';

/** The agency's 404 for a stream it did not store (as opposed to an unknown batch). */
const streamNotStored = (stream: StreamName) => (status: number, text: string) => status === 404 && text.includes(`"${stream}" of batch`);

/** stdout/stderr of a batch; a stream the agency did not store is "not available", not an error. */
export async function readBatchStream(
	ctx: RequestContext,
	batchId: string,
	stream: StreamName,
	itemIndex?: number,
): Promise<{ available: boolean; text: string | null; reason?: string }> {
	const response = await apiRequest<string>(
		ctx,
		ccAgency,
		{
			method: 'GET',
			path: `/batches/${encodeURIComponent(batchId)}/${stream}`,
			encoding: 'text',
			acceptError: streamNotStored(stream),
		},
		itemIndex,
	);
	if (response.statusCode === 404) {
		return {
			available: false,
			text: null,
			reason: `CC-Agency has no ${stream} for this batch: it is still running, was cancelled, failed before the command ran, or succeeded without naming ${stream} in the RED (cli.${stream}).`,
		};
	}
	const body = response.body as unknown;
	return { available: true, text: Buffer.isBuffer(body) ? body.toString('utf8') : String(body ?? '') };
}

/** MIME type of a stream file: JSON reports as application/json, everything else as text. */
export function streamMimeType(fileName: string): string {
	return /\.json$/i.test(fileName) ? 'application/json' : 'text/plain';
}

/** The file name of a stream: the RED's cli.stdout / cli.stderr (last path part), else <batchId>.<stream>.txt. */
export function streamFileName(experiment: IDataObject | undefined, batchId: string, stream: StreamName): string {
	const named = (experiment?.cli as IDataObject | undefined)?.[stream];
	const base = typeof named === 'string' ? (named.split('/').pop() ?? '').trim() : '';
	return base || `${batchId}.${stream}.txt`;
}

/** Why the agency has no stream for a batch, from its state (reference §9), and what to do. */
function missingStreamError(ctx: IExecuteFunctions, batch: IDataObject, batchId: string, stream: StreamName, itemIndex: number): NodeOperationError {
	const state = String(batch.state ?? 'unknown');
	const history = (batch.history as HistoryEntry[] | undefined) ?? [];
	const reason = String(history[history.length - 1]?.debugInfo ?? '')
		.split('\n')
		.map((line) => line.trim())
		.filter(Boolean)
		.slice(0, 4)
		.join(' ');
	let why: string;
	let fix: string;
	if (state === 'registered' || state === 'scheduled' || state === 'processing') {
		why = `it is still ${state}; the agency stores ${stream} only when the container exits`;
		fix = 'Wait until the batch has finished (Batch → Wait for Completion, or Experiment → Submit with Wait for Completion) and run this node again.';
	} else if (state === 'cancelled') {
		why = 'it was cancelled, and the agency keeps no output of cancelled batches';
		fix = 'Submit the experiment again if you need its output.';
	} else if (state === 'failed') {
		why = `the batch failed before its process ran (for example the command was not found or the image could not be pulled), so nothing was written${reason ? `. Failure reason: ${reason}` : ''}`;
		fix = 'Look at the failure reason (Batch → Get or Wait for Completion), fix the RED document (command, image, inputs) and submit it again.';
	} else if (state === 'succeeded') {
		why = `the batch succeeded, but its RED does not name cli.${stream}, and the agency keeps the ${stream} of a successful batch only when the RED names it`;
		fix = `Add "${stream}: <file name>" (e.g. ${stream === 'stdout' ? 'qc_report.json' : 'log.txt'}) to the cli section of the RED document, and to keep it as a result an output of type ${stream}, then submit the experiment again.`;
	} else {
		why = `the batch is ${state}`;
		fix = 'Check the batch with Batch → Get.';
	}
	return new NodeOperationError(ctx.getNode(), `CC-Agency stored no ${stream} for batch ${batchId}: ${why}`, { itemIndex, description: fix });
}

export interface StreamFileOptions {
	/** Binary field to put the file in. */
	field: string;
	/** File name; empty = the RED's cli.stdout / cli.stderr, else <batchId>.<stream>.txt. */
	fileName?: string;
}

/**
 * stdout/stderr of a batch as an n8n file, streamed into binary storage. Unlike the text form,
 * a stream the agency did not store is an error here (a file was asked for), explained by the
 * batch's state.
 */
export async function readBatchStreamAsFile(
	ctx: IExecuteFunctions,
	batchId: string,
	stream: StreamName,
	options: StreamFileOptions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	let batch: IDataObject | undefined;
	const getBatch = async () =>
		(batch ??= await apiJson<IDataObject>(ctx, ccAgency, { method: 'GET', path: `/batches/${encodeURIComponent(batchId)}` }, itemIndex));
	let fileName = (options.fileName ?? '').trim();
	if (!fileName) {
		const { experimentId } = await getBatch();
		const experiment = await apiJson<IDataObject>(ctx, ccAgency, { method: 'GET', path: `/experiments/${encodeURIComponent(String(experimentId))}` }, itemIndex);
		fileName = streamFileName(experiment, batchId, stream);
	}
	const response = await apiRequest<Readable | string>(
		ctx,
		ccAgency,
		{
			method: 'GET',
			path: `/batches/${encodeURIComponent(batchId)}/${stream}`,
			encoding: 'stream',
			headers: { Accept: '*/*' },
			acceptError: streamNotStored(stream),
		},
		itemIndex,
	);
	if (response.statusCode === 404) throw missingStreamError(ctx, await getBatch(), batchId, stream, itemIndex);
	const mimeType = streamMimeType(fileName);
	const stored = await storeStream(ctx, response.body as Readable, fileName, mimeType);
	return {
		json: { batchId, stream, available: true, fileName, mimeType, fileSize: stored.bytes },
		binary: { [options.field]: stored.binary },
	};
}

/** Waits until every batch of the list is terminal; returns their full documents. */
export async function waitForBatches(
	ctx: IExecuteFunctions,
	batchIds: string[],
	settings: WaitSettings,
	itemIndex: number,
): Promise<IDataObject[]> {
	const latest = new Map<string, IDataObject>();
	const fetchOne = async (id: string) =>
		apiJson<IDataObject>(ctx, ccAgency, { method: 'GET', path: `/batches/${encodeURIComponent(id)}` }, itemIndex);
	await pollUntil({
		intervalMs: (settings.pollInterval ?? 5) * 1000,
		timeoutMs: (settings.timeout ?? 3600) * 1000,
		check: async () => {
			for (const id of batchIds) {
				const known = latest.get(id);
				if (known && isTerminal(known)) continue;
				latest.set(id, await fetchOne(id));
			}
			const pending = batchIds.filter((id) => !isTerminal(latest.get(id)!));
			return { done: pending.length === 0, value: pending };
		},
		onProgress: (pending, waited) =>
			ctx.logger.info(`CC-Agency: waiting for ${pending.length} of ${batchIds.length} batches (${Math.round(waited / 1000)} s)`),
		onTimeout: (pending, waited) =>
			new NodeOperationError(
				ctx.getNode(),
				`CC-Agency batches still running after ${Math.round(waited / 1000)} s: ${pending
					.map((id) => `${id} (${String(latest.get(id)?.state)})`)
					.join(', ')}`,
				{
					itemIndex,
					description:
						'Raise "Timeout (Seconds)" in the wait options, or wait in a later run with the Batch → Wait for Completion operation. The batches keep running on the agency.',
				},
			),
	});
	return batchIds.map((id) => latest.get(id)!);
}

/** Summaries of finished batches, with the streams asked for; errors on failures if asked. */
export async function finishedBatchItems(
	ctx: IExecuteFunctions,
	batches: IDataObject[],
	settings: WaitSettings,
	itemIndex: number,
): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	for (const batch of batches) {
		const summary = summariseBatch(batch);
		if (settings.failOnUnsuccessful && summary.state !== 'succeeded') {
			throw new NodeOperationError(
				ctx.getNode(),
				`CC-Agency batch ${String(summary.batchId)} ${String(summary.state)}${summary.failureReason ? `: ${String(summary.failureReason).split('\n').slice(0, 4).join(' ')}` : ''}`,
				{
					itemIndex,
					description: 'Look at the failure reason and the batch\'s stderr, fix the RED document or its inputs, and submit again.',
				},
			);
		}
		for (const stream of ['stdout', 'stderr'] as StreamName[]) {
			const wanted = stream === 'stdout' ? settings.includeStdout : settings.includeStderr;
			if (!wanted) continue;
			const result = await readBatchStream(ctx, String(summary.batchId), stream, itemIndex);
			summary[stream] = result.text;
		}
		items.push(summary);
	}
	return items;
}
