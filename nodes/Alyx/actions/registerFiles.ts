/** Register File: one POST /register-file for many files; one output item per registered file. */
import type { IDataObject } from 'n8n-workflow';
import { invalidParameter } from '../../shared/errors';
import { apiJson } from '../../shared/transport';
import type { OperationContext } from '../../shared/types';
import { toList } from '../fields';
import { alyx } from '../platform';

const SESSION_PATH = /^[^/]+\/\d{4}-\d{2}-\d{2}\/\d{1,3}(\/.*)?$/;

/** Lists given one per file must match the number of files. */
function perFile(name: string, value: unknown, files: number): string[] | undefined {
	const list = toList(value ?? '');
	if (list.length === 0) return undefined;
	if (list.length !== files && !(list.length === 1 && (name === 'Versions' || name === 'QC')))
		invalidParameter(name, `${list.length} values for ${files} files`, `Give one value per file, in the order of "File Names"${name === 'Versions' ? ', or one for all' : ''}.`);
	return list;
}

export async function registerFiles({ ctx, itemIndex, params }: OperationContext): Promise<IDataObject[]> {
	const path = String(params.sessionPath ?? '').trim().replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
	if (!SESSION_PATH.test(path))
		invalidParameter('Session Path', `"${path}" is not a session path`, 'Use nickname/YYYY-MM-DD/number, e.g. Algernon/2026-01-10/001.');
	const filenames = toList(params.filenames ?? '');
	if (filenames.length === 0) invalidParameter('File Names', 'no file names given', 'List the files relative to the session path, e.g. alf/trials.table.pqt.');

	const options = (params.options ?? {}) as IDataObject;
	const body: IDataObject = { path, filenames };
	if (params.repositoryBy === 'hostname') body.hostname = String(params.hostname ?? '');
	else if (params.repositoryBy === 'name' && params.repository) body.name = String(params.repository);
	if (options.createdBy) body.created_by = options.createdBy;
	const labs = toList(options.labs ?? '');
	if (labs.length) body.labs = labs;
	const hashes = perFile('Hashes', options.hashes, filenames.length);
	if (hashes) body.hashes = hashes;
	const sizes = perFile('File Sizes', options.fileSizes, filenames.length);
	if (sizes) {
		const numbers = sizes.map(Number);
		if (numbers.some((n) => !Number.isInteger(n) || n < 0)) invalidParameter('File Sizes', 'sizes must be whole numbers of bytes', 'Give sizes such as 1234, one per file.');
		body.filesizes = numbers;
	}
	const versions = perFile('Versions', options.versions, filenames.length);
	if (versions) body.versions = versions;
	if (options.qc) body.qc = options.qc;
	for (const [option, key] of [['default', 'default'], ['exists', 'exists'], ['serverOnly', 'server_only'], ['checkProtected', 'check_protected']] as const) {
		if (typeof options[option] === 'boolean') body[key] = options[option];
	}

	// Registering is idempotent on the server (same files → same datasets), so a retry is safe.
	const registered = await apiJson<IDataObject[]>(ctx, alyx, { method: 'POST', path: '/register-file', body, idempotent: true }, itemIndex);
	return registered;
}
