import { NodeConnectionTypes } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { firstRunLookbackOption, runTriggerPoll } from '../shared/polling';
import { pollRecordEvents, sampleRecord } from './trigger/recordEvents';
import type { AlyxCursorExtra, RecordFilters, RecordKind } from './trigger/recordEvents';

export class AlyxTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Alyx Trigger',
		name: 'alyxTrigger',
		icon: { light: 'file:alyx.svg', dark: 'file:alyx.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"New " + $parameter["event"] + "s"}}',
		description: 'Starts the workflow when new sessions, datasets or weighings appear in Alyx',
		defaults: { name: 'Alyx Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'alyxApi', required: true }],
		properties: [
			{
				displayName: 'Trigger On',
				name: 'event',
				description: 'The kind of new record that starts the workflow',
				type: 'options',
				options: [
					{ name: 'New Dataset', value: 'dataset', description: 'A dataset was created (e.g. by registering files)' },
					{ name: 'New Session', value: 'session', description: 'A session was created' },
					{ name: 'New Weighing', value: 'weighing', description: 'A weighing was recorded' },
				],
				default: 'session',
			},
			{
				displayName: 'Alyx records when a session was last changed, not when it was created: a session created before the trigger was activated is reported if it is edited later',
				name: 'sessionNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { event: ['session'] } },
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					{
						displayName: 'Lab Name',
						name: 'lab',
						type: 'string',
						default: '',
						description: 'Only records of this lab (sessions and datasets)',
					},
					{
						displayName: 'Project Name',
						name: 'project',
						type: 'string',
						default: '',
						description: 'Only sessions of projects whose name contains this text (sessions only)',
					},
					{
						displayName: 'Subject Nickname',
						name: 'subject',
						type: 'string',
						default: '',
						description: 'Only records of this subject',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					firstRunLookbackOption('Records Changed'),
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const filterValues = this.getNodeParameter('filters', {}) as IDataObject;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const filters: RecordFilters = {
			kind: this.getNodeParameter('event', 'session') as RecordKind,
			subject: String(filterValues.subject ?? '').trim() || undefined,
			lab: String(filterValues.lab ?? '').trim() || undefined,
			project: String(filterValues.project ?? '').trim() || undefined,
			firstRunLookbackMinutes: Number(options.firstRunLookback ?? 5),
		};
		const toItem = (record: IDataObject): INodeExecutionData => ({ json: { event: `${filters.kind}.created`, ...record } });

		return await runTriggerPoll<AlyxCursorExtra>(this, {
			filters: { ...filters, firstRunLookbackMinutes: undefined },
			sample: async () => await sampleRecord(this, filters),
			poll: async (fingerprint, stored) => await pollRecordEvents(this, filters, fingerprint, stored),
			toItem,
		});
	}
}
