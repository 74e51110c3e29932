import type { ResourceSpec } from '../../shared/types';

export const serverResource: ResourceSpec = {
	value: 'server',
	name: 'Server',
	description: 'The CC-Agency server itself',
	operations: [
		{
			resource: 'server',
			operation: 'getVersion',
			name: 'Get Version',
			action: 'Get the server version',
			description: 'Get the version of the CC-Agency server. Returns e.g. {"agencyVersion": "9.3.0"}.',
			method: 'GET',
			path: '/version',
			fields: [],
		},
	],
};
