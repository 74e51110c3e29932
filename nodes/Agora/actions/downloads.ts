/**
 * Downloads (agora.md A.10, B.7, Part C): ZIP archives through Agora's asynchronous download
 * (request, poll until ready, stream), and single datafiles with their SHA-1 checked against
 * the datafile record. Everything lands in n8n binary data without passing through memory.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { formatBytes, mibPerSecond } from '../../shared/binaryFiles';
import { downloadToBinary } from '../../shared/download';
import { invalidParameter } from '../../shared/errors';
import { fetchAll } from '../../shared/lists';
import { TRANSFER_RETRY_POLICY } from '../../shared/retry';
import { apiJson, loadCredentials } from '../../shared/transport';
import type { OperationContext, ParameterValues } from '../../shared/types';
import { pollUntil } from '../../shared/wait';
import { agora } from '../platform';

export const ZIP_OBJECT_TYPES = ['project', 'folder', 'exam', 'series', 'dataset', 'patient'];

interface ZipObject {
	type: string;
	id: number;
}

function zipObjects(params: ParameterValues): ZipObject[] {
	const rows = (((params.objects ?? {}) as IDataObject).object ?? []) as IDataObject[];
	const objects = rows.map((row, index) => {
		const type = String(row.type ?? '');
		const id = Number(String(row.id ?? '').trim());
		if (!ZIP_OBJECT_TYPES.includes(type)) invalidParameter('Objects → Type', `row ${index + 1} has type "${type}"`, `Choose one of ${ZIP_OBJECT_TYPES.join(', ')}.`);
		if (!Number.isInteger(id) || id <= 0) invalidParameter('Objects → ID', `row ${index + 1} has no valid ID ("${String(row.id ?? '')}")`, 'Enter the numeric ID of the object (for example from Exam → Get Many).');
		return { type, id };
	});
	if (objects.length === 0) invalidParameter('Objects', 'nothing to download', 'Add at least one project, folder, exam, series, dataset or patient.');
	return objects;
}

/** The two route sets of the ZIP download (documented `download/`, connector `downloadfile/`). */
function zipRoutes(routeSet: unknown) {
	if (routeSet === 'connector') {
		return {
			create: (objects: ZipObject[]) => {
				const body: IDataObject = {};
				for (const { type, id } of objects) {
					const key = `${type}_ids`;
					body[key] = [...((body[key] as number[]) ?? []), id];
				}
				return { path: '/api/v1/downloadfile/', body };
			},
			status: (id: number) => `/api/v1/downloadfile/${id}/`,
			stream: (id: number) => `/api/v1/downloadfile/${id}/download/`,
		};
	}
	return {
		create: (objects: ZipObject[]) => ({ path: '/api/v2/download/', body: objects.map(({ type, id }) => ({ object_type: type, object_id: id })) }),
		status: (id: number) => `/api/v2/download/${id}/`,
		stream: (id: number) => `/api/v2/download/${id}/stream/`,
	};
}

function packageState(body: IDataObject): 'ready' | 'failed' | 'waiting' {
	const state = String(body.state ?? '').toUpperCase();
	if (state === 'ERROR' || (body.error && body.ready !== true)) return 'failed';
	if (state === 'FINISHED' || body.ready === true) return 'ready';
	return 'waiting';
}

export async function downloadZip({ ctx, itemIndex, params }: OperationContext): Promise<INodeExecutionData[]> {
	const objects = zipObjects(params);
	const options = (params.options ?? {}) as IDataObject;
	const routes = zipRoutes((await loadCredentials(ctx, agora, itemIndex)).routeSet);
	const { path, body } = routes.create(objects);
	const created = await apiJson<IDataObject>(ctx, agora, { method: 'POST', path, body, retryWhenRefused: true }, itemIndex, TRANSFER_RETRY_POLICY);
	const id = Number(created.id);
	if (!Number.isInteger(id) || id <= 0) throw new NodeOperationError(ctx.getNode(), 'Agora did not start the download (no download ID in its answer)', { itemIndex, description: 'Check that the objects exist and that the account may read them.' });
	const timeoutSeconds = Number(options.timeout ?? 3600);
	const ready = await pollUntil<IDataObject>({
		intervalMs: 1000,
		timeoutMs: timeoutSeconds * 1000,
		check: async () => {
			const status = await apiJson<IDataObject>(ctx, agora, { method: 'GET', path: routes.status(id) }, itemIndex, TRANSFER_RETRY_POLICY);
			return { done: packageState(status) !== 'waiting', value: status };
		},
		onTimeout: (last, waited) =>
			new NodeOperationError(ctx.getNode(), `Agora is still packing download ${id} after ${Math.round(waited / 1000)} s (state ${String(last.state ?? 'not ready')})`, {
				itemIndex,
				description: 'Raise "Timeout (Seconds)" for large archives.',
			}),
	});
	if (packageState(ready) === 'failed')
		throw new NodeOperationError(ctx.getNode(), `Agora could not pack download ${id}: ${String(ready.error || 'no reason given')}`, { itemIndex, description: 'Check that every object still exists and has files; try fewer objects at a time.' });
	const fileName = String(options.fileName || ready.download_name || `agora-download-${id}.zip`);
	const started = Date.now();
	const stored = await downloadToBinary(ctx, agora, { path: routes.stream(id), fileName, fallbackName: fileName, mimeType: 'application/zip', itemIndex });
	const seconds = (Date.now() - started) / 1000;
	const expected = Number(ready.total_size);
	if (expected > 0 && stored.bytes !== expected)
		throw new NodeOperationError(ctx.getNode(), `Download ${id} is incomplete: ${stored.bytes} of ${expected} bytes arrived`, { itemIndex, description: 'Run the node again; the archive is fetched anew.' });
	ctx.logger.info(`Agora download ${id}: ${formatBytes(stored.bytes)} stored as ${fileName}`);
	return [
		{
			json: {
				downloadId: id,
				fileName,
				size: stored.bytes,
				objects: objects.map(({ type, id: objectId }) => ({ type, id: objectId })),
				transferSeconds: Math.round(seconds * 100) / 100,
				throughputMiBps: mibPerSecond(stored.bytes, seconds),
			} as IDataObject,
			binary: { [String(params.outputField || 'data')]: stored.binary },
		},
	];
}

