import type { ResourceSpec } from '../../shared/types';
import { registerFiles } from '../actions/registerFiles';
import { QC_OPTIONS, repositoryLocator } from '../fields';

export const registerFileResource: ResourceSpec = {
	value: 'file',
	name: 'File',
	description: 'Register data files of a session (datasets and file records in one call)',
	operations: [
		{
			resource: 'file',
			operation: 'register',
			name: 'Register',
			action: 'Register files of a session',
			description:
				'Register one or many files of a session on a repository: creates or updates one dataset per file and its file records. Returns one item per file with the dataset ID, type, revision, QC and file records.',
			fields: [
				{ property: { displayName: 'Session Path', name: 'sessionPath', type: 'string', default: '', required: true, placeholder: 'e.g. Algernon/2026-01-10/001', description: 'The path of an existing session, nickname/YYYY-MM-DD/number, relative to the repository root' } },
				{ property: { displayName: 'File Names', name: 'filenames', type: 'string', default: '', required: true, placeholder: 'e.g. alf/trials.table.pqt, alf/wheel.position.npy', description: 'Paths relative to the session path, comma-separated (or a list from an expression); a revision folder is written alf/#2026-01-11#/file' } },
				{
					property: {
						displayName: 'Repository By',
						name: 'repositoryBy',
						description: 'How to choose the data repository the files are on',
						type: 'options',
						options: [
							{ name: 'Name', value: 'name' },
							{ name: 'Host Name (Legacy)', value: 'hostname' },
							{ name: 'Lab Default', value: 'lab', description: 'The repositories of the subject\'s lab' },
						],
						default: 'name',
					},
				},
				{ property: { ...repositoryLocator, displayName: 'Repository', displayOptions: { show: { repositoryBy: ['name'] } } } },
				{ property: { displayName: 'Host Name', name: 'hostname', description: 'The host name of the data repository', type: 'string', default: '', required: true, placeholder: 'e.g. ibl.flatironinstitute.org', displayOptions: { show: { repositoryBy: ['hostname'] } } } },
				{
					property: {
						displayName: 'Options',
						name: 'options',
						type: 'collection',
						placeholder: 'Add Option',
						default: {},
						options: [
							{ displayName: 'Check Protected', name: 'checkProtected', type: 'boolean', default: false, description: 'Whether to stop when a dataset being replaced is protected' },
							{ displayName: 'Created By', name: 'createdBy', type: 'string', default: '', description: 'Username; defaults to the account of the credential' },
							{ displayName: 'Default Revision', name: 'default', type: 'boolean', default: true, description: 'Whether the datasets become the default revision' },
							{ displayName: 'Exists', name: 'exists', type: 'boolean', default: true, description: 'Whether the files are already on the repository' },
							{ displayName: 'File Sizes', name: 'fileSizes', type: 'string', default: '', description: 'Sizes in bytes, one per file, comma-separated' },
							{ displayName: 'Hashes', name: 'hashes', type: 'string', default: '', description: 'Hashes (e.g. MD5), one per file, comma-separated' },
							{ displayName: 'Labs', name: 'labs', type: 'string', default: '', description: 'Labs whose repositories get file records, comma-separated; defaults to the subject\'s lab' },
							{ displayName: 'QC', name: 'qc', description: 'The QC outcome to set on the datasets', type: 'options', options: QC_OPTIONS, default: 'NOT_SET' },
							{ displayName: 'Server Only', name: 'serverOnly', type: 'boolean', default: false, description: 'Whether only server (non-personal) repositories get file records' },
							{ displayName: 'Versions', name: 'versions', type: 'string', default: '', description: 'Versions, one per file or one for all, comma-separated' },
						],
					},
				},
			],
			execute: registerFiles,
		},
	],
};
