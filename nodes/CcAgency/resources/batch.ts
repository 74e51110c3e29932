import type { IDataObject } from 'n8n-workflow';
import type { FieldSpec, OperationContext, OperationSpec, ResourceSpec } from '../../shared/types';
import { apiJson } from '../../shared/transport';
import { invalidParameter } from '../../shared/errors';
import { finishedBatchItems, readBatchStream, readBatchStreamAsFile, waitForBatches } from '../batches';
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

/** Get Stdout / Get Stderr options for returning the stream as a file (same for both streams). */
const streamFileFields: FieldSpec[] = [
	{
		property: {
			displayName: 'Output as File',
			name: 'asFile',
			type: 'boolean',
			default: false,
			description:
				'Whether to return the stream as a file in a binary field (to upload it, register it or read it in later nodes) instead of as text in the JSON. The file is named after the RED\'s cli.stdout / cli.stderr; a stream the agency did not store is then an error.',
		},
	},
	{
		property: {
			displayName: 'Output Binary Field',
			name: 'streamBinaryField',
			type: 'string',
			default: 'data',
			required: true,
			description: 'Name of the binary field to put the file in',
			displayOptions: { show: { asFile: [true] } },
		},
	},
	{
		property: {
			displayName: 'File Name',
			name: 'streamFileName',
			type: 'string',
			default: '',
			placeholder: 'e.g. qc_report.json',
			description:
				'Name of the file. Leave empty to use the name the RED gives the stream (cli.stdout or cli.stderr, e.g. report.txt), or the batch ID plus .stdout.txt / .stderr.txt when it names none. A name with a JSON extension gives a JSON file, any other a plain-text file.',
			displayOptions: { show: { asFile: [true] } },
		},
	},
];

function streamOperation(stream: StreamName): OperationSpec {
	const what = stream === 'stdout' ? 'standard output' : 'standard error';
	return {
		resource: 'batch',
		operation: stream === 'stdout' ? 'getStdout' : 'getStderr',
		name: stream === 'stdout' ? 'Get Stdout' : 'Get Stderr',
		action: `Get the ${stream} of a batch`,
		description: `Get the ${what} of a finished batch. Returns {batchId, stream, available, text}; "available" is false (not an error) when the agency stored none. With Output as File: a binary file (named after the RED's cli.${stream}) and {batchId, stream, available, fileName, mimeType, fileSize}; a stream that was not stored is then an error.`,
		fields: [batchId, ...streamFileFields],
		execute: async ({ ctx, itemIndex, params }: OperationContext) => {
			const id = String(params.batchId);
			if (params.asFile === true) {
				const field = String(params.streamBinaryField ?? '').trim();
				if (!field) invalidParameter('Output Binary Field', 'no field name', 'Enter the name of the binary field to put the file in, for example "data".');
				return [await readBatchStreamAsFile(ctx, id, stream, { field, fileName: String(params.streamFileName ?? '') }, itemIndex)];
			}
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
