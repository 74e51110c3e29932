import type { IDataObject } from 'n8n-workflow';
import { getManyOperation, getOperation } from '../../shared/declare';
import { invalidParameter } from '../../shared/errors';
import { optionalFields } from '../../shared/fields';
import { apiJson } from '../../shared/transport';
import type { OperationContext, ResourceSpec } from '../../shared/types';
import { datasetLocator, idField, query, seriesLocator, textFilter } from '../fields';
import { agora } from '../platform';
import { relationEnds } from './exams';

const DATASET_TYPES = [
	['DICOM', 300], ['Philips Raw', 100], ['Philips PAR/REC', 101], ['Philips Spectro', 102], ['Exam Card', 103], ['SIN File', 104],
	['Bruker Raw', 200], ['Bruker Subject', 201], ['Bruker Image', 202], ['Siemens Raw', 400], ['Siemens Protocol', 401],
	['ISMRMRD', 500], ['NIfTI-1', 600], ['NIfTI-2', 601], ['NIfTI Analyze 7.5', 602], ['jMRUI Spectro', 700], ['AEX', 800],
	['Query', 10000], ['Other', 100000],
].map(([name, value]) => ({ name: String(name), value: Number(value) })).sort((a, b) => a.name.localeCompare(b.name));

export const seriesResource: ResourceSpec = {
	value: 'series',
	name: 'Series',
	description: 'One acquisition of an exam, with its datasets',
	operations: [
		getOperation({ resource: 'series', noun: 'series', path: '/api/v2/series/{series}/', locator: seriesLocator, description: 'Get a series by ID. Returns the series record with its name and exam.' }),
		getManyOperation({
			resource: 'series',
			noun: 'series',
			plural: 'series',
			path: '/api/v2/series/',
			description: 'List series, optionally of one exam or by name. Returns one item per series.',
			fields: [
				optionalFields('Filters', 'filters', [
					[{ displayName: 'Exam ID', name: 'exam', type: 'number', default: 0, description: 'Only the series of this exam' }, query('exam')],
					textFilter('Name Contains', 'name', 'name__icontains', 'Only series whose name contains this text'),
				]),
			],
		}),
		{
			resource: 'series',
			operation: 'getDatasets',
			name: 'Get Datasets',
			action: 'Get the datasets of a series',
			description: 'List the datasets of a series. Returns one item per dataset.',
			method: 'GET',
			path: '/api/v2/series/{series}/datasets/',
			list: true,
			fields: [{ property: seriesLocator, send: { in: 'path' } }],
		},
		{
			resource: 'series',
			operation: 'getRelations',
			name: 'Get Relations',
			action: 'Get the related objects of a series',
			description: 'List the objects related to a series, e.g. its reference scans. Returns one item per relation with the object at its other end.',
			method: 'GET',
			path: '/api/v1/serie/{series}/datarelations/',
			fields: [{ property: seriesLocator, send: { in: 'path' } }],
			output: (body, op) => relationEnds(body, Number(op.params.series)),
		},
	],
};

interface Parameter extends IDataObject {
	Name: string;
}

/** Every parameter of a dataset, each with the set it comes from (parameters are read per set). */
async function datasetParameters({ ctx, itemIndex, params }: OperationContext): Promise<Parameter[]> {
	const sets = await apiJson<IDataObject[]>(ctx, agora, { method: 'GET', path: `/api/v2/dataset/${Number(params.dataset)}/parametersets/` }, itemIndex);
	const parameters: Parameter[] = [];
	for (const set of Array.isArray(sets) ? sets : []) {
		const full = await apiJson<IDataObject>(ctx, agora, { method: 'GET', path: `/api/v2/parameterset/${Number(set.id)}/`, qs: { flat: 'True' } }, itemIndex);
		for (const parameter of (full.parameters ?? []) as Parameter[]) parameters.push({ ...parameter, parameterSet: set.name as string, parameterSetId: set.id as number });
	}
	return parameters;
}

export const datasetResource: ResourceSpec = {
	value: 'dataset',
	name: 'Dataset',
	description: 'A set of files of one type (DICOM, raw data, NIfTI, ...)',
	operations: [
		getOperation({ resource: 'dataset', noun: 'dataset', path: '/api/v2/dataset/{dataset}/', locator: datasetLocator, description: 'Get a dataset by ID. Returns the dataset with its type, size and series.' }),
		getManyOperation({
			resource: 'dataset',
			noun: 'dataset',
			plural: 'datasets',
			path: '/api/v2/dataset/',
			description: 'List datasets, optionally of one series, by type or by name. Returns one item per dataset.',
			fields: [
				optionalFields('Filters', 'filters', [
					textFilter('Name Contains', 'name', 'name__icontains', 'Only datasets whose name contains this text'),
					[{ displayName: 'Series ID', name: 'series', type: 'number', default: 0, description: 'Only the datasets of this series' }, query('series')],
					[{ displayName: 'Type', name: 'type', description: 'Only datasets of this type', type: 'options', options: DATASET_TYPES, default: 300 }, query('type')],
				]),
			],
		}),
		{
			resource: 'dataset',
			operation: 'getDatafiles',
			name: 'Get Datafiles',
			action: 'Get the datafiles of a dataset',
			description: 'List the files of a dataset. Returns one item per datafile with its relative path, original file name, size and SHA-1.',
			method: 'GET',
			path: '/api/v2/dataset/{dataset}/datafiles/',
			list: true,
			fields: [{ property: datasetLocator, send: { in: 'path' } }],
		},
		{
			resource: 'dataset',
			operation: 'getParameter',
			name: 'Get Parameter',
			action: 'Get an acquisition parameter of a dataset',
			description: 'Get one acquisition parameter of a dataset by its exact name, e.g. EX_ACQ_echo_time. Returns its value and the parameter set it is in.',
			fields: [
				{ property: datasetLocator },
				{ property: { displayName: 'Parameter Name', name: 'parameterName', description: 'The exact name of the acquisition parameter', type: 'string', default: '', required: true, placeholder: 'e.g. EX_ACQ_echo_time' } },
			],
			execute: async (op: OperationContext) => {
				const wanted = String(op.params.parameterName);
				const found = (await datasetParameters(op)).filter((p) => p.Name === wanted);
				if (found.length === 0)
					invalidParameter('Parameter Name', `dataset ${String(op.params.dataset)} has no parameter "${wanted}"`, 'Names are exact and case-sensitive; use Search Parameters to find them.');
				return found;
			},
		},
		{
			resource: 'dataset',
			operation: 'searchParameters',
			name: 'Search Parameters',
			action: 'Search the acquisition parameters of a dataset',
			description: 'List the acquisition parameters of a dataset whose name starts with (or contains) a text. Returns one item per parameter.',
			fields: [
				{ property: datasetLocator },
				{ property: { displayName: 'Name Contains', name: 'search', type: 'string', default: '', placeholder: 'e.g. EX_GEO', description: 'Text the parameter name contains (not case-sensitive); empty lists every parameter' } },
			],
			execute: async (op: OperationContext) => {
				const needle = String(op.params.search ?? '').toLowerCase();
				return (await datasetParameters(op)).filter((p) => String(p.Name).toLowerCase().includes(needle));
			},
		},
	],
};

