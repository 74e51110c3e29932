import { createOperation, getManyOperation, getOperation, updateOperation } from '../../shared/declare';
import { optionalFields, resourceLocator } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/types';
import { QC_OPTIONS, body, datasetTypeLocator, djangoFilter, idLocator, query, repositoryLocator, text, toDate, toTitleBool } from '../fields';
import { withId } from '../platform';

const dataFormatLocator = resourceLocator({ name: 'dataFormat', displayName: 'Data Format', searchListMethod: 'searchDataFormats', description: 'The data format, by name', byLabel: 'By Name', placeholder: 'e.g. npy' });
const repositoryTypeLocator = resourceLocator({ name: 'repositoryType', displayName: 'Repository Type', searchListMethod: 'searchRepositoryTypes', description: 'The repository type, by name', byLabel: 'By Name', placeholder: 'e.g. Fileserver' });

export const datasetTypeResource: ResourceSpec = {
	value: 'datasetType',
	name: 'Dataset Type',
	description: 'A kind of dataset (object.attribute), matched against file names on registration',
	operations: [
		getOperation({ resource: 'datasetType', noun: 'dataset type', path: '/dataset-types/{datasetType}', locator: datasetTypeLocator, description: 'Get a dataset type by name. Returns its name, description and filename pattern.' }),
		getManyOperation({ resource: 'datasetType', noun: 'dataset type', plural: 'dataset types', path: '/dataset-types', description: 'List the dataset types of the database. Returns one item per dataset type.' }),
		createOperation({
			resource: 'datasetType',
			noun: 'dataset type',
			path: '/dataset-types',
			description: 'Create a dataset type, e.g. "trials.table", so that files of that name can be registered. Returns the new dataset type.',
			fields: [
				{ property: { displayName: 'Name', name: 'name', description: 'The name of the dataset type, as in the file names', type: 'string', default: '', required: true, placeholder: 'e.g. trials.table' }, send: body('name') },
				optionalFields('Additional Fields', 'additionalFields', [
					[{ displayName: 'Description', name: 'description', description: 'What the dataset type holds', type: 'string', default: '' }, body('description')],
					[{ displayName: 'Filename Pattern', name: 'filenamePattern', type: 'string', default: '', placeholder: 'e.g. *trials.table*', description: 'Glob matched against file names; empty matches "object.attribute"' }, body('filename_pattern')],
				]),
			],
		}),
	],
};

export const dataFormatResource: ResourceSpec = {
	value: 'dataFormat',
	name: 'Data Format',
	description: 'A file format and its extension',
	operations: [
		getOperation({ resource: 'dataFormat', noun: 'data format', path: '/data-formats/{dataFormat}', locator: dataFormatLocator, description: 'Get a data format by name. Returns it with its file extension and loaders.' }),
		getManyOperation({ resource: 'dataFormat', noun: 'data format', plural: 'data formats', path: '/data-formats', description: 'List the data formats of the database. Returns one item per data format.' }),
	],
};

export const dataRepositoryTypeResource: ResourceSpec = {
	value: 'dataRepositoryType',
	name: 'Data Repository Type',
	description: 'A kind of data repository, e.g. Fileserver',
	operations: [
		getOperation({ resource: 'dataRepositoryType', noun: 'data repository type', path: '/data-repository-type/{repositoryType}', locator: repositoryTypeLocator, description: 'Get a data repository type by name. Returns the repository type record.' }),
		getManyOperation({ resource: 'dataRepositoryType', noun: 'data repository type', plural: 'data repository types', path: '/data-repository-type', description: 'List the data repository types of the database. Returns one item per data repository type.' }),
	],
};

export const dataRepositoryResource: ResourceSpec = {
	value: 'dataRepository',
	name: 'Data Repository',
	description: 'A place where data files are stored (a server, Globus endpoint, ...)',
	operations: [
		getOperation({ resource: 'dataRepository', noun: 'data repository', path: '/data-repository/{repository}', locator: repositoryLocator, description: 'Get a data repository by name. Returns it with its host name, data URL and type.' }),
		getManyOperation({
			resource: 'dataRepository',
			noun: 'data repository',
			plural: 'data repositories',
			path: '/data-repository',
			description: 'List the data repositories of the database. Returns one item per data repository.',
			fields: [
				optionalFields('Filters', 'filters', [
					text('Globus Endpoint ID', 'globusEndpointId', 'globus_endpoint_id', 'Exact Globus endpoint ID'),
					[{ displayName: 'Globus Is Personal', name: 'globusIsPersonal', type: 'boolean', default: false, description: 'Whether the repository is a personal Globus endpoint' }, query('globus_is_personal', toTitleBool)],
					text('Name', 'name', 'name', 'Exact repository name'),
				]),
			],
		}),
	],
};

