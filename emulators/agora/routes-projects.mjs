// Projects (reference A.4, B.4.2): lists of the user's projects, My Agora, root folders, and
// the per-project sub-lists the connectors read (exams, patients, trees, tasks, tags, UID
// lookups). Full-text search per project is in routes-search.mjs, tasks in routes-tasks.mjs.
import { BOTH, SERIES_NAMES } from './api-router.mjs';
import { kindOf } from './content-types.mjs';
import { notFound, permissionDenied } from './errors.mjs';
import { applyFilters, FILTERS } from './filters.mjs';
import { listResult } from './pagination.mjs';
import { optionalString, requireString } from './request-values.mjs';
import { examTree } from './trees.mjs';

export function registerProjectRoutes(api, services) {
	const { store, model, access, repr } = services;
	const t = store.t;
	const ok = (data, status = 200) => ({ status, data });
	const project = (ctx, id = ctx.params.id) => access.get('project', id, ctx.user);

	api.get(BOTH, '/project/', (ctx) => {
		const roles = access.roles(ctx.user);
		const rows = t.projects.filter((p) => roles.has(p.id));
		return listResult(ctx, applyFilters(rows, ctx.query, FILTERS.project), repr.project);
	});

	api.post(BOTH, '/project/', async (ctx) => {
		const data = await ctx.body();
		const name = requireString(data, 'name');
		const description = optionalString(data, 'description') ?? '';
		const p = model.createProject({ name, description, owner: ctx.user.id });
		return ok(repr.project(p), 201);
	});

	api.get(BOTH, '/project/myagora/', (ctx) => {
		const p = t.projects.find((x) => x.is_myagora && x.owner === ctx.user.id);
		if (!p) throw notFound();
		return ok(repr.project(p));
	});

	api.get(BOTH, '/project/:id/', (ctx) => ok(repr.project(project(ctx))));

	for (const method of ['put', 'patch'])
		api[method](BOTH, '/project/:id/', async (ctx) => {
			const p = project(ctx);
			if (access.role(ctx.user, p.id) !== 1 || ctx.user.readOnly) throw permissionDenied();
			const data = await ctx.body();
			if (method === 'put' || data.has('name')) p.name = requireString(data, 'name');
			if (data.has('description')) p.description = optionalString(data, 'description') ?? '';
			store.changed();
			return ok(repr.project(p));
		});

	api.get(BOTH, '/project/:id/root_folder/', (ctx) =>
		ok(repr.folder(t.folders.get(project(ctx).root_folder))),
	);

	api.get(BOTH, '/project/:id/exam/', (ctx) => {
		const p = project(ctx);
		const rows = t.exams.filter((e) => e.project === p.id && !e.trashed);
		return listResult(ctx, applyFilters(rows, ctx.query, FILTERS.exam), (e) => repr.exam(e, ctx));
	});

	api.get(BOTH, '/project/:id/patient/', (ctx) => {
		const p = project(ctx);
		const rows = t.patients.filter((x) => x.project === p.id && !x.trashed);
		return listResult(ctx, applyFilters(rows, ctx.query, FILTERS.patient), (x) =>
			repr.patient(x, ctx),
		);
	});

	// Exam trees of a project: a document, not a paginated list.
	api.get(BOTH, '/project/:id/tree/', (ctx) => {
		const p = project(ctx);
		const exams = t.exams.filter((e) => e.project === p.id && !e.trashed);
		return ok(exams.map((e) => examTree(services, e, ctx)));
	});

	// UID lookups (py): any non-200 means "not found".
	api.get(
		BOTH,
		'/project/:id/exam/uid/:uid/',
		(ctx) => {
			const p = project(ctx);
			const e = t.exams.find((x) => x.project === p.id && x.uid === ctx.params.uid && !x.trashed);
			if (!e) throw notFound();
			return ok(repr.exam(e, ctx));
		},
		{ text: ['uid'] },
	);
	for (const name of SERIES_NAMES)
		api.get(
			BOTH,
			`/project/:id/${name}/uid/:uid/`,
			(ctx) => {
				const p = project(ctx);
				const s = t.series.find(
					(x) => x.project === p.id && x.uid === ctx.params.uid && !x.trashed,
				);
				if (!s) throw notFound();
				return ok(repr.series(s));
			},
			{ text: ['uid'] },
		);

	// Objects carrying a tag (m): /project/{id}/{exam|series|dataset|patient}/for_tag/{tag}/
	api.get(
		BOTH,
		'/project/:id/:kind/for_tag/:tag/',
		(ctx) => {
			const p = project(ctx);
			const kind = kindOf(ctx.params.kind);
			if (!['exam', 'serie', 'dataset', 'patient'].includes(kind)) throw notFound();
			const def = t.tagdefs.get(ctx.params.tag);
			if (!def) throw notFound();
			const ids = new Set(
				t.taginstances
					.filter((ti) => ti.tag_definition === def.id && ti.content_type === kind)
					.map((ti) => ti.object_id),
			);
			const table = { exam: 'exams', serie: 'series', dataset: 'datasets', patient: 'patients' }[
				kind
			];
			const rows = t[table].filter((r) => ids.has(r.id) && r.project === p.id && !r.trashed);
			return listResult(ctx, rows, (r) => repr.object(kind, r, ctx));
		},
		{ text: ['kind'] },
	);

	// Hosts (task execution hosts): none in the emulator; tasks run on its simulated host.
	api.get(BOTH, '/project/:id/host/', (ctx) => {
		project(ctx);
		return listResult(ctx, [], (x) => x);
	});
}
