import type { IDataObject } from 'n8n-workflow';
import { apiJson } from '../../shared/transport';
import type { ResourceSpec } from '../../shared/types';
import { ccAgency } from '../platform';

export const computeNodeResource: ResourceSpec = {
	value: 'computeNode',
	name: 'Compute Node',
	description: 'A Docker host the agency schedules batches on',
	operations: [
		{
			resource: 'computeNode',
			operation: 'getAll',
			name: 'Get Many',
			action: 'Get many compute nodes',
			description: 'List the compute nodes of the agency. Returns one item per node with its state (online/offline), RAM, CPUs, GPUs and current batches.',
			list: true,
			fields: [],
			// /nodes is one small unpaged list: fetch it once and keep Limit of it.
			execute: async ({ ctx, itemIndex, params }) => {
				const nodes = await apiJson<IDataObject[]>(ctx, ccAgency, { method: 'GET', path: '/nodes' }, itemIndex);
				return params.returnAll ? nodes : nodes.slice(0, Number(params.limit));
			},
		},
	],
};
