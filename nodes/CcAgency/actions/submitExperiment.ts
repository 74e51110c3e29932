/** Experiment → Submit: send a RED document, list its batches, optionally wait for them. */
import type { IDataObject } from 'n8n-workflow';
import { invalidParameter } from '../../shared/errors';
import { apiJson } from '../../shared/transport';
import type { OperationContext } from '../../shared/types';
import { finishedBatchItems, listExperimentBatches, summariseBatch, waitForBatches } from '../batches';
import type { WaitSettings } from '../batches';
import { ccAgency } from '../platform';
import { checkRed, parseRed } from '../red';
import type { RedFormat } from '../red';

const MAX_RED_BYTES = 10 * 1024 * 1024;

async function readRedSource(op: OperationContext): Promise<unknown> {
	const { ctx, itemIndex, params } = op;
	if (params.redSource !== 'binary') return params.red;
	const field = String(params.binaryPropertyName || 'data');
	try {
		ctx.helpers.assertBinaryData(itemIndex, field);
	} catch {
		return invalidParameter(
			'Input Binary Field',
			`the input item has no binary field "${field}"`,
			'Name the binary field that holds the RED file (for example "data" after a Read Files node).',
		);
	}
	const buffer = await ctx.helpers.getBinaryDataBuffer(itemIndex, field);
	if (buffer.length > MAX_RED_BYTES)
		invalidParameter('Input Binary Field', `the RED file is ${buffer.length} bytes; the limit is 10 MB`, 'RED documents describe data, they do not contain it: reference large inputs through connectors.');
	return buffer.toString('utf8');
}

export async function submitExperiment(op: OperationContext): Promise<IDataObject[]> {
	const { ctx, itemIndex, params } = op;
	const field = params.redSource === 'binary' ? 'Input Binary Field' : 'RED Document';
	const red = parseRed(await readRedSource(op), (params.redFormat as RedFormat) ?? 'auto', field);
	checkRed(red, field);

	const options = (params.submitOptions ?? {}) as IDataObject;
	const qs: IDataObject = {};
	if (options.disableRetry === true) qs.disableRetry = 'true';
	if (options.disableConnectorValidation === true) qs.disableConnectorValidation = 'true';

	// A creating POST: the transport never sends it twice, whatever happens on the wire.
	const { experimentId } = await apiJson<{ experimentId: string }>(
		ctx,
		ccAgency,
		{ method: 'POST', path: '/red', qs, body: red },
		itemIndex,
	);
	const batches = await listExperimentBatches(ctx, experimentId, itemIndex);

	if (params.waitForCompletion !== true) {
		return [
			{
				experimentId,
				batchCount: batches.length,
				batchIds: batches.map((b) => b._id),
				batches: batches.map(summariseBatch),
			},
		];
	}
	const settings = (params.waitOptions ?? {}) as WaitSettings;
	const finished = await waitForBatches(ctx, batches.map((b) => String(b._id)), settings, itemIndex);
	return await finishedBatchItems(ctx, finished, settings, itemIndex);
}
