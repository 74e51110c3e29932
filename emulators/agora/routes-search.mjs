// Search (reference A.12, B.9): quick full-text search (global and per project, `t` selects
// the type), AQL queries (aql.mjs) on POST /search/query/ and py's series search, and saved
// queries (list, save, get, update, delete, run). Results are pages of the matching objects.
import { AqlError, matches, parseAql, subjectOf } from './aql.mjs';
import { BOTH, SERIES_NAMES } from './api-router.mjs';
import { FULLTEXT_TYPES } from './content-types.mjs';
import { isoNow } from './dates.mjs';
import { badRequest, notFound, permissionDenied, validationError } from './errors.mjs';
import { applyFilters, FILTERS } from './filters.mjs';
import { listResult } from './pagination.mjs';
import { optionalInt, optionalString, requireString } from './request-values.mjs';

const TABLE = {
	exam: 'exams',
	serie: 'series',
	dataset: 'datasets',
	patient: 'patients',
	folder: 'folders',
	project: 'projects',
	datafile: 'datafiles',
};

export function registerSearchRoutes(api, services) {
	const { store, model, access, repr } = services;
	const t = store.t;
	const ok = (data, status = 200) => ({ status, data });

	// ---- object graph for AQL ----

	const one = (table, id) => {
		const row = id == null ? null : t[table].get(id);
		return row && !row.trashed ? [row] : [];
	};
	function related(kind, row, target) {
		if (target === 'project') return one('projects', row.project);
		if (kind === 'project')
			return t[TABLE[target]].filter((r) => r.project === row.id && !r.trashed);
		switch (`${kind}>${target}`) {
			case 'exam>serie':
				return model.seriesOf(row.id);
			case 'exam>dataset':
				return model.allDatasetsOfExam(row.id);
			case 'exam>patient':
				return one('patients', row.patient);
			case 'exam>folder':
				return model.foldersOf('exam', row.id);
			case 'exam>datafile':
				return model.allDatasetsOfExam(row.id).flatMap((d) => repr.datafilesOf(d.id));
			case 'serie>exam':
				return one('exams', row.exam);
			case 'serie>dataset':
				return model.datasetsOf('serie', row.id);
			case 'serie>patient':
				return one('exams', row.exam).flatMap((e) => one('patients', e.patient));
			case 'serie>datafile':
				return model.datasetsOf('serie', row.id).flatMap((d) => repr.datafilesOf(d.id));
			case 'serie>folder':
				return model.foldersOf('serie', row.id);
			case 'dataset>serie':
				return one('series', row.serie);
			case 'dataset>exam':
				return row.exam != null
					? one('exams', row.exam)
					: one('series', row.serie).flatMap((s) => one('exams', s.exam));
			case 'dataset>patient':
				return related('dataset', row, 'exam').flatMap((e) => one('patients', e.patient));
			case 'dataset>datafile':
				return repr.datafilesOf(row.id);
			case 'dataset>folder':
				return model.foldersOf('dataset', row.id);
			case 'patient>exam':
				return t.exams.filter((e) => e.patient === row.id && !e.trashed);
			case 'patient>serie':
				return related('patient', row, 'exam').flatMap((e) => model.seriesOf(e.id));
			case 'patient>dataset':
				return related('patient', row, 'exam').flatMap((e) => model.allDatasetsOfExam(e.id));
			case 'folder>exam':
			case 'folder>serie':
			case 'folder>dataset':
				return model
					.itemsOf(row.id)
					.filter((it) => it.content_type === target)
					.flatMap((it) => one(TABLE[target], it.object_id));
			case 'datafile>dataset':
				return one('datasets', row.dataset);
			default:
				return [];
		}
	}
	/** Parameter values by name: the object's own sets and, for exams/series, their datasets'. */
	function parameters(kind, row, name) {
		const owners = [[kind, row.id]];
		if (kind === 'exam' || kind === 'serie')
			for (const d of related(kind, row, 'dataset')) owners.push(['dataset', d.id]);
		const out = [];
		for (const [k, id] of owners)
			for (const ps of t.parametersets.rows.values())
				if (ps.content_type === k && ps.object_id === id)
					for (const p of ps.parameters) if (p.Name === name) out.push(p.Value);
		return out;
	}

	function parse(text) {
		try {
			return parseAql(text);
		} catch (e) {
			if (e instanceof AqlError) throw badRequest(e.message);
			throw e;
		}
	}

	/** Runs a query for the user: a page of the visible objects of the query's type. */
	function runQuery(ctx, text, { subject } = {}) {
		const tree = parse(text);
		const kind = subject ?? subjectOf(tree);
		const visible = access.visibleProjectIds(ctx.user);
		const table = t[TABLE[kind]];
		const rows = [];
		for (const row of table.rows.values()) {
			const project = kind === 'project' ? row.id : row.project;
			if (row.trashed || !visible.has(project)) continue;
			if (matches(tree, { kind, row }, { related, parameters })) rows.push(row);
		}
		return listResult(ctx, rows, (row) => repr.object(kind, row, ctx));
	}

	api.post(BOTH, '/search/query/', async (ctx) => {
		const data = await ctx.body();
		const query = data.get('query');
		if (query === undefined || query === null)
			throw validationError({ query: 'This field is required.' });
		if (typeof query !== 'string') throw validationError({ query: 'Not a valid string.' });
		return runQuery(ctx, query);
	});

	// py's series search: GET /api/v1/serie/search/?q=<expression>
	for (const name of SERIES_NAMES)
		api.get(BOTH, `/${name}/search/`, (ctx) => {
			const q = ctx.query.get('q');
			if (!q) throw validationError({ q: 'This field is required.' });
			return runQuery(ctx, q, { subject: 'serie' });
		});

	// ---- saved queries ----

	const canSeeQuery = (ctx, q) =>
		q.user === ctx.user.id || (q.project != null && access.role(ctx.user, q.project) !== null);
	const savedQuery = (ctx) => {
		const q = t.queries.get(ctx.params.id);
		if (!q || !canSeeQuery(ctx, q)) throw notFound();
		return q;
	};
	function queryFields(ctx, data, { partial }) {
		const out = {};
		if (!partial || data.has('name')) out.name = requireString(data, 'name');
		if (!partial || data.has('query')) {
			out.query = requireString(data, 'query', { maxLength: 10_000 });
			parse(out.query);
		}
		if (data.has('description')) out.description = optionalString(data, 'description') ?? '';
		if (data.has('folder')) {
			const folder = optionalInt(data, 'folder') ?? null;
			if (folder != null) {
				const f = access.find('folder', folder, ctx.user);
				if (!f)
					throw validationError({ folder: `Invalid pk "${folder}" - object does not exist.` });
				access.requireWrite(ctx.user, f.project);
			}
			out.folder = folder;
		}
		if (data.has('project')) {
			const project = optionalInt(data, 'project') ?? null;
			if (project != null && !access.find('project', project, ctx.user))
				throw validationError({ project: `Invalid pk "${project}" - object does not exist.` });
			out.project = project;
		}
		return out;
	}

	api.get(BOTH, '/search/saved/', (ctx) =>
		listResult(
			ctx,
			applyFilters(
				t.queries.filter((q) => canSeeQuery(ctx, q)),
				ctx.query,
				FILTERS.query,
			),
			repr.query,
		),
	);
	api.post(BOTH, '/search/saved/', async (ctx) => {
		const fields = queryFields(ctx, await ctx.body(), { partial: false });
		const now = isoNow();
		const q = t.queries.insert({
			description: '',
			folder: null,
			project: null,
			...fields,
			user: ctx.user.id,
			created_date: now,
			modified_date: now,
		});
		store.changed();
		return ok(repr.query(q), 201);
	});
	api.get(BOTH, '/search/saved/:id/', (ctx) => ok(repr.query(savedQuery(ctx))));
	for (const method of ['put', 'patch'])
		api[method](BOTH, '/search/saved/:id/', async (ctx) => {
			const q = savedQuery(ctx);
			if (q.user !== ctx.user.id) throw permissionDenied();
			Object.assign(q, queryFields(ctx, await ctx.body(), { partial: method === 'patch' }), {
				modified_date: isoNow(),
			});
			store.changed();
			return ok(repr.query(q));
		});
	api.delete(BOTH, '/search/saved/:id/', (ctx) => {
		const q = savedQuery(ctx);
		if (q.user !== ctx.user.id) throw permissionDenied();
		t.queries.delete(q.id);
		store.changed();
		return { status: 204 };
	});
	// Running a saved query only reads, so read-only users may do it.
	api.post(BOTH, '/search/saved/:id/run/', (ctx) => runQuery(ctx, savedQuery(ctx).query), {
		readOnlyAllowed: true,
	});

	// ---- full-text search ----

	const text = (...values) =>
		values
			.filter((v) => v != null && v !== '')
			.join(' ')
			.toLowerCase();
	const SEARCHABLE = {
		folder: (f) => text(f.name),
		exam: (e) =>
			text(e.name, e.description, e.scanner_name, e.uid, t.patients.get(e.patient)?.name),
		serie: (s) => text(s.name, s.uid),
		dataset: (d) => text(d.name, ...repr.datafilesOf(d.id).map((df) => df.original_filename)),
		patient: (p) => text(p.name, p.patient_id),
		project: (p) => text(p.name, p.description),
		task: (d) => text(d.name, d.description),
		script_task: (d) => text(d.name, d.yml?.description),
		tag: (d) => text(d.label),
	};
	const SOURCES = {
		folder: 'folders',
		exam: 'exams',
		serie: 'series',
		dataset: 'datasets',
		patient: 'patients',
		project: 'projects',
		task: 'tasks',
		script_task: 'scripttasks',
		tag: 'tagdefs',
	};
	const CODE = Object.fromEntries(
		Object.entries(FULLTEXT_TYPES).map(([code, name]) => [name, Number(code)]),
	);

	function represent(type, row, ctx) {
		if (type === 'task') return repr.task(row);
		if (type === 'script_task') return repr.scripttask(row);
		if (type === 'tag') return repr.tagdef(row);
		return repr.object(type, row, ctx);
	}

	function fulltext(ctx, projectId = null) {
		const q = ctx.query.get('q');
		if (q == null || !q.trim()) throw validationError({ q: 'This field is required.' });
		const tRaw = ctx.query.get('t') ?? '0';
		const type = FULLTEXT_TYPES[tRaw];
		if (!type || !/^\d+$/.test(tRaw))
			throw validationError({
				t: `Select a valid choice. ${tRaw} is not one of the available choices.`,
			});
		const words = q.toLowerCase().split(/\s+/).filter(Boolean);
		const visible = access.visibleProjectIds(ctx.user);
		const hits = [];
		for (const kind of type === 'all' ? Object.keys(SOURCES) : [type]) {
			for (const row of t[SOURCES[kind]].rows.values()) {
				if (row.trashed) continue;
				const project = kind === 'project' ? row.id : row.project;
				if (kind === 'tag') {
					if (row.project != null ? !visible.has(row.project) : row.user !== ctx.user.id) continue;
				} else if (!visible.has(project)) continue;
				if (projectId != null && project !== projectId) continue;
				const haystack = SEARCHABLE[kind](row);
				if (words.every((w) => haystack.includes(w))) hits.push({ kind, row, project });
			}
		}
		return listResult(ctx, hits, ({ kind, row, project }) => ({
			id: row.id,
			object_id: row.id,
			content_type: kind,
			type: CODE[kind],
			name: row.name ?? row.label,
			project: project ?? null,
			content_object: represent(kind, row, ctx),
		}));
	}
	api.get(BOTH, '/search/fulltext/', (ctx) => fulltext(ctx));
	api.get(BOTH, '/search/', (ctx) => fulltext(ctx));
	api.get(BOTH, '/project/:id/fulltext/', (ctx) =>
		fulltext(ctx, access.get('project', ctx.params.id, ctx.user).id),
	);
}
