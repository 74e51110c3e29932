/**
 * Import → Upload: files from n8n binary data into an Agora folder, exam or series through an
 * import session (agora.md B.6): create (or resume) the session, send every file in chunks,
 * complete it with the template and relations, wait for the import, then check every file's
 * SHA-1 against the import result. One output item per imported file.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { binaryFile, selectBinaryFields, sha1OfFile } from '../../../shared/binaryFiles';
import type { BinaryFile } from '../../../shared/binaryFiles';
import { invalidParameter, operationError } from '../../../shared/errors';
import { TRANSFER_RETRY_POLICY } from '../../../shared/retry';
import type { RetryPolicy } from '../../../shared/retry';
import { apiJson, apiRequest, loadCredentials } from '../../../shared/transport';
import type { OperationContext, ParameterValues } from '../../../shared/types';
import { pollUntil } from '../../../shared/wait';
import { agora } from '../../platform';
import { sendFile } from './chunkedUpload';
import type { ChunkSettings, SentFile } from './chunkedUpload';
import { UploadProgress } from './progress';
import { importRoutes } from './routes';
import type { ImportRoutes } from './routes';
import { resolveRelations, templateFromParameters } from './uploadInputs';

const MiB = 1024 * 1024;

interface FileToSend {
	file: BinaryFile;
	path: string;
	/** The template travels with the data but is not itself imported. */
	isTemplate?: boolean;
}

