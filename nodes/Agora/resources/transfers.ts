/** Transfers: uploads through import sessions, ZIP and file downloads (agora.md A.9, A.10, B.6, B.7). */
import type { INodeProperties } from 'n8n-workflow';
import { optionalFields } from '../../shared/fields';
import type { OptionalField } from '../../shared/fields';
import type { FieldSpec, OperationSpec, ResourceSpec } from '../../shared/types';
import { downloadDatafile, downloadFilesOf, downloadZip, ZIP_OBJECT_TYPES } from '../actions/downloads';
import { importRoutes } from '../actions/imports/routes';
import { DATASET_TYPES } from '../actions/imports/template';
import { uploadFiles } from '../actions/imports/uploadFiles';
import { datasetLocator, examLocator, folderLocator, idField, seriesLocator } from '../fields';
import { apiJson, loadCredentials } from '../../shared/transport';
import { agora } from '../platform';

const show = (name: string, values: string[]) => ({ show: { [name]: values } });
const title = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

const outputField: FieldSpec = {
	property: { displayName: 'Output Binary Field', name: 'outputField', type: 'string', default: 'data', description: 'Name of the binary field the downloaded file is put in' },
};
const timeoutOption: OptionalField = [{ displayName: 'Timeout (Seconds)', name: 'timeout', type: 'number', typeOptions: { minValue: 1 }, default: 3600, description: 'How long to wait for Agora' }, undefined];
const verifyHashOption: OptionalField = [{ displayName: 'Verify SHA-1', name: 'verifyHash', type: 'boolean', default: true, description: 'Whether to compare each file\'s SHA-1 with Agora\'s datafile record (a mismatch fails the item)' }, undefined];

const uploadTargetFields: FieldSpec[] = [
	{
		property: {
			displayName: 'Upload Into',
			name: 'uploadInto',
			description: 'Where the uploaded files go',
			type: 'options',
			options: [
				{ name: 'Folder', value: 'folder', description: 'Agora sorts the files into exams and series, or keeps them as datasets in the folder' },
				{ name: 'Existing Exam', value: 'exam', description: 'Add the files to an exam' },
				{ name: 'Existing Series', value: 'series', description: 'Add the files to a series' },
			],
			default: 'folder',
		},
	},
	{ property: { ...folderLocator, displayName: 'Target Folder', displayOptions: show('uploadInto', ['folder']) } },
	{ property: { ...examLocator, displayName: 'Target Exam', displayOptions: show('uploadInto', ['exam']) } },
	{ property: { ...seriesLocator, displayName: 'Target Series', displayOptions: show('uploadInto', ['series']) } },
];

const templateFields: FieldSpec[] = [
	{
		property: {
			displayName: 'Import Template',
			name: 'templateSource',
			type: 'options',
			options: [
				{ name: 'None', value: 'none', description: 'Agora recognises the files itself (e.g. DICOM)' },
				{ name: 'Generate', value: 'generate', description: 'Build a template: the target exam (or a new one), a new series, one dataset with every file' },
				{ name: 'From Binary Field', value: 'binaryField', description: 'A JSON template file among the input item\'s files' },
				{ name: 'JSON', value: 'json', description: 'Type or map the template' },
			],
			default: 'none',
			description: 'A JSON import template forces the patient, exam and series the files land in (for files Agora cannot sort itself, e.g. PAR/REC)',
		},
	},
	{ property: { displayName: 'Template Binary Field', name: 'templateField', type: 'string', default: 'template', displayOptions: show('templateSource', ['binaryField']), description: 'Binary field of the first item holding the template file; it is uploaded with the data but not imported as data' } },
	{ property: { displayName: 'Template JSON', name: 'templateJson', type: 'json', default: '{}', displayOptions: show('templateSource', ['json']), description: 'The import template (see the README for its fields)' } },
	{ property: { displayName: 'Series Name', name: 'templateSeriesName', type: 'string', default: 'n8n upload', displayOptions: show('templateSource', ['generate']), description: 'Name of the series the template creates' } },
	{
		property: {
			displayName: 'Dataset Type',
			name: 'templateDatasetType',
			type: 'options',
			options: DATASET_TYPES.map((value) => ({ name: value, value })),
			default: 'OTHER',
			displayOptions: show('templateSource', ['generate']),
			description: 'Agora dataset type of the uploaded files',
		},
	},
	{ property: { displayName: 'Template Overrides', name: 'templateOverrides', type: 'json', default: '{}', displayOptions: show('templateSource', ['generate']), description: 'JSON merged into the generated template, e.g. {"ImportParameter": {"Series": {"AcquisitionNumber": 7}}}' } },
];

