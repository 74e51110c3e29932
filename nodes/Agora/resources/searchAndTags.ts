import type { IDataObject } from 'n8n-workflow';
import { getManyOperation } from '../../shared/declare';
import { invalidParameter } from '../../shared/errors';
import { optionalFields } from '../../shared/fields';
import { apiJson } from '../../shared/transport';
import type { OperationContext, ParameterValues, RequestContext, ResourceSpec } from '../../shared/types';
import { idField, query } from '../fields';
import { listAll } from '../lists';
import { agora } from '../platform';

const SEARCH_TYPES = [
	['All', 0], ['Folder', 1], ['Exam', 2], ['Series', 3], ['Dataset', 4], ['Patient', 5], ['Project', 6], ['Task', 9], ['Script Task', 10], ['Tag', 11],
].map(([name, value]) => ({ name: String(name), value: Number(value) }));

const records = (body: unknown): IDataObject[] => (Array.isArray(body) ? body : (((body ?? {}) as IDataObject).results as IDataObject[]) ?? []);

export const searchResource: ResourceSpec = {
	value: 'search',
	name: 'Search',
	description: 'Full-text search and AQL queries',
	operations: [
		{
			resource: 'search',
			operation: 'quick',
			name: 'Quick Search',
			action: 'Search Agora by text',
			description: 'Full-text search across Agora (or one project) for folders, exams, series, datasets, patients, tasks or tags. Returns one item per match.',
			method: 'GET',
			path: '/api/v1/search/fulltext/',
			fields: [
				{ property: { displayName: 'Text', name: 'text', description: 'The words to search for', type: 'string', default: '', required: true, placeholder: 'e.g. wrist' }, send: query('q') },
				{ property: { displayName: 'Object Type', name: 'objectType', description: 'Only matches of this kind of object', type: 'options', options: SEARCH_TYPES, default: 0 }, send: query('t') },
				optionalFields('Options', 'options', [[{ displayName: 'Project ID', name: 'project', type: 'number', default: 0, description: 'Search only this project' }, undefined]], 'Add Option'),
			],
			prepare: (request, params) => {
				const project = Number(((params.options ?? {}) as IDataObject).project ?? 0);
				if (project > 0) request.path = `/api/v2/project/${project}/fulltext/`;
			},
			output: records,
		},
		{
			resource: 'search',
			operation: 'query',
			name: 'AQL Query',
			action: 'Search Agora with an AQL query',
			description: 'Run an Agora Query Language search, e.g. exam.name ~ "brain" AND exam.start_time.year = 2024. Returns one item per match.',
			method: 'POST',
			path: '/api/v2/search/query/',
			idempotent: true,
			fields: [
				{ property: { displayName: 'Query', name: 'query', description: 'The search in Agora Query Language (AQL)', type: 'string', typeOptions: { rows: 3 }, default: '', required: true, placeholder: 'exam.name ~ "brain" AND exam.start_time.year = 2024' }, send: { in: 'body', key: 'query' } },
			],
			output: records,
		},
		getManyOperation({ resource: 'search', noun: 'saved query', plural: 'saved queries', path: '/api/v2/search/saved/', description: 'List the saved AQL queries of the account. Returns one item per saved query.' }),
		{
			resource: 'search',
			operation: 'saveQuery',
			name: 'Save Query',
			action: 'Save an AQL query',
			description: 'Save an AQL query under a name. Returns the saved query.',
			method: 'POST',
			path: '/api/v2/search/saved/',
			fields: [
				{ property: { displayName: 'Name', name: 'name', description: 'The name to save the query under', type: 'string', default: '', required: true }, send: { in: 'body', key: 'name' } },
				{ property: { displayName: 'Query', name: 'query', description: 'The AQL query to save', type: 'string', typeOptions: { rows: 3 }, default: '', required: true }, send: { in: 'body', key: 'query' } },
			],
		},
		{
			resource: 'search',
			operation: 'runSavedQuery',
			name: 'Run Saved Query',
			action: 'Run a saved query',
			description: 'Run a saved AQL query by its ID. Returns one item per match.',
			method: 'POST',
			path: '/api/v2/search/saved/{id}/run/',
			idempotent: true,
			fields: [{ property: idField('Saved Query ID', 'The ID of the saved query (from Get Many)'), send: { in: 'path' } }],
			output: records,
		},
	],
};

const OBJECT_TYPES = [
	{ name: 'Dataset', value: 'dataset' },
	{ name: 'Exam', value: 'exam' },
	{ name: 'Folder', value: 'folder' },
	{ name: 'Patient', value: 'patient' },
	{ name: 'Series', value: 'series' },
];
/** Agora's model name for series is "serie". */
const wireContentType = (type: unknown) => (type === 'series' ? 'serie' : String(type));

