import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { describeResources, executeResources } from '../shared/operations';
import { searchBatches, searchExperiments } from './methods/listSearch';
import { ccAgency } from './platform';
import { ccAgencyResources } from './resources';

/**
 * CC-Agency (Curious Containers): submit RED experiments and follow their batches.
 * Programmatic rather than n8n's declarative routing, because submit-and-wait polls and the
 * engine in nodes/shared handles retries and errors the same way for all platforms.
 */
export class CcAgency implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CC-Agency',
		name: 'ccAgency',
		icon: { light: 'file:ccAgency.svg', dark: 'file:ccAgency.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Run containerised experiments on CC-Agency (Curious Containers): submit RED documents, follow batches, read their output',
		defaults: { name: 'CC-Agency' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'ccAgencyApi', required: true }],
		properties: describeResources(ccAgencyResources),
	};

	methods = {
		listSearch: { searchExperiments, searchBatches },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeResources(this, ccAgency, ccAgencyResources);
	}
}