const relationsField: FieldSpec = {
	property: {
		displayName: 'Relations',
		name: 'relations',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Relation',
		default: {},
		description: 'Extra files attached to the series or dataset Agora creates from a main file (e.g. a log file with a raw file)',
		options: [
			{
				displayName: 'Relation',
				name: 'relation',
				values: [
					{ displayName: 'Main File', name: 'mainFile', type: 'string', default: '', placeholder: 'e.g. rawfile.raw', description: 'File name (or target path) of the main file' },
					{ displayName: 'Extra Files', name: 'extraFiles', type: 'string', default: '', placeholder: 'e.g. logfile.txt, notes.txt', description: 'Comma-separated file names (or target paths) to attach' },
				],
			},
		],
	},
};

const uploadOptions = optionalFields(
	'Options',
	'options',
	[
		[{ displayName: 'Chunk Size (MiB)', name: 'chunkSizeMiB', type: 'number', typeOptions: { minValue: 1, maxValue: 1024 }, default: 16, description: 'Size of each upload request; memory use is about twice this' }, undefined],
		[{ displayName: 'Chunk Retries', name: 'retries', type: 'number', typeOptions: { minValue: 0 }, default: 10, description: 'How often a failed request (a chunk, a status check) is sent again, with growing pauses, before the node stops and reports the import ID to resume' }, undefined],
		[{ displayName: 'Extract ZIP Files', name: 'extractZipFiles', type: 'boolean', default: false, description: 'Whether Agora unpacks uploaded ZIP archives' }, undefined],
		[{ displayName: 'Path Prefix', name: 'pathPrefix', type: 'string', default: '', placeholder: 'e.g. scans/2026-11-22', description: 'Folder path put before every file name (the files\' relative paths in the import)' }, undefined],
		[{ displayName: 'Resume Import ID', name: 'resumeImportId', type: 'string', default: '', placeholder: 'e.g. 77', description: 'Continue an interrupted upload: only the chunks Agora does not have are sent' }, undefined],
		[{ displayName: 'Send Chunk Checksums', name: 'chunkHashes', type: 'boolean', default: true, description: 'Whether to send each chunk\'s SHA-256 so that Agora rejects a damaged chunk' }, undefined],
		timeoutOption,
		[{ displayName: 'Verify SHA-1', name: 'verifyHashes', type: 'boolean', default: true, description: 'Whether to compare each file\'s SHA-1 with the import result (a mismatch fails the node)' }, undefined],
		[{ displayName: 'Wait for Import', name: 'waitForImport', type: 'boolean', default: true, description: 'Whether to wait until Agora has imported the files and check them; otherwise return after the upload' }, undefined],
	],
	'Add Option',
);

const importIdField: INodeProperties = { ...idField('Import ID', 'The import session ID'), description: 'The import session ID (from an upload\'s output or error message)' };

const upload: OperationSpec = {
	resource: 'import',
	operation: 'upload',
	name: 'Upload',
	action: 'Upload files into Agora',
	description:
		'Upload the input items\' files (n8n binary data) into a folder, exam or series: chunked and resumable, then wait for the import and verify each file\'s SHA-1. Returns one item per file with its datafile, dataset and hash status.',
	fields: [
		...uploadTargetFields,
		{ property: { displayName: 'Binary Fields', name: 'binaryFields', type: 'string', default: 'data', description: 'Binary fields holding the files, separated by commas, or * for all of an item\'s files' } },
		{
			property: {
				displayName: 'Files From',
				name: 'filesFrom',
				description: 'Whether all input items share one import or each item gets its own',
				type: 'options',
				options: [
					{ name: 'All Items (One Import)', value: 'allItems', description: 'Every input item\'s files go into one import, with the first item\'s settings' },
					{ name: 'Each Item (One Import per Item)', value: 'eachItem' },
				],
				default: 'allItems',
			},
		},
		...templateFields,
		relationsField,
		uploadOptions,
	],
	execute: uploadFiles,
};

