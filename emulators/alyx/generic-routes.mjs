// Routes outside the seed docs' scope (probe insertions, trajectories, channels, tasks,
// imaging, surgeries, brain regions...) answered from the server's own OpenAPI document:
// each path gets the methods the schema lists, list answers are paginated, creates check the
// schema's required writable fields and store the writable properties, and every answer has
// the schema's keys in order. Enough for clients that browse or write these tables without
// the emulator modelling their business rules.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { nowNaive } from './datetimes.mjs';
import { objectNotFound, validationError } from './errors.mjs';
import { DJANGO_FILTER } from './filters.mjs';
import { bodyMapping, created, listAnswer, noContent, ok } from './views.mjs';

/** Path -> Django model name (for "No <Model> matches the given query."). */
const GENERIC_PATHS = {
	'/brain-regions': 'BrainRegion',
	'/channels': 'Channel',
	'/chronic-insertions': 'ChronicInsertion',
	'/data-notices': 'DataNotice',
	'/fields-of-view': 'FOV',
	'/fov-location': 'FOVLocation',
	'/imaging-stack': 'ImagingStack',
	'/insertions': 'ProbeInsertion',
	'/surgeries': 'Surgery',
	'/tasks': 'Task',
	'/trajectories': 'TrajectoryEstimate',
};

let openapi;
function schemaDoc() {
	openapi ??= JSON.parse(readFileSync(new URL('./openapi.json', import.meta.url), 'utf8'));
	return openapi;
}

function componentOf(ref) {
	return ref ? schemaDoc().components.schemas[ref.split('/').pop()] : null;
}

function responseSchema(operation) {
	for (const status of ['200', '201']) {
		const schema = operation?.responses?.[status]?.content?.['application/json']?.schema;
		if (schema) return schema.$ref;
	}
	return null;
}

/** The item schema of a list operation (`Paginated<X>List` -> X). */
function itemComponent(operation) {
	const paginated = componentOf(responseSchema(operation));
	return componentOf(paginated?.properties?.results?.items?.$ref);
}

function represent(schema, row) {
	const out = {};
	for (const [name, prop] of Object.entries(schema.properties ?? {})) {
		if (prop.writeOnly) continue;
		if (name === 'id') out.id = row.id;
		else out[name] = row.doc[name] ?? (prop.type === 'array' ? [] : null);
	}
	return out;
}

function writable(schema) {
	return Object.entries(schema.properties ?? {}).filter(([, p]) => !p.readOnly);
}

async function writeDoc(ctx, schema, existing, { partial }) {
	const data = await bodyMapping(ctx);
	const errors = {};
	const doc = { ...(existing ?? {}) };
	for (const [name, prop] of writable(schema)) {
		if (!data.has(name)) {
			if (!partial && (schema.required ?? []).includes(name) && !existing)
				errors[name] = ['This field is required.'];
			continue;
		}
		const value = prop.type === 'array' && data.isForm ? data.getList(name) : data.get(name);
		if (value === null && !prop.nullable && !partial) {
			errors[name] = ['This field may not be null.'];
			continue;
		}
		doc[name] = value;
	}
	if (Object.keys(errors).length) throw validationError(errors);
	for (const [name, prop] of Object.entries(schema.properties ?? {}))
		if (prop.readOnly && prop.format === 'date-time' && doc[name] == null) doc[name] = nowNaive();
	return doc;
}

export function registerGenericRoutes(views) {
	const paths = schemaDoc().paths;
	for (const [path, model] of Object.entries(GENERIC_PATHS)) {
		const collection = path.slice(1);
		const list = paths[path];
		const detailPath = `${path}/{id}`;
		const detail = paths[detailPath];
		const listSchema = itemComponent(list.get);
		const handlers = {
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'generic',
					cacheKey: `generic:${collection}`,
					rows: () => ctx.store.tables.generic.by('collection', collection),
					filter: (rows) => {
						// Exact matches on the documented fields; django= and unknown names are ignored.
						const props = new Set(Object.keys(listSchema.properties ?? {}));
						const pairs = [...ctx.query].filter(
							([k, v]) => props.has(k) && v !== '' && k !== DJANGO_FILTER.name,
						);
						return rows.filter((r) =>
							pairs.every(([k, v]) => String(k === 'id' ? r.id : (r.doc[k] ?? '')) === v),
						);
					},
					represent: (c, row) => represent(listSchema, row),
				}),
		};
		if (list.post) {
			const createSchema = componentOf(
				list.post.requestBody?.content?.['application/json']?.schema?.$ref,
			);
			const outSchema = componentOf(responseSchema(list.post));
			handlers.POST = async (ctx) => {
				const doc = await writeDoc(ctx, createSchema, null, { partial: false });
				const row = ctx.store.tables.generic.insert({ id: randomUUID(), collection, doc });
				return created(represent(outSchema, row));
			};
		}
		views.view(path, handlers, { name: `${collection} list` });
		if (!detail) continue;
		const idIsInt =
			detail.get?.parameters?.find((p) => p.name === 'id')?.schema?.type === 'integer';
		const detailSchema = componentOf(responseSchema(detail.get));
		const find = (ctx) => {
			const row = ctx.store.tables.generic
				.by('collection', collection)
				.find((r) => String(r.id) === String(ctx.params.id).toLowerCase());
			if (!row) throw objectNotFound(model);
			return row;
		};
		const detailHandlers = { GET: (ctx) => ok(represent(detailSchema, find(ctx))) };
		const update = (partial) => async (ctx) => {
			const row = find(ctx);
			const inSchema = componentOf(
				detail[partial ? 'patch' : 'put'].requestBody?.content?.['application/json']?.schema?.$ref,
			);
			const doc = await writeDoc(ctx, inSchema, row.doc, { partial });
			ctx.store.tables.generic.update(row.id, { doc });
			return ok(represent(detailSchema, row));
		};
		if (detail.put) detailHandlers.PUT = update(false);
		if (detail.patch) detailHandlers.PATCH = update(true);
		if (detail.delete)
			detailHandlers.DELETE = (ctx) => {
				ctx.store.tables.generic.delete(find(ctx).id);
				return noContent();
			};
		views.view(`${path}/:id`, detailHandlers, {
			name: `${collection} detail`,
			params: { id: idIsInt ? 'int' : 'uuid' },
		});
	}
	views.view(
		'/sync-file-status',
		{ GET: () => ok({}), POST: () => ok('ok') },
		{ name: 'Sync File Status' },
	);
}
