/** A whole list from one route, paged in the platform's style (for multi-step operations). */
import type { IDataObject } from 'n8n-workflow';
import { fetchList } from './pagination';
import { apiJson } from './transport';
import type { Platform, RequestContext } from './types';

export async function fetchAll(
	ctx: RequestContext,
	platform: Platform,
	path: string,
	qs: IDataObject,
	itemIndex?: number,
): Promise<IDataObject[]> {
	return await fetchList(
		async (page) => apiJson(ctx, platform, { method: 'GET', path, qs: { ...qs, ...page } }, itemIndex),
		platform.pagination!,
		{ returnAll: true, limit: 0 },
	);
}
