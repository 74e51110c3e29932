// Parameter sets and tags (reference A.8, B.4.10, B.10).
// Parameter sets: `{obj}/{id}/parametersets/` is a bare array of summaries; the full set (flat
// `parameters` list) is `parameterset/{id}/?flat=True`; user sets (read_only false) can be
// created and PATCHed with the full merged list; observers get 403 (Access).
// Tags: definitions (project tags: visibility 2 / scope 1; personal: visibility 1 / scope 2)
// and instances that tag an exam, series, dataset, folder or patient.
import { BOTH, SERIES_NAMES } from './api-router.mjs';
import { kindOf } from './content-types.mjs';
import { isoNow } from './dates.mjs';
import { notFound, permissionDenied, validationError } from './errors.mjs';
import { applyFilters, FILTERS } from './filters.mjs';
import { listResult } from './pagination.mjs';
import {
	optionalInt,
	optionalString,
	requireInt,
	requireString,
	structuredField,
} from './request-values.mjs';

const ANNOTATED = [
	['exam', ['exam']],
	['serie', SERIES_NAMES],
	['dataset', ['dataset']],
	['folder', ['folder']],
	['patient', ['patient']],
];
const TAGGABLE = new Set(['exam', 'serie', 'dataset', 'folder', 'patient']);

/** Validates a parameter list: [{Name, Value, ...}] with unique names. */
function parameterList(value) {
	if (!Array.isArray(value))
		throw validationError({
			parameters: 'Expected a list of items but got type "' + typeof value + '".',
		});
	const seen = new Set();
	return value.map((p, i) => {
		if (!p || typeof p !== 'object' || typeof p.Name !== 'string' || !p.Name)
			throw validationError({ parameters: `Item ${i}: a parameter needs a non-empty "Name".` });
		if (!('Value' in p))
			throw validationError({ parameters: `Item ${i}: a parameter needs a "Value".` });
		if (seen.has(p.Name)) throw validationError({ parameters: `Duplicate parameter "${p.Name}".` });
		seen.add(p.Name);
		return structuredClone(p);
	});
}