const importInfo = (operation: 'get' | 'getResult'): OperationSpec => ({
	resource: 'import',
	operation,
	name: operation === 'get' ? 'Get' : 'Get Result',
	action: operation === 'get' ? 'Get an import' : 'Get the result of an import',
	description:
		operation === 'get'
			? 'Get an import session by ID. Returns its state (1 uploading … 5 finished, -1 failed), progress, whether it is complete, and its error.'
			: 'Get the files an import created. Returns one item per file with its datafile, dataset, path and SHA-1.',
	fields: [{ property: importIdField }],
	execute: async ({ ctx, itemIndex, params }) => {
		const routes = importRoutes((await loadCredentials(ctx, agora, itemIndex)).routeSet);
		const id = Number(String(params.id).trim());
		const path = operation === 'get' ? routes.session(id) : routes.result(id);
		const body = await apiJson<Record<string, unknown>>(ctx, agora, { method: 'GET', path }, itemIndex);
		return operation === 'get' ? [body as never] : (((body as { datafiles?: unknown[] }).datafiles ?? []) as never[]).map((d) => ({ importId: id, ...(d as object) }));
	},
});

export const importResource: ResourceSpec = {
	value: 'import',
	name: 'Import (Upload)',
	description: 'Upload files into Agora and follow their import',
	operations: [upload, importInfo('get'), importInfo('getResult')],
};

const zipObjectsField: FieldSpec = {
	property: {
		displayName: 'Objects',
		name: 'objects',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Object',
		default: { object: [{ type: 'exam', id: '' }] },
		description: 'What goes into the archive; each object\'s files sit under their relative paths',
		options: [
			{
				displayName: 'Object',
				name: 'object',
				values: [
					{ displayName: 'Type', name: 'type', description: 'The kind of object to put into the archive', type: 'options', options: ZIP_OBJECT_TYPES.map((value) => ({ name: title(value), value })), default: 'exam' },
					{ displayName: 'ID', name: 'id', description: 'The ID of the object', type: 'string', default: '', placeholder: 'e.g. 42' },
				],
			},
		],
	},
};

export const downloadResource: ResourceSpec = {
	value: 'download',
	name: 'Download',
	description: 'Download archives and files from Agora into n8n binary data',
	operations: [
		{
			resource: 'download',
			operation: 'zip',
			name: 'Download ZIP Archive',
			action: 'Download objects as a ZIP archive',
			description: 'Have Agora pack projects, folders, exams, series, datasets or patients into one ZIP, wait until it is ready, and stream it into a binary field. Returns one item with the archive (application/zip).',
			fields: [zipObjectsField, outputField, optionalFields('Options', 'options', [[{ displayName: 'File Name', name: 'fileName', type: 'string', default: '', description: 'Name of the ZIP file (default: the name Agora gives it)' }, undefined], timeoutOption], 'Add Option')],
			execute: downloadZip,
		},
		{
			resource: 'download',
			operation: 'files',
			name: 'Download Files',
			action: 'Download every file of a dataset, series or exam',
			description: 'Download every datafile of a dataset, series or exam and check each file\'s SHA-1. Returns one item per file with its binary data.',
			fields: [
				{
					property: {
						displayName: 'Files Of',
						name: 'filesOf',
						description: 'The kind of object whose files to download',
						type: 'options',
						options: ['dataset', 'series', 'exam'].map((value) => ({ name: title(value), value })),
						default: 'dataset',
					},
				},
				{ property: { ...datasetLocator, displayOptions: show('filesOf', ['dataset']) } },
				{ property: { ...seriesLocator, displayOptions: show('filesOf', ['series']) } },
				{ property: { ...examLocator, displayOptions: show('filesOf', ['exam']) } },
				outputField,
				optionalFields('Options', 'options', [verifyHashOption], 'Add Option'),
			],
			execute: downloadFilesOf,
		},
	],
};

/** Datafile → Download: one file, its SHA-1 checked. */
export const datafileDownload: OperationSpec = {
	resource: 'datafile',
	operation: 'download',
	name: 'Download',
	action: 'Download a datafile',
	description: 'Download one datafile into a binary field (streamed) and check its SHA-1 against the datafile record. Returns the record with the file.',
	fields: [{ property: idField('Datafile ID', 'The ID of the datafile (from Get Datafiles of a dataset)') }, outputField, optionalFields('Options', 'options', [verifyHashOption], 'Add Option')],
	execute: downloadDatafile,
};
