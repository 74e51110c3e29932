import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { describeResources, executeResources } from '../shared/operations';
import { listSearch } from './methods/listSearch';
import { alyx } from './platform';
import { alyxResources } from './resources';

/**
 * Alyx (IBL / cortex-lab experiment database). Programmatic, so that a deleted token (Alyx
 * answers 403, which n8n's declarative routing never renews) is renewed by the shared engine,
 * and so that filters are validated before they reach a server that ignores unknown ones.
 */
export class Alyx implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Alyx',
		name: 'alyx',
		icon: { light: 'file:alyx.svg', dark: 'file:alyx.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Manage subjects, sessions, weighings, water and datasets in an Alyx experiment database',
		defaults: { name: 'Alyx' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'alyxApi', required: true }],
		properties: describeResources(alyxResources),
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeResources(this, alyx, alyxResources);
	}
}
