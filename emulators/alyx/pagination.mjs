// DRF LimitOffsetPagination as configured on Alyx (reference §3): every list is paginated,
// default limit 250, max 1000, envelope keys in the order count/next/previous/results,
// links absolute and rebuilt from the request with sorted query keys.
import { rebuildQuery } from './url-encoding.mjs';

export const DEFAULT_LIMIT = 250;
export const MAX_LIMIT = 1000;

/** DRF's _positive_int: Python int() syntax, negative (or zero when strict) is invalid. */
function positiveInt(text, { strict = false, cutoff } = {}) {
	if (text == null) return null;
	const t = String(text).trim();
	if (!/^[+-]?\d+(_\d+)*$/.test(t)) return null;
	const n = Number(t.replace(/_/g, ''));
	if (n < 0 || (n === 0 && strict)) return null;
	return cutoff ? Math.min(n, cutoff) : n;
}

export function pageParams(query) {
	const limitRaw = query.has('limit') ? query.getAll('limit').at(-1) : null;
	const offsetRaw = query.has('offset') ? query.getAll('offset').at(-1) : null;
	return {
		limit: positiveInt(limitRaw, { strict: true, cutoff: MAX_LIMIT }) ?? DEFAULT_LIMIT,
		offset: positiveInt(offsetRaw) ?? 0,
	};
}

/**
 * Builds the paginated envelope. `rows` is the full, filtered and ordered list; only the
 * page is passed to `represent`, so a 100 000-row list costs one page of serialisation.
 */
export function paginate(ctx, rows, represent) {
	const { limit, offset } = pageParams(ctx.query);
	const count = rows.length;
	const page = count === 0 || offset > count ? [] : rows.slice(offset, offset + limit);
	const base = `${ctx.origin}${ctx.rawPath}`;
	const link = (changes) => {
		const query = rebuildQuery(ctx.rawQuery, changes);
		return query ? `${base}?${query}` : base;
	};
	const next = offset + limit < count ? link({ limit, offset: offset + limit }) : null;
	let previous = null;
	if (offset > 0)
		previous =
			offset - limit <= 0
				? link({ limit, offset: undefined })
				: link({ limit, offset: offset - limit });
	return { count, next, previous, results: page.map(represent) };
}
