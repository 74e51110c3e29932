import { NodeConnectionTypes } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { firstRunLookbackOption, runTriggerPoll } from '../shared/polling';
import { describeTimelineItem } from './actions/timeline';
import type { Outcome } from './actions/timeline';
import { pollTimeline, sampleTimelineEvent } from './trigger/timelineEvents';
import type { TimelineCursorExtra, TimelineFilters } from './trigger/timelineEvents';

export class AgoraTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Agora Trigger',
		name: 'agoraTrigger',
		icon: { light: 'file:agora.svg', dark: 'file:agora.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Timeline: " + $parameter["triggerOn"].join(", ")}}',
		description: 'Starts the workflow when Agora task runs, imports or downloads finish, fail or are cancelled',
		defaults: { name: 'Agora Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'agoraApi', required: true }],
		properties: [
			{
				displayName: 'Trigger On',
				name: 'triggerOn',
				type: 'multiOptions',
				options: [
					{ name: 'Cancelled', value: 'cancelled' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'Finished', value: 'finished' },
				],
				default: ['finished'],
				required: true,
				description: 'The states that start the workflow; each item starts it once, when it reaches one of them',
			},
			{
				displayName: 'Item Types',
				name: 'types',
				type: 'multiOptions',
				options: [
					{ name: 'Download', value: 'download' },
					{ name: 'Import', value: 'import' },
					{ name: 'Task Run', value: 'task' },
				],
				default: ['task', 'import', 'download'],
				description: 'Which timeline items to watch',
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					{ displayName: 'Project ID', name: 'project', type: 'number', default: 0, description: 'Only items of this project' },
					{ displayName: 'Task ID', name: 'task', type: 'number', default: 0, description: 'Only runs of this task definition' },
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					firstRunLookbackOption('Items Finished'),
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const filterValues = this.getNodeParameter('filters', {}) as IDataObject;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const filters: TimelineFilters = {
			outcomes: this.getNodeParameter('triggerOn', ['finished']) as Outcome[],
			types: this.getNodeParameter('types', []) as string[],
			project: Number(filterValues.project) || undefined,
			task: Number(filterValues.task) || undefined,
			firstRunLookbackMinutes: Number(options.firstRunLookback ?? 5),
		};
		const toItem = (item: IDataObject): INodeExecutionData => ({ json: { event: `timeline.${String(describeTimelineItem(item).outcome)}`, ...describeTimelineItem(item) } });
		return await runTriggerPoll<TimelineCursorExtra>(this, {
			filters: { ...filters, firstRunLookbackMinutes: undefined },
			sample: async () => await sampleTimelineEvent(this, filters),
			poll: async (fingerprint, stored) => await pollTimeline(this, filters, fingerprint, stored),
			toItem,
		});
	}
}