export const datafileResource: ResourceSpec = {
	value: 'datafile',
	name: 'Datafile',
	description: 'One file of a dataset',
	operations: [
		{
			resource: 'datafile',
			operation: 'get',
			name: 'Get',
			action: 'Get a datafile',
			description: 'Get a datafile record by ID. Returns its relative path, original file name, size and SHA-1.',
			method: 'GET',
			path: '/api/v2/datafile/{id}/',
			fields: [{ property: idField('Datafile ID', 'The ID of the datafile (from Get Datafiles of a dataset)'), send: { in: 'path' } }],
		},
	],
};

export const patientResource: ResourceSpec = {
	value: 'patient',
	name: 'Patient',
	description: 'A patient or subject whose exams are stored',
	operations: [
		{
			resource: 'patient',
			operation: 'get',
			name: 'Get',
			action: 'Get a patient',
			description: 'Get a patient by ID. Returns the patient with name, patient ID, birth date, sex and weight.',
			method: 'GET',
			path: '/api/v2/patient/{id}/',
			fields: [{ property: idField('Patient ID', 'The Agora ID of the patient record (not the hospital patient ID)'), send: { in: 'path' } }],
		},
		getManyOperation({
			resource: 'patient',
			noun: 'patient',
			plural: 'patients',
			path: '/api/v2/patient/',
			description: 'List patients, optionally by name or patient ID. Returns one item per patient.',
			fields: [
				optionalFields('Filters', 'filters', [
					textFilter('Name Contains', 'name', 'name__icontains', 'Only patients whose name contains this text'),
					textFilter('Patient ID', 'patientId', 'patient_id', 'Exact patient ID, e.g. HOSP2'),
				]),
			],
		}),
	],
};

export const userResource: ResourceSpec = {
	value: 'user',
	name: 'User',
	description: 'Agora accounts',
	operations: [
		{
			resource: 'user',
			operation: 'getCurrent',
			name: 'Get Current',
			action: 'Get the current user',
			description: 'Get the account of the credential. Returns its username, email, names and institution.',
			method: 'GET',
			path: '/api/v2/user/me/',
			fields: [],
		},
		{
			resource: 'user',
			operation: 'updateCurrent',
			name: 'Update Current',
			action: 'Update the current user',
			description: 'Change the first name, last name or email of the account of the credential. Returns the updated account.',
			method: 'PATCH',
			path: '/api/v2/user/me/',
			idempotent: true,
			fields: [
				optionalFields('Update Fields', 'updateFields', [
					[{ displayName: 'Email', name: 'email', description: 'The new email address of the account', type: 'string', placeholder: 'name@email.com', default: '' }, { in: 'body', key: 'email' }],
					[{ displayName: 'First Name', name: 'firstName', description: 'The new first name of the account', type: 'string', default: '' }, { in: 'body', key: 'first_name' }],
					[{ displayName: 'Last Name', name: 'lastName', description: 'The new last name of the account', type: 'string', default: '' }, { in: 'body', key: 'last_name' }],
				]),
			],
		},
		getManyOperation({
			resource: 'user',
			noun: 'user',
			plural: 'users',
			path: '/api/v2/user/',
			description: 'List users, optionally by username. Returns one item per user.',
			fields: [optionalFields('Filters', 'filters', [textFilter('Username', 'username', 'username', 'Exact username')])],
		}),
	],
};

export const groupResource: ResourceSpec = {
	value: 'group',
	name: 'Group',
	description: 'User groups',
	operations: [getManyOperation({ resource: 'group', noun: 'group', plural: 'groups', path: '/api/v2/group/', description: 'List the user groups. Returns one item per group.' })],
};

export const serverResource: ResourceSpec = {
	value: 'server',
	name: 'Server',
	description: 'The Agora server itself',
	operations: [
		{
			resource: 'server',
			operation: 'getVersion',
			name: 'Get Version',
			action: 'Get the server version',
			description: 'Get the version of the Agora server. Returns e.g. {"server": "agora", "version": "7.14.6"}.',
			method: 'GET',
			path: '/api/v1/version/',
			fields: [],
		},
	],
};
