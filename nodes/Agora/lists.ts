/** Whole lists for hand-written operations (walks, trash), with Agora's paging. */
import type { IDataObject } from 'n8n-workflow';
import { fetchList } from '../shared/pagination';
import { apiJson } from '../shared/transport';
import type { RequestContext } from '../shared/types';
import { agora } from './platform';

export async function listAll(ctx: RequestContext, path: string, qs: IDataObject, itemIndex?: number): Promise<IDataObject[]> {
	return await fetchList(
		async (page) => apiJson(ctx, agora, { method: 'GET', path, qs: { ...qs, ...page } }, itemIndex),
		agora.pagination!,
		{ returnAll: true, limit: 0 },
	);
}
