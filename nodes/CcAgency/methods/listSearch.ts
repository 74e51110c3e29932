import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { apiJson } from '../../shared/transport';
import { ccAgency } from '../platform';

const PAGE = 50;

function when(seconds: unknown): string {
	return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z') : '?';
}

async function search(
	ctx: ILoadOptionsFunctions,
	path: string,
	label: (record: IDataObject) => string,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const skip = Number(paginationToken ?? 0) || 0;
	const records = await apiJson<IDataObject[]>(ctx, ccAgency, { method: 'GET', path, qs: { skip, limit: PAGE } });
	const needle = (filter ?? '').toLowerCase();
	const results = records
		.map((record) => ({ name: label(record), value: String(record._id) }))
		.filter((entry) => !needle || entry.name.toLowerCase().includes(needle));
	return { results, paginationToken: records.length === PAGE ? String(skip + PAGE) : undefined };
}

export async function searchExperiments(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await search(
		this,
		'/experiments',
		(e) => `${when(e.registrationTime)} · ${String(e.username)} · ${String(e._id)}`,
		filter,
		paginationToken,
	);
}

export async function searchBatches(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await search(
		this,
		'/batches',
		(b) => `${when(b.registrationTime)} · ${String(b.state)} · batch ${String(b.batchesListIndex)} of ${String(b.experimentId)} · ${String(b._id)}`,
		filter,
		paginationToken,
	);
}
