import type { IDataObject } from 'n8n-workflow';
import { createOperation, getManyOperation, getOperation } from '../../shared/declare';
import { optionalFields } from '../../shared/fields';
import { apiJson } from '../../shared/transport';
import type { OperationContext, ResourceSpec } from '../../shared/types';
import { projectLocator, textFilter } from '../fields';
import { agora } from '../platform';
import { listAll } from '../lists';

export const projectResource: ResourceSpec = {
	value: 'project',
	name: 'Project',
	description: 'A project and its data; My Agora is each user\'s personal project',
	operations: [
		getOperation({ resource: 'project', noun: 'project', path: '/api/v2/project/{project}/', locator: projectLocator, description: 'Get a project by ID. Returns the project with its root folder ID and memberships.' }),
		getManyOperation({
			resource: 'project',
			noun: 'project',
			plural: 'projects',
			path: '/api/v2/project/',
			description: 'List the projects the account is a member of. Returns one item per project.',
			fields: [optionalFields('Filters', 'filters', [textFilter('Name Contains', 'name', 'name__icontains', 'Only projects whose name contains this text')])],
		}),
		createOperation({
			resource: 'project',
			noun: 'project',
			path: '/api/v2/project/',
			description: 'Create a project. Returns the new project with its root folder ID.',
			fields: [
				{ property: { displayName: 'Name', name: 'name', description: 'The name of the new project', type: 'string', default: '', required: true, placeholder: 'e.g. Knee Study 2026' }, send: { in: 'body', key: 'name' } },
				{ property: { displayName: 'Description', name: 'description', description: 'A free-text description of the project', type: 'string', default: '' }, send: { in: 'body', key: 'description' } },
			],
		}),
		{
			resource: 'project',
			operation: 'getMyAgora',
			name: 'Get My Agora',
			action: 'Get the My Agora project',
			description: 'Get the personal My Agora project of the account. Returns the project with its root folder ID.',
			method: 'GET',
			path: '/api/v2/project/myagora/',
			fields: [],
		},
		{
			resource: 'project',
			operation: 'getRootFolder',
			name: 'Get Root Folder',
			action: 'Get the root folder of a project',
			description: 'Get the root folder of a project, the start of every folder path. Returns the folder.',
			method: 'GET',
			path: '/api/v2/project/{project}/root_folder/',
			fields: [{ property: projectLocator, send: { in: 'path' } }],
		},
		{
			resource: 'project',
			operation: 'emptyTrash',
			name: 'Empty Trash',
			action: 'Empty the trash of a project',
			description: 'Delete every trash item of a project for good. Returns {deleted: <number of items>}.',
			fields: [{ property: projectLocator }],
			execute: async ({ ctx, itemIndex, params }: OperationContext) => {
				const project = Number(params.project);
				// There is no bulk route: list the trash (all projects) and delete this project's items.
				const trash = await listAll(ctx, '/api/v1/trash/', {}, itemIndex);
				const mine = trash.filter((entry) => Number(entry.project) === project);
				for (const entry of mine) {
					await apiJson(ctx, agora, { method: 'DELETE', path: `/api/v1/trash/${encodeURIComponent(String(entry.id))}/delete` }, itemIndex);
				}
				return [{ project, deleted: mine.length } as IDataObject];
			},
		},
	],
};
