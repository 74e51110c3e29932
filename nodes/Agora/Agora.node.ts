import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { describeResources, executeResources } from '../shared/operations';
import { listSearch } from './methods/listSearch';
import { agora } from './platform';
import { agoraResources } from './resources';

/**
 * GyroTools Agora (MRI and imaging data management). Programmatic: folder paths, copies that
 * wait for Agora's timeline and the two route sets (documented and connector-compatible) need
 * several requests per operation, all through the shared engine.
 */
export class Agora implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Agora',
		name: 'agora',
		icon: { light: 'file:agora.svg', dark: 'file:agora.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Browse and organise imaging data in GyroTools Agora: projects, folders, exams, series, datasets',
		defaults: { name: 'Agora' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'agoraApi', required: true }],
		properties: describeResources(agoraResources),
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeResources(this, agora, agoraResources);
	}
}