/** The instances of a tag on one object. */
async function tagInstances(ctx: RequestContext, params: ParameterValues, itemIndex: number): Promise<IDataObject[]> {
	const type = wireContentType(params.objectType);
	return (await listAll(ctx, '/api/v2/tag-instance/', { tag_definition: Number(params.tag) }, itemIndex)).filter(
		(i) =>
			Number(i.tag_definition) === Number(params.tag) &&
			Number(i.tagged_object_id) === Number(params.objectId) &&
			[type, String(params.objectType)].includes(String(i.tagged_object_content_type)),
	);
}

const tagIdField = { property: { displayName: 'Tag ID', name: 'tag', description: 'The ID of the tag definition', type: 'string' as const, default: '', required: true, placeholder: 'e.g. 3' } };
const objectFields = [
	{ property: { displayName: 'Object Type', name: 'objectType', description: 'The kind of object to tag or untag', type: 'options' as const, options: OBJECT_TYPES, default: 'exam' } },
	{ property: { displayName: 'Object ID', name: 'objectId', description: 'The ID of the object to tag or untag', type: 'string' as const, default: '', required: true, placeholder: 'e.g. 12' } },
];

export const tagResource: ResourceSpec = {
	value: 'tag',
	name: 'Tag',
	description: 'Labels on exams, series, datasets, folders and patients',
	operations: [
		{
			resource: 'tag',
			operation: 'get',
			name: 'Get',
			action: 'Get a tag',
			description: 'Get a tag definition by ID. Returns its label, color, project and visibility.',
			method: 'GET',
			path: '/api/v2/tag-definition/{tag}/',
			fields: [{ ...tagIdField, send: { in: 'path' } }],
		},
		getManyOperation({ resource: 'tag', noun: 'tag', plural: 'tags', path: '/api/v2/tag-definition/', description: 'List the tags the account can use. Returns one item per tag definition.' }),
		{
			resource: 'tag',
			operation: 'getByName',
			name: 'Get by Name',
			action: 'Get a tag by name',
			description: 'Get the tag whose label is exactly this name. Returns the tag definition.',
			fields: [{ property: { displayName: 'Name', name: 'name', description: 'The exact label of the tag', type: 'string', default: '', required: true, placeholder: 'e.g. reviewed' } }],
			execute: async ({ ctx, itemIndex, params }: OperationContext) => {
				const found = (await listAll(ctx, '/api/v2/tag-definition/', {}, itemIndex)).filter((t) => t.label === params.name);
				if (found.length === 0) invalidParameter('Name', `there is no tag "${String(params.name)}"`, 'Check the spelling (labels are case-sensitive), or list the tags with Get Many.');
				return found;
			},
		},
		{
			resource: 'tag',
			operation: 'tagObject',
			name: 'Tag Object',
			action: 'Tag an object',
			description: 'Put a tag on an exam, series, dataset, folder or patient. Returns the tag instance (the existing one, with alreadyTagged: true, if the object has the tag).',
			fields: [tagIdField, ...objectFields],
			execute: async ({ ctx, itemIndex, params }: OperationContext) => {
				// Looking first keeps a re-run workflow from failing on a tag that is already there.
				const existing = (await tagInstances(ctx, params, itemIndex))[0];
				if (existing) return [{ ...existing, alreadyTagged: true }];
				const created = await apiJson<IDataObject>(
					ctx,
					agora,
					{
						method: 'POST',
						path: '/api/v2/tag-instance/',
						body: { tag_definition: Number(params.tag), tagged_object_content_type: wireContentType(params.objectType), tagged_object_id: Number(params.objectId) },
					},
					itemIndex,
				);
				return [{ ...created, alreadyTagged: false }];
			},
		},
		{
			resource: 'tag',
			operation: 'untagObject',
			name: 'Untag Object',
			action: 'Remove a tag from an object',
			description: 'Remove a tag from an exam, series, dataset, folder or patient. Returns {deleted: <number of tag instances removed>}.',
			fields: [tagIdField, ...objectFields],
			execute: async ({ ctx, itemIndex, params }: OperationContext) => {
				const instances = await tagInstances(ctx, params, itemIndex);
				for (const instance of instances) await apiJson(ctx, agora, { method: 'DELETE', path: `/api/v2/tag-instance/${Number(instance.id)}/` }, itemIndex);
				return [{ deleted: instances.length, tag: Number(params.tag), objectType: params.objectType as string, objectId: Number(params.objectId) }];
			},
		},
	],
};
