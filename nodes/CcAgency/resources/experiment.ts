import type { ResourceSpec } from '../../shared/types';
import { submitExperiment } from '../actions/submitExperiment';
import { ascendingFilter, ascendingQuery, experimentLocator, usernameFilter, waitOptions } from '../fields';

export const experimentResource: ResourceSpec = {
	value: 'experiment',
	name: 'Experiment',
	description: 'A submitted RED document and its batches',
	operations: [
		{
			resource: 'experiment',
			operation: 'submit',
			name: 'Submit',
			action: 'Submit an experiment',
			description:
				'Submit a RED document (JSON or YAML) to CC-Agency. Returns the experiment ID and its batches, or, when waiting, one item per batch with its final state, failure reason and optionally stdout/stderr.',
			fields: [
				{
					property: {
						displayName: 'RED Source',
						name: 'redSource',
						description: 'Where the RED document comes from',
						type: 'options',
						options: [
							{ name: 'Parameter', value: 'parameter', description: 'Paste the document or map it with an expression' },
							{ name: 'Input File', value: 'binary', description: 'A RED file in a binary field of the input item' },
						],
						default: 'parameter',
					},
				},
				{
					property: {
						displayName: 'RED Document',
						name: 'red',
						type: 'string',
						typeOptions: { rows: 12 },
						default: '',
						required: true,
						placeholder: 'redVersion: "9"\ncli: ...',
						description: 'The RED document as JSON or YAML text, or an object from an expression',
						displayOptions: { show: { redSource: ['parameter'] } },
					},
				},
				{
					property: {
						displayName: 'Input Binary Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						required: true,
						description: 'Name of the binary field that holds the RED file',
						displayOptions: { show: { redSource: ['binary'] } },
					},
				},
				{
					property: {
						displayName: 'Format',
						name: 'redFormat',
						description: 'The syntax of the RED document',
						type: 'options',
						options: [
							{ name: 'Auto-Detect', value: 'auto', description: 'JSON if the document starts with {, YAML otherwise' },
							{ name: 'JSON', value: 'json' },
							{ name: 'YAML', value: 'yaml' },
						],
						default: 'auto',
					},
				},
				{
					property: {
						displayName: 'Wait for Completion',
						name: 'waitForCompletion',
						type: 'boolean',
						default: false,
						description: 'Whether to wait until every batch has succeeded, failed or been cancelled, and output one item per batch',
					},
				},
				{ property: { ...waitOptions(), displayOptions: { show: { waitForCompletion: [true] } } } },
				{
					property: {
						displayName: 'Submit Options',
						name: 'submitOptions',
						type: 'collection',
						placeholder: 'Add Option',
						default: {},
						options: [
							{
								displayName: 'Disable Connector Validation',
								name: 'disableConnectorValidation',
								type: 'boolean',
								default: false,
								description: 'Whether the agent in the container skips validating the input and output connectors',
							},
							{
								displayName: 'Disable Retry',
								name: 'disableRetry',
								type: 'boolean',
								default: false,
								description: 'Whether a failed batch is final at once instead of being run a second time',
							},
						],
					},
				},
			],
			execute: submitExperiment,
		},
		{
			resource: 'experiment',
			operation: 'get',
			name: 'Get',
			action: 'Get an experiment',
			description: 'Get an experiment by ID. Returns the full experiment document (RED with secrets replaced by placeholders).',
			method: 'GET',
			path: '/experiments/{experimentId}',
			fields: [{ property: experimentLocator, send: { in: 'path' } }],
		},
		{
			resource: 'experiment',
			operation: 'getAll',
			name: 'Get Many',
			action: 'Get many experiments',
			description: 'List experiments, newest first unless Ascending is set. Returns one item per experiment with its ID, registration time and user.',
			method: 'GET',
			path: '/experiments',
			list: true,
			fields: [
				{
					property: {
						displayName: 'Filters',
						name: 'filters',
						type: 'collection',
						placeholder: 'Add Filter',
						default: {},
						options: [ascendingFilter, usernameFilter('experiments')],
					},
					options: { ascending: ascendingQuery, username: { in: 'query' } },
				},
			],
		},
		{
			resource: 'experiment',
			operation: 'count',
			name: 'Count',
			action: 'Count experiments',
			description: 'Count the experiments visible to the account, optionally of one user. Returns {count}.',
			method: 'GET',
			path: '/experiments/count',
			fields: [
				{
					property: {
						displayName: 'Filters',
						name: 'filters',
						type: 'collection',
						placeholder: 'Add Filter',
						default: {},
						options: [usernameFilter('experiments')],
					},
					options: { username: { in: 'query' } },
				},
			],
		},
	],
};
