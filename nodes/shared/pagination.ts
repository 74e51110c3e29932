/**
 * Return All / Limit over a platform's list style. Limit returns exactly Limit records; Return
 * All stops on the last page without asking for an empty one: it trusts the server's "next"
 * when there is one, and otherwise asks for one record more than it keeps (a look-ahead).
 */
import type { IDataObject } from 'n8n-workflow';
import type { PaginationStyle } from './types';

export interface ListWanted {
	returnAll: boolean;
	limit: number;
}

/** Offset-based paging (`skip/limit` or `offset/limit`) over a fetch function. */
export async function fetchList(
	fetchPage: (query: IDataObject) => Promise<unknown>,
	style: PaginationStyle & { lookahead?: boolean },
	wanted: ListWanted,
	pageSize = style.maxPageSize,
): Promise<IDataObject[]> {
	const records: IDataObject[] = [];
	const lookahead = style.lookahead === true;
	// With a look-ahead one slot of the page is the probe, so keep pages within the server cap.
	const fullPage = Math.max(1, lookahead ? Math.min(pageSize, style.maxPageSize - 1) : pageSize);
	let offset = 0;
	for (;;) {
		const remaining = wanted.returnAll ? Number.POSITIVE_INFINITY : wanted.limit - records.length;
		if (remaining <= 0) break;
		const size = Math.min(fullPage, remaining);
		const probe = lookahead && remaining > size ? 1 : 0;
		const page = style.readPage(await fetchPage(style.pageQuery(offset, size + probe)));
		const kept = page.records.slice(0, size);
		records.push(...kept);
		offset += kept.length;
		// A server that caps pages below `size` still says whether more follow; trust it. Without
		// that signal, a short page is the last one.
		const more = page.hasMore ?? page.records.length > size;
		if (!more || kept.length === 0 || (page.hasMore === undefined && kept.length < size)) break;
	}
	return records;
}

/** CC-Agency style: `?skip=&limit=`, bare arrays, no total. */
export const skipLimitPagination = (maxPageSize: number): PaginationStyle & { lookahead: boolean } => ({
	maxPageSize,
	lookahead: true,
	pageQuery: (offset, size) => ({ skip: offset, limit: size }),
	readPage: (body) => ({ records: Array.isArray(body) ? (body as IDataObject[]) : [] }),
});

/** Django REST framework style: `?offset=&limit=`, `{count, next, previous, results}`. */
export const limitOffsetPagination = (maxPageSize: number): PaginationStyle => ({
	maxPageSize,
	pageQuery: (offset, size) => ({ offset, limit: size }),
	readPage: (body) => {
		if (Array.isArray(body)) return { records: body as IDataObject[], hasMore: false };
		const envelope = (body ?? {}) as { results?: IDataObject[]; next?: unknown };
		return { records: envelope.results ?? [], hasMore: envelope.next !== null && envelope.next !== undefined };
	},
});
