// Building blocks shared by the route modules: a view registry on top of the generic router
// (each view knows its renderers, whether it needs authentication, and the metadata OPTIONS
// shows), request-body access as DRF's `request.data`, lookups that 404 like
// get_object_or_404, and list answers (filter -> order -> paginate, cached per data version).
import { createRouter } from '../lib/router.mjs';
import { ApiError, multipleReturned, objectNotFound, validationError } from './errors.mjs';
import { fieldInfo, validateFields } from './fields.mjs';
import { paginate } from './pagination.mjs';
import { pythonTypeName } from './request-body.mjs';

const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export function createViews() {
	const router = createRouter();
	return {
		router,
		/**
		 * Registers a view. `handlers` maps methods to async (ctx) => result; `meta` holds
		 * name, description, renderers (default json+html), auth ('rest' | 'none'),
		 * fields (specs for OPTIONS), params (route constraints).
		 */
		view(pattern, handlers, meta = {}) {
			const methods = Object.keys(handlers);
			const allow = METHOD_ORDER.filter(
				(m) => methods.includes(m) || m === 'OPTIONS' || (m === 'HEAD' && methods.includes('GET')),
			);
			const fullMeta = { renderers: ['json', 'html'], auth: 'rest', ...meta, allow, pattern };
			for (const [method, handler] of Object.entries(handlers))
				router.add(method, pattern, handler, { params: meta.params, meta: fullMeta });
			return this;
		},
	};
}

export const ok = (data) => ({ status: 200, data });
export const created = (data) => ({ status: 201, data });
export const noContent = () => ({ status: 204, empty: true });

/**
 * `request.data` as a serializer sees it: throws DRF's 400 when the body is not a mapping.
 */
export async function bodyMapping(ctx) {
	const data = await ctx.body();
	if (data.isMapping) return data;
	if (data.value === null) throw validationError({ non_field_errors: ['No data provided'] });
	throw validationError({
		non_field_errors: [
			`Invalid data. Expected a dictionary, but got ${pythonTypeName(data.value)}.`,
		],
	});
}

/** Runs the field specs; throws the 400 with every field error. */
export async function validated(ctx, specs, { partial = false, data } = {}) {
	const body = data ?? (await bodyMapping(ctx));
	const { values, errors } = validateFields(specs, body, ctx, { partial });
	if (errors) throw validationError(errors);
	return { values, body };
}

/** get_object_or_404 by a slug field (name, nickname, username). */
export function getBySlug(ctx, table, field, value, model) {
	const hit = ctx.store.tables[table].one(field, value);
	if (hit?.multiple) throw multipleReturned(model, hit.multiple);
	if (!hit) throw objectNotFound(model);
	return hit;
}

/** get_object_or_404 by UUID primary key (the route already checked the UUID syntax). */
export function getById(ctx, table, id, model) {
	const row = ctx.store.tables[table].get(String(id).toLowerCase());
	if (!row) throw objectNotFound(model);
	return row;
}

/** A stable comparator over several keys; a key is [field, 'asc'|'desc'] or a function. */
export function orderBy(...keys) {
	return (a, b) => {
		for (const key of keys) {
			const [get, dir] =
				typeof key === 'function' ? [key, 'asc'] : [(r) => r[key[0]], key[1] ?? 'asc'];
			const x = get(a);
			const y = get(b);
			if (x === y) continue;
			// Django/PostgreSQL put NULLs last ascending and first descending.
			if (x == null) return dir === 'asc' ? 1 : -1;
			if (y == null) return dir === 'asc' ? -1 : 1;
			const c = x < y ? -1 : 1;
			return dir === 'asc' ? c : -c;
		}
		return 0;
	};
}

/**
 * The answer of a list view: rows of `table` ordered by `compare` (sorted once per data
 * version), filtered by `filter(rows, ctx)` (result cached per query, so paging through a
 * large filtered list is linear overall), paginated, then represented page by page.
 */
export function listAnswer(ctx, { table, rows, compare, filter, represent, cacheKey }) {
	const { store } = ctx;
	const key = cacheKey ?? table;
	const ordered = store.cached(`sorted:${key}`, () => {
		const all = rows ? rows() : store.tables[table].all();
		return compare ? all.sort(compare) : all;
	});
	const query = [...ctx.query].filter(([k]) => k !== 'limit' && k !== 'offset' && k !== 'format');
	const filtered =
		filter && query.length
			? store.cached(`filtered:${key}:${JSON.stringify(query)}`, () => filter(ordered, ctx))
			: ordered;
	return ok(paginate(ctx, filtered, (row) => represent(ctx, row)));
}

/** DRF SimpleMetadata for OPTIONS. */
export function optionsMetadata(meta, { actions } = {}) {
	const out = {
		name: meta.name ?? 'Api View',
		description: meta.description ?? '',
		renders: meta.renderers.map((r) => (r === 'json' ? 'application/json' : 'text/html')),
		parses: meta.parses ?? [
			'application/json',
			'application/x-www-form-urlencoded',
			'multipart/form-data',
		],
	};
	if (actions && meta.fields) {
		const fields = {};
		for (const spec of meta.fields) fields[spec.name] = fieldInfo(spec);
		out.actions = Object.fromEntries(actions.map((a) => [a, fields]));
	}
	return out;
}

export { ApiError };
