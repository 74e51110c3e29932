import type { IDataObject } from 'n8n-workflow';
import { getOperation } from '../../shared/declare';
import { apiJson } from '../../shared/transport';
import type { OperationContext, OperationSpec, ResourceSpec } from '../../shared/types';
import { breadcrumb, createFolder, findSubfolder, folderItems, resolveFolderPath, walkFolder } from '../actions/folderWalk';
import { folderLocator } from '../fields';
import { agora } from '../platform';

const nameField = { property: { displayName: 'Name', name: 'name', description: 'The name of the subfolder', type: 'string' as const, default: '', required: true, placeholder: 'e.g. Results' } };
const recursiveField = {
	property: { displayName: 'Include Subfolders', name: 'recursive', type: 'boolean' as const, default: false, description: 'Whether to look into subfolders too (links to folders are not followed)' },
};

function contentsOperation(operation: string, name: string, kind: 'exam' | 'dataset', plural: string): OperationSpec {
	return {
		resource: 'folder',
		operation,
		name,
		action: `Get the ${plural} of a folder`,
		description: `List the ${plural} in a folder, optionally in its subfolders too. Returns one item per ${kind}.`,
		fields: [{ property: folderLocator }, recursiveField],
		execute: async ({ ctx, itemIndex, params }: OperationContext) =>
			(await walkFolder(ctx, Number(params.folder), params.recursive === true, itemIndex)).filter((item) => item.contentType === kind),
	};
}

export const folderResource: ResourceSpec = {
	value: 'folder',
	name: 'Folder',
	description: 'A folder in a project, holding folders, exams, series and datasets',
	operations: [
		getOperation({ resource: 'folder', noun: 'folder', path: '/api/v2/folder/{folder}/', locator: folderLocator, description: 'Get a folder by ID. Returns the folder record with its name and project.' }),
		{
			resource: 'folder',
			operation: 'getItems',
			name: 'Get Items',
			action: 'Get the items of a folder',
			description: 'List what a folder holds: folders, exams, series and datasets. Returns one item per entry with its contentType, folderItemId and whether it is a link.',
			fields: [{ property: folderLocator }],
			execute: async ({ ctx, itemIndex, params }: OperationContext) => await folderItems(ctx, Number(params.folder), itemIndex),
		},
		{
			resource: 'folder',
			operation: 'create',
			name: 'Create',
			action: 'Create a folder',
			description: 'Create a subfolder in a folder. Returns the new folder.',
			fields: [{ property: { ...folderLocator, displayName: 'Parent Folder' } }, nameField],
			execute: async ({ ctx, itemIndex, params }: OperationContext) => [await createFolder(ctx, Number(params.folder), String(params.name), itemIndex)],
		},
		{
			resource: 'folder',
			operation: 'getOrCreate',
			name: 'Get or Create',
			action: 'Get or create a folder by name',
			description: 'Get the subfolder with this name, creating it when there is none. Returns the folder and whether it was created.',
			fields: [{ property: { ...folderLocator, displayName: 'Parent Folder' } }, nameField],
			execute: async ({ ctx, itemIndex, params }: OperationContext) => {
				const parent = Number(params.folder);
				const existing = await findSubfolder(ctx, parent, String(params.name), itemIndex);
				if (existing) return [{ ...existing, created: false } as IDataObject];
				return [{ ...(await createFolder(ctx, parent, String(params.name), itemIndex)), created: true }];
			},
		},
		{
			resource: 'folder',
			operation: 'getByPath',
			name: 'Get by Path',
			action: 'Get a folder by relative path',
			description: 'Get the folder at a path relative to a folder, e.g. data/raw or ../results, optionally creating missing folders. Returns the folder.',
			fields: [
				{ property: { ...folderLocator, displayName: 'Start Folder' } },
				{ property: { displayName: 'Path', name: 'path', description: 'Folder names separated by slashes, relative to the folder above (two dots go up one level)', type: 'string', default: '', required: true, placeholder: 'e.g. ../data/my_folder' } },
				{ property: { displayName: 'Create Missing Folders', name: 'create', type: 'boolean', default: false, description: 'Whether to create the folders of the path that do not exist yet' } },
			],
			execute: async ({ ctx, itemIndex, params }: OperationContext) => [
				await resolveFolderPath(ctx, Number(params.folder), String(params.path), { create: params.create === true, itemIndex }),
			],
		},
		{
			resource: 'folder',
			operation: 'getBreadcrumb',
			name: 'Get Breadcrumb',
			action: 'Get the path of a folder',
			description: 'Get the folders from the project root to this folder. Returns {path: "root/data/x", parentId, folders}.',
			fields: [{ property: folderLocator }],
			execute: async ({ ctx, itemIndex, params }: OperationContext) => {
				const crumbs = await breadcrumb(ctx, Number(params.folder), itemIndex);
				const parent = crumbs.length >= 2 ? crumbs[crumbs.length - 2] : undefined;
				return [{ path: crumbs.map((c) => String(c.name)).join('/'), parentId: parent ? Number(parent.object_id ?? parent.id) : null, folders: crumbs }];
			},
		},
		contentsOperation('getExams', 'Get Exams', 'exam', 'exams'),
		contentsOperation('getDatasets', 'Get Datasets', 'dataset', 'datasets'),
		{
			resource: 'folder',
			operation: 'delete',
			name: 'Delete',
			action: 'Delete a folder and everything in it',
			description: 'Delete a folder recursively: its subfolders and the objects in it go to the trash (links are removed, their targets stay). Returns {deleted: true}.',
			fields: [{ property: folderLocator }],
			execute: async ({ ctx, itemIndex, params }: OperationContext) => {
				await apiJson(ctx, agora, { method: 'DELETE', path: `/api/v2/folder/${Number(params.folder)}/` }, itemIndex);
				return [{ deleted: true, recursive: true, folder: Number(params.folder) }];
			},
		},
	],
};
