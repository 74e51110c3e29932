import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { firstRunLookbackOption, runTriggerPoll } from '../shared/polling';
import { summariseBatch } from './batches';
import { terminalStateOptions } from './fields';
import { OBJECT_ID } from './platform';
import { pollBatchEvents, sampleBatchEvent } from './trigger/batchEvents';
import type { BatchCursorExtra, TriggerFilters } from './trigger/batchEvents';

function eventItem(batch: IDataObject): INodeExecutionData {
	return {
		json: {
			...summariseBatch(batch),
			event: `batch.${String(batch.reachedState)}`,
			reachedAt: new Date(Number(batch.reachedAt) * 1000).toISOString(),
		},
	};
}

export class CcAgencyTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CC-Agency Trigger',
		name: 'ccAgencyTrigger',
		icon: { light: 'file:ccAgency.svg', dark: 'file:ccAgency.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Batches: " + $parameter["triggerOn"].join(", ")}}',
		description: 'Starts the workflow when CC-Agency batches succeed, fail or are cancelled',
		defaults: { name: 'CC-Agency Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'ccAgencyApi', required: true }],
		properties: [
			{
				displayName: 'Trigger On',
				name: 'triggerOn',
				type: 'multiOptions',
				options: terminalStateOptions,
				default: ['succeeded', 'failed'],
				required: true,
				description: 'The batch states that start the workflow; each batch starts it once, when it reaches the state',
			},
			{
				displayName: 'Experiment ID',
				name: 'experimentId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 6b021bfde01f6ca63d0b7a87',
				description: 'Only batches of this experiment; leave empty for all batches the account can see',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					firstRunLookbackOption('Batches Finished'),
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const filters: TriggerFilters = {
			states: this.getNodeParameter('triggerOn', []) as string[],
			experimentId: String(this.getNodeParameter('experimentId', '') ?? '').trim() || undefined,
			firstRunLookbackMinutes: Number(options.firstRunLookback ?? 5),
		};
		if (filters.states.length === 0)
			throw new NodeOperationError(this.getNode(), 'Trigger On: choose at least one state', {
				description: 'Pick Succeeded, Failed or Cancelled.',
			});
		if (filters.experimentId && !OBJECT_ID.test(filters.experimentId))
			throw new NodeOperationError(this.getNode(), `Experiment ID: "${filters.experimentId}" is not an experiment ID`, {
				description: 'IDs are 24 hexadecimal characters; leave the field empty to watch every experiment.',
			});

		return await runTriggerPoll<BatchCursorExtra>(this, {
			filters: { states: [...filters.states].sort(), experimentId: filters.experimentId },
			sample: async () => await sampleBatchEvent(this, filters),
			poll: async (fingerprint, stored) => await pollBatchEvents(this, filters, fingerprint, stored),
			toItem: eventItem,
		});
	}
}