/** One datafile into binary data, its SHA-1 and size compared with the datafile record. */
async function downloadDatafileRecord(ctx: IExecuteFunctions, record: IDataObject, outputField: string, verify: boolean, itemIndex: number): Promise<INodeExecutionData> {
	const id = Number(record.id);
	const original = String(record.original_filename || record.relative_path || `datafile-${id}`);
	const fileName = original.split('/').pop() || original;
	const mimeType = record.mime_type && record.mime_type !== 'application/octet-stream' ? String(record.mime_type) : undefined;
	const stored = await downloadToBinary(ctx, agora, { path: `/api/v1/datafile/${id}/download/`, fileName, fallbackName: fileName, mimeType, algorithms: ['sha1'], itemIndex });
	const expected = String(record.sha1 ?? '').toLowerCase();
	if (verify && expected && stored.digests.sha1 !== expected)
		throw new NodeOperationError(ctx.getNode(), `Datafile ${id} ("${original}") arrived damaged: SHA-1 ${stored.digests.sha1}, Agora's record says ${expected}`, {
			itemIndex,
			description: 'Run the node again. If it keeps failing, the copy in Agora differs from its record: tell the Agora administrator.',
		});
	if (typeof record.size === 'number' && stored.bytes !== record.size)
		throw new NodeOperationError(ctx.getNode(), `Datafile ${id} ("${original}") arrived with ${stored.bytes} bytes; Agora's record says ${record.size}`, { itemIndex, description: 'Run the node again.' });
	return {
		json: { ...record, sha1Verified: verify && !!expected, downloadedBytes: stored.bytes },
		binary: { [outputField]: stored.binary },
	};
}

export async function downloadDatafile({ ctx, itemIndex, params }: OperationContext): Promise<INodeExecutionData[]> {
	const id = String(params.id ?? '').trim();
	if (!/^\d+$/.test(id)) invalidParameter('Datafile ID', `"${id}" is not a datafile ID`, 'Enter the numeric ID (for example from Dataset → Get Datafiles).');
	const record = await apiJson<IDataObject>(ctx, agora, { method: 'GET', path: `/api/v2/datafile/${id}/` }, itemIndex, TRANSFER_RETRY_POLICY);
	const options = (params.options ?? {}) as IDataObject;
	return [await downloadDatafileRecord(ctx, record, String(params.outputField || 'data'), options.verifyHash !== false, itemIndex)];
}

/** The datafiles of a dataset, series (all its datasets) or exam (its series' and its own datasets). */
async function datafilesOf(ctx: IExecuteFunctions, kind: string, id: number, itemIndex: number): Promise<IDataObject[]> {
	const ofDatasets = async (datasets: IDataObject[]) => {
		const out: IDataObject[] = [];
		for (const dataset of datasets) out.push(...(await fetchAll(ctx, agora, `/api/v2/dataset/${Number(dataset.id)}/datafiles/`, {}, itemIndex)));
		return out;
	};
	if (kind === 'dataset') return await ofDatasets([{ id }]);
	if (kind === 'series') return await ofDatasets(await fetchAll(ctx, agora, `/api/v2/series/${id}/datasets/`, {}, itemIndex));
	const series = await fetchAll(ctx, agora, `/api/v2/exam/${id}/series/`, {}, itemIndex);
	const datasets = await fetchAll(ctx, agora, `/api/v2/exam/${id}/datasets/`, {}, itemIndex);
	for (const s of series) datasets.push(...(await fetchAll(ctx, agora, `/api/v2/series/${Number(s.id)}/datasets/`, {}, itemIndex)));
	return await ofDatasets(datasets);
}

export async function downloadFilesOf({ ctx, itemIndex, params }: OperationContext): Promise<INodeExecutionData[]> {
	const kind = String(params.filesOf ?? 'dataset');
	const id = Number(params[kind]);
	if (!Number.isInteger(id) || id <= 0) invalidParameter(kind === 'series' ? 'Series' : kind === 'exam' ? 'Exam' : 'Dataset', 'no object chosen', 'Pick it from the list or enter its ID.');
	const options = (params.options ?? {}) as IDataObject;
	const records = await datafilesOf(ctx, kind, id, itemIndex);
	const output: INodeExecutionData[] = [];
	for (const record of records) output.push(await downloadDatafileRecord(ctx, record, String(params.outputField || 'data'), options.verifyHash !== false, itemIndex));
	return output;
}