/** Every file the run sends, with its target path; checked before any request. */
async function collectFiles(op: OperationContext, itemIndexes: number[]): Promise<FileToSend[]> {
	const { ctx, params } = op;
	const options = (params.options ?? {}) as IDataObject;
	const prefix = String(options.pathPrefix ?? '').replace(/^\/+/, '').replace(/\/*$/, (m) => (options.pathPrefix ? '/' : m));
	const templateField = params.templateSource === 'binaryField' ? String(params.templateField ?? '') : '';
	const files: FileToSend[] = [];
	const seen = new Map<string, number>();
	for (const itemIndex of itemIndexes) {
		for (const field of selectBinaryFields(ctx, itemIndex, String(params.binaryFields ?? 'data'), 'Binary Fields')) {
			if (field === templateField) continue;
			const file = await binaryFile(ctx, itemIndex, field, 'Binary Fields');
			const path = `${prefix}${file.fileName}`;
			if (seen.has(path))
				invalidParameter('Binary Fields', `two files would land at the same path "${path}" (items ${seen.get(path)} and ${itemIndex})`, 'Give the files different names (for example with a Rename Keys or Code node), or upload them in separate imports.');
			seen.set(path, itemIndex);
			files.push({ file, path });
		}
	}
	if (files.length === 0) invalidParameter('Binary Fields', 'no files to upload', 'Make sure the input items carry binary data in the named fields.');
	return files;
}

/** The chunking and retry settings from the options (checked before any request). */
function transferSettings(params: ParameterValues): Pick<ChunkSettings, 'chunkSize' | 'chunkHashes' | 'policy'> {
	const options = (params.options ?? {}) as IDataObject;
	const chunkMiB = Number(options.chunkSizeMiB ?? 16);
	if (!(chunkMiB >= 1 && chunkMiB <= 1024)) invalidParameter('Chunk Size (MiB)', `${chunkMiB} is out of range`, 'Use a chunk size from 1 to 1024 MiB (16 is a good default; the Python connector uses 100).');
	const retries = Number(options.retries ?? 10);
	return {
		chunkSize: Math.round(chunkMiB * MiB),
		chunkHashes: options.chunkHashes !== false,
		policy: { ...TRANSFER_RETRY_POLICY, maxRetries: Math.max(0, Math.floor(retries)) },
	};
}

/** The session to upload into: a new one, or the one named for resuming. */
async function openSession(op: OperationContext, routes: ImportRoutes, folder: number | undefined, policy: RetryPolicy): Promise<{ id: number; resumed: boolean; complete: boolean }> {
	const { ctx, itemIndex } = op;
	const options = (op.params.options ?? {}) as IDataObject;
	const resumeId = String(options.resumeImportId ?? '').trim();
	if (resumeId) {
		if (!/^\d+$/.test(resumeId)) invalidParameter('Resume Import ID', `"${resumeId}" is not an import ID`, 'Enter the number the failed run reported (for example 77), or clear the option to start a new import.');
		const session = await apiJson<IDataObject>(ctx, agora, { method: 'GET', path: routes.session(Number(resumeId)) }, itemIndex, policy);
		ctx.logger.info(`Agora: resuming import ${resumeId}`);
		return { id: Number(resumeId), resumed: true, complete: session.is_complete === true || Number(session.state) >= 2 || Number(session.state) === -1 };
	}
	const { path, body } = routes.create(folder);
	const created = await apiJson<IDataObject>(ctx, agora, { method: 'POST', path, body, retryWhenRefused: true }, itemIndex, policy);
	const id = Number(created.id);
	if (!Number.isInteger(id)) throw new NodeOperationError(ctx.getNode(), 'Agora created an import session without an ID', { itemIndex, description: 'The server answered in an unexpected shape; check the Route Set of the credential.' });
	return { id, resumed: false, complete: false };
}

interface ImportOutcome {
	state: number;
	progress: number;
	error?: string;
}

async function waitForImport(ctx: IExecuteFunctions, routes: ImportRoutes, importId: number, timeoutSeconds: number, itemIndex: number, policy: RetryPolicy): Promise<ImportOutcome> {
	const outcome = await pollUntil<ImportOutcome>({
		intervalMs: 1000,
		timeoutMs: timeoutSeconds * 1000,
		check: async () => {
			const body = await apiJson<IDataObject>(ctx, agora, { method: 'GET', path: routes.status(importId) }, itemIndex, policy);
			if (typeof body?.state !== 'number')
				throw new NodeOperationError(ctx.getNode(), `Agora's import status has no state (import ${importId})`, { itemIndex, description: 'The server answered in an unexpected shape; check the Route Set of the credential.' });
			const state = body.state;
			const progress = typeof body.progress === 'number' ? body.progress : state === 5 ? 100 : 0;
			const value = { state, progress, error: body.error ? String(body.error) : undefined };
			return { done: state === -1 || (state === 5 && progress >= 100), value };
		},
		onProgress: (value, waited) => {
			if (waited % 10000 < 1000) ctx.logger.info(`Agora import ${importId}: state ${value.state}, ${value.progress}%`);
		},
		onTimeout: (last, waited) =>
			new NodeOperationError(ctx.getNode(), `Agora import ${importId} is still running after ${Math.round(waited / 1000)} s (state ${last.state}, ${last.progress}%)`, {
				itemIndex,
				description: `The files are uploaded; Agora goes on importing. Raise "Timeout (Seconds)", or check later with Import → Get (ID ${importId}).`,
			}),
	});
	if (outcome.state === -1)
		throw new NodeOperationError(ctx.getNode(), `Agora could not import the files of import ${importId}: ${outcome.error || 'no reason given'}`, {
			itemIndex,
			description: 'Check the files and the import template (file names, JSON). The uploaded data stays in Agora\'s import; fix the cause and upload again.',
		});
	return outcome;
}

/** The import result's entry per target path; undefined when the server does not report one. */
async function importResult(ctx: IExecuteFunctions, routes: ImportRoutes, importId: number, itemIndex: number, policy: RetryPolicy): Promise<Map<string, IDataObject> | undefined> {
	const response = await apiRequest<unknown>(ctx, agora, { method: 'GET', path: routes.result(importId), acceptError: (status) => status === 404 }, itemIndex, policy);
	if (response.statusCode === 404) return undefined;
	const body = response.body;
	const byPath = new Map<string, IDataObject>();
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		if (!Array.isArray((body as IDataObject).datafiles)) return undefined;
		for (const entry of (body as IDataObject).datafiles as IDataObject[]) byPath.set(String(entry.path), entry);
		return byPath;
	}
	// Before Agora 7.14: a list of objects, each with datafiles {id, name, sha1}, matched by base name.
	if (Array.isArray(body)) {
		for (const object of body as IDataObject[])
			for (const entry of ((object.datafiles ?? []) as IDataObject[])) byPath.set(`name:${String(entry.name)}`, { ...entry, dataset: entry.dataset ?? object.id });
		return byPath;
	}
	return undefined;
}

export async function uploadFiles(op: OperationContext): Promise<INodeExecutionData[]> {
	const { ctx, itemIndex, params } = op;
	const options = (params.options ?? {}) as IDataObject;
	const allItems = params.filesFrom !== 'eachItem';
	if (allItems && itemIndex > 0) return []; // the first item's run uploaded every item's files
	const itemIndexes = allItems ? ctx.getInputData().map((_, i) => i) : [itemIndex];

	// Everything that can be checked is checked before the first request.
	const files = await collectFiles(op, itemIndexes);
	const target = String(params.uploadInto ?? 'folder');
	const targetId = Number(params[target]);
	if (!Number.isInteger(targetId) || targetId <= 0) invalidParameter(target === 'folder' ? 'Folder' : target === 'exam' ? 'Exam' : 'Series', 'no target chosen', 'Pick the target from the list or enter its ID.');
	const relations = resolveRelations(params, files.map((f) => f.path));
	const routes = importRoutes((await loadCredentials(ctx, agora, itemIndex)).routeSet);
	const template = await templateFromParameters(op, files.map((f) => f.path), target === 'exam' ? targetId : undefined);
	const transfer = transferSettings(params);
	const waitForIt = options.waitForImport !== false;
	const timeoutSeconds = Number(options.timeout ?? 3600);

	if (template) files.push({ file: template.file, path: template.path, isTemplate: true });

	const session = await openSession(op, routes, target === 'folder' ? targetId : undefined, transfer.policy);
	const importId = session.id;
	const settings: ChunkSettings = { ...transfer, importId, routes, resume: session.resumed, itemIndex };
	const progress = new UploadProgress(ctx.logger, importId, files.reduce((sum, f) => sum + f.file.size, 0));
	const sent: SentFile[] = [];
	if (!session.complete) {
		for (const entry of files) {
			const outcome = await sendFile(ctx, entry.file, entry.path, settings, progress);
			if ('stopped' in outcome) {
				const message = `Upload to Agora stopped at chunk ${outcome.chunk} of ${outcome.totalChunks} of "${outcome.path}" (${outcome.reason}). Import ${importId} holds ${sent.length} of ${files.length} files complete; ${progress.describe()}.`;
				// n8n would replace a message that mentions a network error code (ECONNREFUSED…)
				// with its generic text, losing the import ID: operationError keeps it.
				throw operationError(ctx.getNode(), message, {
					itemIndex,
					description: `Run the node again with Options → Resume Import ID = ${importId}: it asks Agora which chunks arrived and sends only the missing ones.`,
				});
			}
			sent.push(outcome);
		}
		const completion: IDataObject = { [target]: targetId };
		if (template) completion.import_file = template.path;
		if (relations) completion.relations = relations;
		if (options.extractZipFiles === true) completion.extract_zip_files = true;
		await apiRequest(
			ctx,
			agora,
			// Sent again after a lost answer, a second completion is refused as "already complete": the first one counted.
			{ method: 'POST', path: routes.complete(importId), body: completion, idempotent: true, acceptError: (status, text) => status === 400 && /already complete/i.test(text) },
			itemIndex,
			settings.policy,
		);
		ctx.logger.info(`Agora upload to import ${importId} complete: ${progress.describe()}`);
	}

	const summary: IDataObject = { importId, files: files.filter((f) => !f.isTemplate).length, resumed: session.resumed, ...progress.summary() };
	const sentByPath = new Map(sent.map((s) => [s.path, s]));
	const dataFiles = files.filter((f) => !f.isTemplate);
	if (!waitForIt) {
		return dataFiles.map((f) => ({ json: { importId, path: f.path, size: f.file.size, sha1: sentByPath.get(f.path)?.sha1 ?? null, status: 'uploaded', summary }, pairedItem: { item: f.file.itemIndex } }));
	}

	const outcome = await waitForImport(ctx, routes, importId, timeoutSeconds, itemIndex, settings.policy);
	summary.importState = outcome.state;
	const result = await importResult(ctx, routes, importId, itemIndex, settings.policy);
	const verify = options.verifyHashes !== false;
	const problems: string[] = [];
	const output: INodeExecutionData[] = [];
	for (const f of dataFiles) {
		// A resumed import that was already complete sent nothing: hash the stored file now.
		const local = sentByPath.get(f.path) ?? (await alreadySent(f.file, f.path, settings.chunkSize));
		const entry = result?.get(f.path) ?? result?.get(`name:${f.path.split('/').pop()}`);
		let hashStatus: string;
		if (!result) hashStatus = 'not reported by the server';
		else if (!entry) {
			hashStatus = 'missing from the import result';
			problems.push(`"${f.path}" is missing from the import result`);
		} else if (!verify) hashStatus = 'not checked';
		else if (String(entry.sha1 ?? '').toLowerCase() === local.sha1) hashStatus = 'verified';
		else {
			hashStatus = 'mismatch';
			problems.push(`"${f.path}": Agora stored SHA-1 ${String(entry.sha1)}, the file sent has ${local.sha1}`);
		}
		output.push({
			json: {
				importId,
				path: f.path,
				fileName: f.file.fileName,
				size: f.file.size,
				sha1: local.sha1,
				hashStatus,
				status: entry?.created === false ? 'already existed' : 'imported',
				datafile: entry?.id ?? null,
				dataset: entry?.dataset ?? null,
				chunks: { total: local.totalChunks, sent: local.chunksSent, alreadyOnServer: local.chunksSkipped },
				summary,
			},
			pairedItem: { item: f.file.itemIndex },
		});
	}
	if (problems.length)
		throw new NodeOperationError(ctx.getNode(), `Agora import ${importId} does not match the files sent: ${problems.join('; ')}`, {
			itemIndex,
			description: 'The data in Agora differs from the input. Upload the named files again (a new import) and check the source files; do not rely on the imported copies.',
		});
	return output;
}

/** A file of an import that was complete before this run: nothing sent, its hash computed. */
async function alreadySent(file: BinaryFile, path: string, chunkSize: number): Promise<SentFile> {
	const totalChunks = Math.ceil(file.size / chunkSize);
	return { path, size: file.size, sha1: await sha1OfFile(file), identifier: '', totalChunks, chunksSent: 0, chunksSkipped: totalChunks };
}