export function registerAnnotationRoutes(api, { store, access, repr }) {
	const t = store.t;
	const ok = (data, status = 200) => ({ status, data });

	for (const [kind, names] of ANNOTATED)
		for (const name of names) {
			api.get(BOTH, `/${name}/:id/parametersets/`, (ctx) => {
				const row = access.get(kind, ctx.params.id, ctx.user);
				access.requireParameterAccess(ctx.user, row.project);
				const sets = t.parametersets.filter(
					(p) => p.content_type === kind && p.object_id === row.id,
				);
				return listResult(ctx, sets, repr.parametersetSummary, { bare: true });
			});
			api.post(BOTH, `/${name}/:id/parametersets/`, async (ctx) => {
				const row = access.get(kind, ctx.params.id, ctx.user);
				access.requireParameterAccess(ctx.user, row.project);
				access.requireWrite(ctx.user, row.project);
				const data = await ctx.body();
				const setName = requireString(data, 'name');
				const parameters = parameterList(structuredField(data, 'parameters') ?? []);
				const ps = t.parametersets.insert({
					content_type: kind,
					object_id: row.id,
					name: setName,
					read_only: false,
					parameters,
					properties: null,
				});
				store.changed();
				return ok(repr.parametersetSummary(ps), 201);
			});
			api.get(BOTH, `/${name}/:id/tags/`, (ctx) => {
				const row = access.get(kind, ctx.params.id, ctx.user);
				const defs = t.taginstances
					.filter((ti) => ti.content_type === kind && ti.object_id === row.id)
					.map((ti) => t.tagdefs.get(ti.tag_definition))
					.filter((d) => d && canSeeTag(ctx.user, d));
				return listResult(ctx, [...new Set(defs)], repr.tagdef);
			});
		}

	/** The parameter set, its owner object, after the visibility and role checks. */
	function parameterSet(ctx) {
		const ps = t.parametersets.get(ctx.params.id);
		const table = {
			exam: 'exams',
			serie: 'series',
			dataset: 'datasets',
			folder: 'folders',
			patient: 'patients',
		}[ps?.content_type];
		const owner = table && t[table].get(ps.object_id);
		if (!ps || !access.canRead(ctx.user, owner)) throw notFound();
		access.requireParameterAccess(ctx.user, owner.project);
		return { ps, owner };
	}
	api.get(BOTH, '/parameterset/:id/', (ctx) => ok(repr.parameterset(parameterSet(ctx).ps)));
	for (const method of ['patch', 'put'])
		api[method](BOTH, '/parameterset/:id/', async (ctx) => {
			const { ps, owner } = parameterSet(ctx);
			access.requireWrite(ctx.user, owner.project);
			if (ps.read_only) throw permissionDenied('This parameter set is read-only.');
			const data = await ctx.body();
			if (method === 'put' || data.has('name')) ps.name = requireString(data, 'name');
			if (method === 'put' || data.has('parameters'))
				ps.parameters = parameterList(structuredField(data, 'parameters'));
			store.changed();
			return ok(repr.parameterset(ps));
		});
	api.delete(BOTH, '/parameterset/:id/', (ctx) => {
		const { ps, owner } = parameterSet(ctx);
		access.requireWrite(ctx.user, owner.project);
		if (ps.read_only) throw permissionDenied('This parameter set is read-only.');
		t.parametersets.delete(ps.id);
		store.changed();
		return { status: 204 };
	});

	// ---- tags ----

	/** Project tags are seen by project members, personal tags by their owner. */
	function canSeeTag(user, def) {
		if (def.project != null) return access.role(user, def.project) !== null;
		return def.user === user.id;
	}
	const tagdef = (ctx, id) => {
		const def = t.tagdefs.get(id);
		if (!def || !canSeeTag(ctx.user, def)) throw notFound();
		return def;
	};

	api.get(BOTH, '/tag-definition/', (ctx) =>
		listResult(
			ctx,
			applyFilters(
				t.tagdefs.filter((d) => canSeeTag(ctx.user, d)),
				ctx.query,
				FILTERS.tagdef,
			),
			repr.tagdef,
		),
	);
	api.get(BOTH, '/project/:id/tag-definition/', (ctx) => {
		const p = access.get('project', ctx.params.id, ctx.user);
		const rows = t.tagdefs.filter((d) => d.project === p.id);
		return listResult(ctx, applyFilters(rows, ctx.query, FILTERS.tagdef), repr.tagdef);
	});
	api.get(BOTH, '/tag-definition/:id/', (ctx) => ok(repr.tagdef(tagdef(ctx, ctx.params.id))));
	api.post(BOTH, '/tag-definition/', async (ctx) => {
		const data = await ctx.body();
		const label = requireString(data, 'label', { maxLength: 100 });
		const project = optionalInt(data, 'project') ?? null;
		const group = optionalInt(data, 'group') ?? null;
		const visibility = optionalInt(data, 'visibility') ?? (project != null ? 2 : 1);
		const scope = optionalInt(data, 'scope') ?? (project != null ? 1 : 2);
		if (project != null) {
			if (!access.find('project', project, ctx.user))
				throw validationError({ project: `Invalid pk "${project}" - object does not exist.` });
			access.requireWrite(ctx.user, project);
		}
		if (group != null && !t.groups.get(group))
			throw validationError({ group: `Invalid pk "${group}" - object does not exist.` });
		if (![1, 2, 3].includes(visibility))
			throw validationError({ visibility: `"${visibility}" is not a valid choice.` });
		if (![1, 2, 3].includes(scope))
			throw validationError({ scope: `"${scope}" is not a valid choice.` });
		const color = optionalString(data, 'color') ?? '#3498db';
		if (!/^#[0-9a-fA-F]{6}$/.test(color))
			throw validationError({ color: 'Enter a valid color like #3498db.' });
		const def = t.tagdefs.insert({
			label,
			user: ctx.user.id,
			project,
			group,
			color,
			visibility,
			scope,
		});
		store.changed();
		return ok(repr.tagdef(def), 201);
	});
	for (const method of ['put', 'patch'])
		api[method](BOTH, '/tag-definition/:id/', async (ctx) => {
			const def = tagdef(ctx, ctx.params.id);
			if (def.project != null) access.requireWrite(ctx.user, def.project);
			else if (def.user !== ctx.user.id) throw permissionDenied();
			const data = await ctx.body();
			if (method === 'put' || data.has('label'))
				def.label = requireString(data, 'label', { maxLength: 100 });
			if (data.has('color')) def.color = optionalString(data, 'color') ?? def.color;
			store.changed();
			return ok(repr.tagdef(def));
		});
	api.delete(BOTH, '/tag-definition/:id/', (ctx) => {
		const def = tagdef(ctx, ctx.params.id);
		if (def.project != null) access.requireWrite(ctx.user, def.project);
		else if (def.user !== ctx.user.id) throw permissionDenied();
		for (const ti of t.taginstances.filter((x) => x.tag_definition === def.id))
			t.taginstances.delete(ti.id);
		t.tagdefs.delete(def.id);
		store.changed();
		return { status: 204 };
	});

	const tableOf = {
		exam: 'exams',
		serie: 'series',
		dataset: 'datasets',
		folder: 'folders',
		patient: 'patients',
	};
	const visibleInstance = (ctx, ti) => {
		const def = t.tagdefs.get(ti.tag_definition);
		const row = t[tableOf[ti.content_type]]?.get(ti.object_id);
		return def && canSeeTag(ctx.user, def) && access.canRead(ctx.user, row);
	};
	api.get(BOTH, '/tag-instance/', (ctx) =>
		listResult(
			ctx,
			applyFilters(
				t.taginstances.filter((ti) => visibleInstance(ctx, ti)),
				ctx.query,
				FILTERS.taginstance,
			),
			repr.taginstance,
		),
	);
	api.get(BOTH, '/project/:id/tag-instance/', (ctx) => {
		const p = access.get('project', ctx.params.id, ctx.user);
		const rows = t.taginstances.filter(
			(ti) =>
				visibleInstance(ctx, ti) && t[tableOf[ti.content_type]].get(ti.object_id)?.project === p.id,
		);
		return listResult(ctx, applyFilters(rows, ctx.query, FILTERS.taginstance), repr.taginstance);
	});
	const instance = (ctx) => {
		const ti = t.taginstances.get(ctx.params.id);
		if (!ti || !visibleInstance(ctx, ti)) throw notFound();
		return ti;
	};
	api.get(BOTH, '/tag-instance/:id/', (ctx) => ok(repr.taginstance(instance(ctx))));
	// Tag an object: py sends a form, m JSON; 201 with the single instance.
	api.post(BOTH, '/tag-instance/', async (ctx) => {
		const data = await ctx.body();
		const defId = requireInt(data, 'tag_definition');
		const rawType = data.get('tagged_object_content_type');
		if (rawType === undefined || rawType === null || rawType === '')
			throw validationError({ tagged_object_content_type: 'This field is required.' });
		const kind = kindOf(rawType);
		if (!TAGGABLE.has(kind))
			throw validationError({ tagged_object_content_type: `"${rawType}" is not a valid choice.` });
		const objectId = requireInt(data, 'tagged_object_id');
		const def = t.tagdefs.get(defId);
		if (!def || !canSeeTag(ctx.user, def))
			throw validationError({ tag_definition: `Invalid pk "${defId}" - object does not exist.` });
		const row = access.find(kind, objectId, ctx.user);
		if (!row) throw validationError({ tagged_object_id: 'The tagged object does not exist.' });
		access.requireWrite(ctx.user, row.project);
		if (
			t.taginstances.find(
				(ti) => ti.tag_definition === def.id && ti.content_type === kind && ti.object_id === row.id,
			)
		)
			throw validationError({ non_field_errors: 'The object is already tagged with this tag.' });
		const ti = t.taginstances.insert({
			tag_definition: def.id,
			content_type: kind,
			object_id: row.id,
			user: ctx.user.id,
			created_date: isoNow(),
		});
		store.changed();
		return ok(repr.taginstance(ti), 201);
	});
	api.delete(BOTH, '/tag-instance/:id/', (ctx) => {
		const ti = instance(ctx);
		access.requireWrite(ctx.user, t[tableOf[ti.content_type]].get(ti.object_id).project);
		t.taginstances.delete(ti.id);
		store.changed();
		return { status: 204 };
	});
}