export const datasetResource: ResourceSpec = {
	value: 'dataset',
	name: 'Dataset',
	description: 'A data file of a session, with its file records on repositories',
	operations: [
		getOperation({ resource: 'dataset', noun: 'dataset', path: '/datasets/{id}', locator: idLocator('Dataset', 'searchDatasets'), description: 'Get a dataset by ID. Returns the dataset with its file records.', shape: withId }),
		getManyOperation({
			resource: 'dataset',
			noun: 'dataset',
			plural: 'datasets',
			path: '/datasets',
			description: 'List datasets by subject, session, dataset type, creation date, creator, QC and more. Returns one item per dataset with its file records.',
			shape: withId,
			fields: [
				optionalFields('Filters', 'filters', [
					text('Collection', 'collection', 'collection', 'Exact collection, e.g. alf'),
					[{ displayName: 'Created After', name: 'createdAfter', type: 'dateTime', default: '', description: 'Created on or after this date' }, query('created_date_gte', toDate('Created After'))],
					[{ displayName: 'Created Before', name: 'createdBefore', type: 'dateTime', default: '', description: 'Created on or before this date' }, query('created_date_lte', toDate('Created Before'))],
					text('Created By', 'createdBy', 'created_by', 'Username of the creator'),
					text('Dataset Type', 'datasetType', 'dataset_type', 'Exact dataset type name'),
					[{ displayName: 'Default Revision Only', name: 'defaultDataset', type: 'boolean', default: true, description: 'Whether to list only default revisions' }, query('default_dataset', toTitleBool)],
					djangoFilter,
					[{ displayName: 'Exists', name: 'exists', type: 'boolean', default: true, description: 'Whether the files exist on a server repository' }, query('exists', toTitleBool)],
					text('Lab Name', 'lab', 'lab', 'Only datasets of this lab'),
					text('Name', 'name', 'name', 'Exact file name, e.g. trials.table.pqt'),
					[{ displayName: 'QC', name: 'qc', description: 'Only datasets with this QC outcome', type: 'options', options: QC_OPTIONS, default: 'PASS' }, query('qc')],
					text('Revision', 'revision', 'revision', 'Exact revision name'),
					[{ displayName: 'Session Date', name: 'date', type: 'dateTime', default: '', description: 'Date of the session' }, query('date', toDate('Session Date'))],
					text('Session ID', 'session', 'session', 'Only datasets of this session (UUID)'),
					[{ displayName: 'Session Number', name: 'experimentNumber', description: 'Only datasets of sessions with this number on their day', type: 'number', default: 1 }, query('experiment_number')],
					text('Subject Nickname', 'subject', 'subject', 'Only datasets of this subject'),
					text('Tag', 'tag', 'tag', 'Exact tag name'),
				]),
			],
		}),
	],
};

export const fileRecordResource: ResourceSpec = {
	value: 'fileRecord',
	name: 'File Record',
	description: 'Where a dataset\'s file is stored on one repository',
	operations: [
		getOperation({ resource: 'fileRecord', noun: 'file record', path: '/files/{id}', locator: idLocator('File Record', 'searchFileRecords'), description: 'Get a file record by ID. Returns its dataset, repository, relative path and whether the file exists.', shape: withId }),
		getManyOperation({
			resource: 'fileRecord',
			noun: 'file record',
			plural: 'file records',
			path: '/files',
			description: 'List file records, e.g. of one dataset or repository, or those that do not exist yet. Returns one item per file record.',
			shape: withId,
			fields: [
				optionalFields('Filters', 'filters', [
					text('Data Repository', 'dataRepository', 'data_repository', 'Repository name'),
					text('Dataset ID', 'dataset', 'dataset', 'Only the records of this dataset (UUID)'),
					djangoFilter,
					[{ displayName: 'Exists', name: 'exists', type: 'boolean', default: true, description: 'Whether the file exists on the repository' }, query('exists', toTitleBool)],
					text('Lab Name', 'lab', 'lab', 'Only records of this lab'),
				]),
			],
		}),
		updateOperation({
			resource: 'fileRecord',
			noun: 'file record',
			path: '/files/{id}',
			locator: idLocator('File Record', 'searchFileRecords'),
			description: 'Change a file record, e.g. mark it as existing once the file has been copied. Returns the updated file record.',
			shape: withId,
			fields: [
				optionalFields('Update Fields', 'updateFields', [
					[{ displayName: 'Exists', name: 'exists', type: 'boolean', default: true, description: 'Whether the file exists on the repository' }, body('exists')],
					[{ displayName: 'Relative Path', name: 'relativePath', description: 'The path of the file relative to the repository root', type: 'string', default: '' }, body('relative_path')],
				]),
			],
		}),
	],
};
