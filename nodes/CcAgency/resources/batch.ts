import type { IDataObject } from 'n8n-workflow';
import type { FieldSpec, OperationContext, OperationSpec, ResourceSpec } from '../../shared/types';
import { apiJson } from '../../shared/transport';
import { finishedBatchItems, readBatchStream, waitForBatches } from '../batches';
import type { StreamName, WaitSettings } from '../batches';
import { ascendingFilter, ascendingQuery, batchLocator, stateOptions, usernameFilter, waitOptions } from '../fields';
import { ccAgency } from '../platform';

const batchId: FieldSpec = { property: batchLocator, send: { in: 'path' } };

function filtersField(withListOptions: boolean): FieldSpec {
	return {
		property: {
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				...(withListOptions ? [ascendingFilter] : []),
				{
					displayName: 'Experiment ID',
					name: 'experimentId',
					type: 'string',
					default: '',
					placeholder: 'e.g. 6b021bfde01f6ca63d0b7a87',
					description: 'Only the batches of this experiment',
				},
				{
					displayName: 'Node Name',
					name: 'node',
					type: 'string',
					default: '',
					placeholder: 'e.g. node_a',
					description: 'Only batches scheduled on this compute node',
				},
				{
					displayName: 'State',
					name: 'state',
					type: 'options',
					options: stateOptions,
					default: 'processing',
				},
				usernameFilter('batches'),
			],
		},
		options: {
			ascending: ascendingQuery,
			experimentId: { in: 'query' },
			node: { in: 'query' },
			state: { in: 'query' },
			username: { in: 'query' },
		},
	};
}

function streamOperation(stream: StreamName): OperationSpec {
	return {
		resource: 'batch',
		operation: stream === 'stdout' ? 'getStdout' : 'getStderr',
		name: stream === 'stdout' ? 'Get Stdout' : 'Get Stderr',
		action: `Get the ${stream} of a batch`,
		description: `Get the ${stream === 'stdout' ? 'standard output' : 'standard error'} text of a finished batch. Returns {batchId, stream, available, text}; "available" is false (not an error) when the agency stored none.`,
		fields: [batchId],
		execute: async ({ ctx, itemIndex, params }: OperationContext) => {
			const id = String(params.batchId);
			const result = await readBatchStream(ctx, id, stream, itemIndex);
			return [{ batchId: id, stream, ...result } as IDataObject];
		},
	};
}

export const batchResource: ResourceSpec = {
	value: 'batch',
	name: 'Batch',
	description: 'One run of an experiment on a compute node',
	operations: [
		{
			resource: 'batch',
			operation: 'get',
			name: 'Get',
			action: 'Get a batch',
			description: 'Get the full batch document: state, attempts, node, history and inputs (secrets replaced by placeholders)',
			method: 'GET',
			path: '/batches/{batchId}',
			fields: [batchId],
		},
		{
			resource: 'batch',
			operation: 'getAll',
			name: 'Get Many',
			action: 'Get many batches',
			description: 'List batches, newest first unless Ascending is set, optionally by state, experiment, node or user',
			method: 'GET',
			path: '/batches',
			list: true,
			fields: [filtersField(true)],
		},
		{
			resource: 'batch',
			operation: 'count',
			name: 'Count',
			action: 'Count batches',
			description: 'Count batches, optionally by state, experiment, node or user; returns {count}',
			method: 'GET',
			path: '/batches/count',
			fields: [filtersField(false)],
		},
		{
			resource: 'batch',
			operation: 'cancel',
			name: 'Cancel',
			action: 'Cancel a batch',
			description:
				'Cancel a batch that is registered, scheduled or processing. Returns the batch document; a batch that already finished is returned unchanged.',
			method: 'DELETE',
			path: '/batches/{batchId}',
			fields: [batchId],
		},
		streamOperation('stdout'),
		streamOperation('stderr'),
		{
			resource: 'batch',
			operation: 'waitForCompletion',
			name: 'Wait for Completion',
			action: 'Wait for a batch to finish',
			description:
				'Poll a batch until it has succeeded, failed or been cancelled. Returns its state, attempts, node, failure reason and optionally stdout/stderr.',
			fields: [batchId, { property: waitOptions() }],
			execute: async ({ ctx, itemIndex, params }: OperationContext) => {
				const settings = (params.waitOptions ?? {}) as WaitSettings;
				const id = String(params.batchId);
				// One request up front so a wrong ID fails at once instead of after the first interval.
				await apiJson(ctx, ccAgency, { method: 'GET', path: `/batches/${encodeURIComponent(id)}` }, itemIndex);
				const finished = await waitForBatches(ctx, [id], settings, itemIndex);
				return await finishedBatchItems(ctx, finished, settings, itemIndex);
			},
		},
	],
};
