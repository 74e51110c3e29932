/** Parameters used by several CC-Agency operations. */
import type { INodeProperties } from 'n8n-workflow';
import { resourceLocator } from '../shared/fields';
import type { SendSpec } from '../shared/types';
import { BATCH_STATES, TERMINAL_STATES } from './platform';

const OBJECT_ID_REGEX = { pattern: '^[0-9a-f]{24}$', message: 'IDs are 24 hexadecimal characters' };

export const experimentLocator = resourceLocator({
	name: 'experimentId',
	displayName: 'Experiment',
	searchListMethod: 'searchExperiments',
	description: 'The experiment (newest first in the list)',
	placeholder: 'e.g. 6b021bfde01f6ca63d0b7a87',
	regex: OBJECT_ID_REGEX,
});

export const batchLocator = resourceLocator({
	name: 'batchId',
	displayName: 'Batch',
	searchListMethod: 'searchBatches',
	description: 'The batch (newest first in the list)',
	placeholder: 'e.g. 6b021bfde01f6ca63d0b7a88',
	regex: OBJECT_ID_REGEX,
});

export const stateOptions = BATCH_STATES.map((state) => ({
	name: state.charAt(0).toUpperCase() + state.slice(1),
	value: state,
}));

export const terminalStateOptions = stateOptions.filter((o) => TERMINAL_STATES.includes(o.value));

/** Options of the operations that wait for batches to finish. */
export function waitOptions(extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Wait Options',
		name: 'waitOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Error If a Batch Does Not Succeed',
				name: 'failOnUnsuccessful',
				type: 'boolean',
				default: false,
				description:
					'Whether to stop with an error (naming the batch and the reason) when a batch fails or is cancelled, instead of outputting it with its state',
			},
			{
				displayName: 'Include Stderr',
				name: 'includeStderr',
				type: 'boolean',
				default: false,
				description: 'Whether to add the batch\'s standard error text (when the agency stored it)',
			},
			{
				displayName: 'Include Stdout',
				name: 'includeStdout',
				type: 'boolean',
				default: false,
				description: 'Whether to add the batch\'s standard output text (when the agency stored it)',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollInterval',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5,
				description: 'How long to wait between two looks at the batch states',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 3600,
				description: 'How long to wait in total before stopping with an error; the batches keep running on the agency',
			},
			...extra,
		],
	};
}

/** Filter options shared by the experiment and batch lists and counts. */
export const ascendingFilter: INodeProperties = {
	displayName: 'Ascending',
	name: 'ascending',
	type: 'boolean',
	default: false,
	description: 'Whether to list the oldest first (by registration time)',
};

export function usernameFilter(what: string): INodeProperties {
	return {
		displayName: 'Username',
		name: 'username',
		type: 'string',
		default: '',
		description: `Only ${what} of this user (non-admins only ever see their own)`,
	};
}

/** The agency reads booleans from the query; only a true value is sent. */
export const ascendingQuery: SendSpec = { in: 'query', transform: (v) => (v === true ? 'true' : undefined) };
