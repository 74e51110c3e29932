import type { IDataObject } from 'n8n-workflow';
import { getManyOperation, getOperation } from '../../shared/declare';
import { optionalFields } from '../../shared/fields';
import { apiJson, loadCredentials } from '../../shared/transport';
import type { ResourceSpec } from '../../shared/types';
import { djangoFilter, labLocator, projectLocator, text, toList, toTitleBool, userLocator } from '../fields';
import { alyx } from '../platform';

export const userResource: ResourceSpec = {
	value: 'user',
	name: 'User',
	description: 'An Alyx account',
	operations: [
		getOperation({ resource: 'user', noun: 'user', path: '/users/{user}', locator: userLocator, description: 'Get a user by username. Returns the user with their labs and the subjects they are responsible for.' }),
		getManyOperation({
			resource: 'user',
			noun: 'user',
			plural: 'users',
			path: '/users',
			description: 'List users, optionally by username, email or stock-manager flag. Returns one item per user.',
			fields: [
				optionalFields('Filters', 'filters', [
					djangoFilter,
					text('Email', 'email', 'email', 'Exact email address'),
					[{ displayName: 'Stock Manager', name: 'isStockManager', type: 'boolean', default: true, description: 'Whether the user manages the stock' }, { in: 'query', key: 'is_stock_manager', transform: toTitleBool }],
					text('Username', 'username', 'username', 'Exact username'),
				]),
			],
		}),
	],
};

export const labResource: ResourceSpec = {
	value: 'lab',
	name: 'Lab',
	description: 'A lab and the data repositories it stores files on',
	operations: [
		getOperation({ resource: 'lab', noun: 'lab', path: '/labs/{lab}', locator: labLocator, description: 'Get a lab by name. Returns the lab with its repositories and weight thresholds.' }),
		getManyOperation({ resource: 'lab', noun: 'lab', plural: 'labs', path: '/labs', description: 'List the labs of the database. Returns one item per lab.' }),
	],
};

export const projectResource: ResourceSpec = {
	value: 'project',
	name: 'Project',
	description: 'A project that groups subjects and sessions',
	operations: [
		getOperation({ resource: 'project', noun: 'project', path: '/projects/{project}', locator: projectLocator, description: 'Get a project by name. Returns the project with its users.' }),
		getManyOperation({ resource: 'project', noun: 'project', plural: 'projects', path: '/projects', description: 'List the projects of the database. Returns one item per project.' }),
		{
			resource: 'project',
			operation: 'create',
			name: 'Create',
			action: 'Create a project',
			description: 'Create a project; its users default to the account of the credential. Returns the new project.',
			fields: [
				{ property: { displayName: 'Name', name: 'name', description: 'The name of the new project', type: 'string', default: '', required: true, placeholder: 'e.g. brainwide_map' } },
				{ property: { displayName: 'Description', name: 'description', description: 'A free-text description of the project', type: 'string', default: '' } },
				{ property: { displayName: 'Users', name: 'users', type: 'string', default: '', description: 'Usernames, comma-separated; defaults to the account of the credential' } },
			],
			// Alyx 3.6 answers 500 (yet creates the project) when `users` is left out, so it is always sent.
			execute: async ({ ctx, itemIndex, params }) => {
				let users = toList(params.users ?? '');
				if (users.length === 0) users = [String((await loadCredentials(ctx, alyx, itemIndex)).username)];
				const created = await apiJson<IDataObject>(
					ctx,
					alyx,
					{ method: 'POST', path: '/projects', body: { name: params.name, description: params.description ?? '', users } },
					itemIndex,
				);
				return [created];
			},
		},
	],
};
