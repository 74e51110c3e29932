// List answers (reference A.3, B.12, Part C "Pagination"):
//  - default: DRF PageNumberPagination, `?page=N`, envelope {count, next, previous, results};
//  - `?no_page=1`: every result as a bare JSON array (seed 000);
//  - `?limit=` / `?offset=` (what every connector sends, `limit=10000000000`): DRF
//    LimitOffsetPagination, envelope {count, limit, offset, next, previous, results} as in
//    the 2019 recording;
//  - the routes that answer bare arrays for the connectors (folder items in v1,
//    parametersets, datarelations, breadcrumb) pass `bare: true`.
// Only the returned page is serialised, so a 100 000-row list costs one page of JSON.
import { rebuildQuery } from '../lib/python-url.mjs';
import { detailError } from './errors.mjs';

const truthy = (v) => v != null && !['', '0', 'false', 'False', 'no'].includes(v);

/** Python int() syntax, >= 0 (or > 0 when strict); null when invalid. */
function nonNegativeInt(text, { strict = false } = {}) {
	if (text == null) return null;
	const t = String(text).trim();
	if (!/^\+?\d+$/.test(t)) return null;
	const n = Number(t);
	if (!Number.isSafeInteger(n)) return Number.MAX_SAFE_INTEGER;
	if (n === 0 && strict) return null;
	return n;
}

const last = (query, name) => (query.has(name) ? query.getAll(name).at(-1) : null);

/**
 * @param {object} ctx request context (query, rawQuery, rawPath, origin, config)
 * @param {object[]} rows filtered and ordered rows
 * @param {(row: object) => object} represent
 * @param {{bare?: boolean}} [options]
 */
export function listResult(ctx, rows, represent, { bare = false } = {}) {
	const { query } = ctx;
	const limitRaw = last(query, 'limit');
	const offsetRaw = last(query, 'offset');
	const base = `${ctx.origin}${ctx.rawPath}`;
	const link = (changes) => {
		const q = rebuildQuery(ctx.rawQuery, changes);
		return q ? `${base}?${q}` : base;
	};

	if (bare || truthy(last(query, 'no_page'))) {
		let picked = rows;
		if (limitRaw != null || offsetRaw != null) {
			const offset = nonNegativeInt(offsetRaw) ?? 0;
			const limit = nonNegativeInt(limitRaw, { strict: true }) ?? rows.length;
			picked = rows.slice(offset, offset + limit);
		}
		return { status: 200, data: picked.map(represent) };
	}

	const count = rows.length;
	if (limitRaw != null || offsetRaw != null) {
		const limit = nonNegativeInt(limitRaw, { strict: true }) ?? ctx.config.pageSize;
		const offset = nonNegativeInt(offsetRaw) ?? 0;
		const page = offset >= count ? [] : rows.slice(offset, offset + limit);
		const next = offset + limit < count ? link({ limit, offset: offset + limit }) : null;
		let previous = null;
		if (offset > 0)
			previous =
				offset - limit <= 0
					? link({ limit, offset: undefined })
					: link({ limit, offset: offset - limit });
		return {
			status: 200,
			data: { count, limit, offset, next, previous, results: page.map(represent) },
		};
	}

	const size = ctx.config.pageSize;
	const pageRaw = last(query, 'page');
	let page = 1;
	if (pageRaw != null && pageRaw !== 'last') {
		page = nonNegativeInt(pageRaw, { strict: true });
		if (page === null) throw detailError(404, 'Invalid page.');
	}
	const pages = Math.max(1, Math.ceil(count / size));
	if (pageRaw === 'last') page = pages;
	if (page > pages) throw detailError(404, 'Invalid page.');
	const start = (page - 1) * size;
	const next = page < pages ? link({ page: page + 1 }) : null;
	const previous = page > 1 ? link({ page: page - 1 === 1 ? undefined : page - 1 }) : null;
	return {
		status: 200,
		data: { count, next, previous, results: rows.slice(start, start + size).map(represent) },
	};
}
