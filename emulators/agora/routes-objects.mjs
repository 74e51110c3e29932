// Exams (studies), series, datasets, datafiles and patients (reference A.6-A.8, B.4.4-B.4.7,
// B.10): lists with filters, details, renames and deletes, hierarchy walks, copy/move
// (timeline items for exams and series, the dataset itself for datasets), lock/unlock and
// relations. v1 datasets embed their datafiles.
import { BOTH, SERIES_NAMES } from './api-router.mjs';
import { isoNow } from './dates.mjs';
import { notFound, permissionDenied, validationError } from './errors.mjs';
import { applyFilters, FILTERS } from './filters.mjs';
import { listResult } from './pagination.mjs';
import { optionalInt, requireIdList, requireInt, requireString, toInt } from './request-values.mjs';
import { examTree, seriesTree } from './trees.mjs';

export function registerObjectRoutes(api, services) {
	const { store, model, access, repr, timeline } = services;
	const t = store.t;
	const ok = (data, status = 200) => ({ status, data });
	const visibleRows = (ctx, table) => {
		const visible = access.visibleProjectIds(ctx.user);
		return t[table].filter((r) => !r.trashed && visible.has(r.project));
	};

	// ---- exams ----

	api.get(BOTH, '/exam/', (ctx) =>
		listResult(ctx, applyFilters(visibleRows(ctx, 'exams'), ctx.query, FILTERS.exam), (e) =>
			repr.exam(e, ctx),
		),
	);
	api.get(BOTH, '/exam/:id/', (ctx) =>
		ok(repr.exam(access.get('exam', ctx.params.id, ctx.user), ctx)),
	);

	const writableExam = (ctx) => {
		const e = access.get('exam', ctx.params.id, ctx.user);
		access.requireWrite(ctx.user, e.project);
		if (e.locked) throw permissionDenied('The exam is locked.');
		return e;
	};
	for (const method of ['put', 'patch'])
		api[method](BOTH, '/exam/:id/', async (ctx) => {
			const e = writableExam(ctx);
			const data = await ctx.body();
			// m sends id and project as well; they must match (moving is copy_to/move_to).
			if (data.has('project') && toInt(data.get('project')) !== e.project)
				throw validationError({ project: 'The project of an exam cannot be changed here.' });
			if (method === 'put' || data.has('name')) e.name = requireString(data, 'name');
			if (data.has('description')) e.description = String(data.get('description') ?? '');
			e.modified_date = isoNow();
			store.changed();
			return ok(repr.exam(e, ctx));
		});
	api.delete(BOTH, '/exam/:id/', (ctx) => {
		model.trash('exam', writableExam(ctx), ctx.user.id);
		return { status: 204 };
	});

	api.get(BOTH, '/exam/:id/series/', (ctx) => {
		const e = access.get('exam', ctx.params.id, ctx.user);
		return listResult(
			ctx,
			applyFilters(model.seriesOf(e.id), ctx.query, FILTERS.serie),
			repr.series,
		);
	});
	// v2: only the datasets attached directly to the exam; v1 (m): all of them, like files/.
	api.get(BOTH, '/exam/:id/datasets/', (ctx) => {
		const e = access.get('exam', ctx.params.id, ctx.user);
		const rows =
			ctx.apiVersion === 'v2' ? model.datasetsOf('exam', e.id) : model.allDatasetsOfExam(e.id);
		return listResult(ctx, applyFilters(rows, ctx.query, FILTERS.dataset), (d) =>
			repr.dataset(d, ctx),
		);
	});
	// All datasets of the exam, with their datafiles (py's exam.get_datasets).
	api.get(BOTH, '/exam/:id/files/', (ctx) => {
		const e = access.get('exam', ctx.params.id, ctx.user);
		const rows = applyFilters(model.allDatasetsOfExam(e.id), ctx.query, FILTERS.dataset);
		return listResult(ctx, rows, (d) => repr.dataset(d, { ...ctx, apiVersion: 'v1' }));
	});
	api.get(BOTH, '/exam/:id/tree/', (ctx) =>
		ok(examTree(services, access.get('exam', ctx.params.id, ctx.user), ctx)),
	);
	api.get(BOTH, '/exam/:id/patient/', (ctx) =>
		patientOf(ctx, access.get('exam', ctx.params.id, ctx.user)),
	);

	/** Folders holding results of task runs whose inputs came from this object. */
	function resultFolders(ctx, kind, row) {
		const ids = new Set();
		for (const item of t.timeline.rows.values()) {
			if (item.type !== 'task' || !item.sim?.targetFolder || !item.inputs) continue;
			const inputs = Object.values(item.inputs).filter((v) => v && typeof v === 'object');
			const hit = inputs.some((v) => {
				if (kind === 'exam' && v.object_type === 'exam') return v.object_id === row.id;
				if (v.object_type === 'series' || v.object_type === 'serie')
					return kind === 'serie'
						? v.object_id === row.id
						: t.series.get(v.object_id)?.exam === row.id;
				if (v.object_type === 'dataset') {
					const d = t.datasets.get(v.object_id);
					if (!d) return false;
					return kind === 'serie'
						? d.serie === row.id
						: d.exam === row.id || t.series.get(d.serie)?.exam === row.id;
				}
				return false;
			});
			if (hit) ids.add(item.sim.targetFolder);
		}
		const folders = [...ids]
			.map((id) => t.folders.get(id))
			.filter((f) => access.canRead(ctx.user, f));
		return listResult(ctx, folders, repr.folder);
	}
	api.get(BOTH, '/exam/:id/result_folders/', (ctx) =>
		resultFolders(ctx, 'exam', access.get('exam', ctx.params.id, ctx.user)),
	);

	/** Target of a copy or move: a writable project and a folder in it (default: its root). */
	function target(ctx, projectId, folderId) {
		const project = access.find('project', projectId, ctx.user);
		if (!project)
			throw validationError({ project: `Invalid pk "${projectId}" - object does not exist.` });
		access.requireWrite(ctx.user, project.id);
		const folderRow =
			folderId == null
				? t.folders.get(project.root_folder)
				: access.find('folder', folderId, ctx.user);
		if (!folderRow)
			throw validationError({ folder: `Invalid pk "${folderId}" - object does not exist.` });
		if (folderRow.project !== project.id)
			throw validationError({ folder: 'The folder does not belong to the target project.' });
		return { project, folder: folderRow };
	}

	function startTransfer(ctx, kind, source, dest) {
		const label =
			kind === 'copy_exam' ? 'Copy exam' : kind === 'move_exam' ? 'Move exam' : 'Copy series';
		const contentType = kind === 'copy_series' ? 'serie' : 'exam';
		const item = timeline.create({
			type: kind.startsWith('move') ? 'move' : 'copy',
			name: `${label} ${source.name}`,
			user: ctx.user,
			project: dest.project.id,
			related: [{ id: source.id, content_type: contentType }],
			fields: { target: { object_id: dest.folder.id, object_type: 'folder' } },
			sim: {
				kind,
				exam: contentType === 'exam' ? source.id : null,
				series: contentType === 'serie' ? source.id : null,
				project: dest.project.id,
				folder: dest.folder.id,
				step: 0,
			},
		});
		return ok(repr.timeline(item));
	}

	const examCopy = (ctx, folderId) => {
		const e = access.get('exam', ctx.params.id, ctx.user);
		return startTransfer(ctx, 'copy_exam', e, target(ctx, ctx.params.pid, folderId));
	};
	const examMove = (ctx, projectId, folderId) => {
		const e = writableExam(ctx);
		return startTransfer(ctx, 'move_exam', e, target(ctx, projectId, folderId));
	};
	api.post(BOTH, '/exam/:id/copy_to/:pid/', (ctx) => examCopy(ctx, null));
	api.post(BOTH, '/exam/:id/copy_to/:pid/folder/:fid/', (ctx) => examCopy(ctx, ctx.params.fid));
	api.post(BOTH, '/exam/:id/move_to/:pid/', (ctx) => examMove(ctx, ctx.params.pid, null));
	api.post(BOTH, '/exam/:id/move_to/:pid/folder/:fid/', (ctx) =>
		examMove(ctx, ctx.params.pid, ctx.params.fid),
	);
	// Inferred seed 000 form: POST /exam/{id}/copy/ or /move/ with {"folder": id}.
	const folderBody = async (ctx) => {
		const folderId = requireInt(await ctx.body(), 'folder');
		const f = access.find('folder', folderId, ctx.user);
		if (!f) throw validationError({ folder: `Invalid pk "${folderId}" - object does not exist.` });
		return f;
	};
	api.post(BOTH, '/exam/:id/copy/', async (ctx) => {
		const f = await folderBody(ctx);
		const e = access.get('exam', ctx.params.id, ctx.user);
		return startTransfer(ctx, 'copy_exam', e, target(ctx, f.project, f.id));
	});
	api.post(BOTH, '/exam/:id/move/', async (ctx) => {
		const f = await folderBody(ctx);
		return examMove(ctx, f.project, f.id);
	});

	// Lock / unlock (py sends ids form-encoded: `ids=5`; JSON {"ids": [5]} works too).
	for (const [name, locked] of [
		['lock_ids', true],
		['unlock_ids', false],
	])
		api.post(BOTH, `/exam/${name}/`, async (ctx) => {
			const ids = requireIdList(await ctx.body(), 'ids');
			const exams = ids.map((id) => access.get('exam', id, ctx.user));
			for (const e of exams) access.requireWrite(ctx.user, e.project);
			const now = isoNow();
			for (const e of exams) {
				e.locked = locked;
				e.modified_date = now;
			}
			store.changed();
			return ok({ ids: exams.map((e) => e.id), locked });
		});

	// Relations: bare arrays (B.10).
	const relationsOf = (kind, id) =>
		t.relations.filter(
			(r) =>
				(r.from.content_type === kind && r.from.object_id === id) ||
				(r.to.content_type === kind && r.to.object_id === id),
		);
	api.get(BOTH, '/exam/:id/datarelations/', (ctx) => {
		const e = access.get('exam', ctx.params.id, ctx.user);
		return listResult(ctx, relationsOf('exam', e.id), repr.relation, { bare: true });
	});

	// ---- series ----

	for (const name of SERIES_NAMES) {
		const series = (ctx) => access.get('serie', ctx.params.id, ctx.user);
		api.get(BOTH, `/${name}/`, (ctx) =>
			listResult(
				ctx,
				applyFilters(visibleRows(ctx, 'series'), ctx.query, FILTERS.serie),
				repr.series,
			),
		);
		api.get(BOTH, `/${name}/:id/`, (ctx) => ok(repr.series(series(ctx))));
		for (const method of ['put', 'patch'])
			api[method](BOTH, `/${name}/:id/`, async (ctx) => {
				const s = series(ctx);
				access.requireWrite(ctx.user, s.project);
				const data = await ctx.body();
				if (method === 'put' || data.has('name')) s.name = requireString(data, 'name');
				s.modified_date = isoNow();
				store.changed();
				return ok(repr.series(s));
			});
		api.delete(BOTH, `/${name}/:id/`, (ctx) => {
			const s = series(ctx);
			access.requireWrite(ctx.user, s.project);
			model.trash('serie', s, ctx.user.id);
			return { status: 204 };
		});
		api.get(BOTH, `/${name}/:id/datasets/`, (ctx) => {
			const s = series(ctx);
			const rows = applyFilters(model.datasetsOf('serie', s.id), ctx.query, FILTERS.dataset);
			return listResult(ctx, rows, (d) => repr.dataset(d, ctx));
		});
		api.get(BOTH, `/${name}/:id/tree/`, (ctx) => ok(seriesTree(services, series(ctx), ctx)));
		api.get(BOTH, `/${name}/:id/exam/`, (ctx) => {
			const s = series(ctx);
			const e = s.exam == null ? null : t.exams.get(s.exam);
			if (!e || e.trashed) throw notFound();
			return ok(repr.exam(e, ctx));
		});
		api.get(BOTH, `/${name}/:id/patient/`, (ctx) => {
			const s = series(ctx);
			return patientOf(ctx, s.exam == null ? null : t.exams.get(s.exam));
		});
		api.get(BOTH, `/${name}/:id/result_folders/`, (ctx) =>
			resultFolders(ctx, 'serie', series(ctx)),
		);
		api.get(BOTH, `/${name}/:id/datarelations/`, (ctx) =>
			listResult(ctx, relationsOf('serie', series(ctx).id), repr.relation, { bare: true }),
		);
		const seriesCopy = (ctx, folderId) =>
			startTransfer(ctx, 'copy_series', series(ctx), target(ctx, ctx.params.pid, folderId));
		api.post(BOTH, `/${name}/:id/copy_to/:pid/`, (ctx) => seriesCopy(ctx, null));
		api.post(BOTH, `/${name}/:id/copy_to/:pid/folder/:fid/`, (ctx) =>
			seriesCopy(ctx, ctx.params.fid),
		);
	}

	// ---- datasets ----

	const dataset = (ctx) => access.get('dataset', ctx.params.id, ctx.user);
	api.get(BOTH, '/dataset/', (ctx) =>
		listResult(ctx, applyFilters(visibleRows(ctx, 'datasets'), ctx.query, FILTERS.dataset), (d) =>
			repr.dataset(d, ctx),
		),
	);
	api.get(BOTH, '/dataset/:id/', (ctx) => ok(repr.dataset(dataset(ctx), ctx)));
	// Legacy direct create (py): {"serie"|"exam"|"folder": id, "type": 100000} -> 201.
	api.post(BOTH, '/dataset/', async (ctx) => {
		const data = await ctx.body();
		const type = optionalInt(data, 'type') ?? 100000;
		const serieId = optionalInt(data, 'serie') ?? optionalInt(data, 'series');
		const examId = optionalInt(data, 'exam');
		const folderId = optionalInt(data, 'folder');
		const name = data.has('name') ? String(data.get('name') ?? '') : '';
		let parent;
		if (serieId !== undefined) parent = ['serie', access.find('serie', serieId, ctx.user), serieId];
		else if (examId !== undefined) parent = ['exam', access.find('exam', examId, ctx.user), examId];
		else if (folderId !== undefined)
			parent = ['folder', access.find('folder', folderId, ctx.user), folderId];
		else throw validationError({ non_field_errors: 'One of serie, exam or folder is required.' });
		const [field, row, id] = parent;
		if (!row) throw validationError({ [field]: `Invalid pk "${id}" - object does not exist.` });
		access.requireWrite(ctx.user, row.project);
		const d = model.createDataset(
			{
				name,
				type,
				serie: field === 'serie' ? row.id : null,
				exam: field === 'exam' ? row.id : null,
				project: row.project,
			},
			{ folder: field === 'folder' ? row.id : undefined },
		);
		return ok(repr.dataset(d, ctx), 201);
	});
	for (const method of ['put', 'patch'])
		api[method](BOTH, '/dataset/:id/', async (ctx) => {
			const d = dataset(ctx);
			access.requireWrite(ctx.user, d.project);
			const data = await ctx.body();
			if (method === 'put' || data.has('name')) d.name = requireString(data, 'name');
			d.modified_date = isoNow();
			store.changed();
			return ok(repr.dataset(d, ctx));
		});
	api.delete(BOTH, '/dataset/:id/', (ctx) => {
		const d = dataset(ctx);
		access.requireWrite(ctx.user, d.project);
		model.trash('dataset', d, ctx.user.id);
		return { status: 204 };
	});
	api.get(BOTH, '/dataset/:id/datafiles/', (ctx) =>
		listResult(ctx, repr.datafilesOf(dataset(ctx).id), repr.datafile),
	);
	api.get(BOTH, '/dataset/:id/patient/', (ctx) => {
		const d = dataset(ctx);
		const s = d.serie == null ? null : t.series.get(d.serie);
		return patientOf(ctx, t.exams.get(d.exam ?? s?.exam ?? -1) ?? null);
	});
	api.get(BOTH, '/dataset/:id/datarelations/', (ctx) =>
		listResult(ctx, relationsOf('dataset', dataset(ctx).id), repr.relation, { bare: true }),
	);
	// Dataset copy/move answer 200 with the dataset itself, not a timeline item (B.4.6).
	const datasetTransfer = (ctx, folderId, move) => {
		const d = dataset(ctx);
		if (move) access.requireWrite(ctx.user, d.project);
		const dest = target(ctx, ctx.params.pid, folderId);
		const row = move
			? model.moveDataset(d.id, dest.project.id, dest.folder.id)
			: model.copyDataset(d.id, dest.project.id, dest.folder.id);
		return ok(repr.dataset(row, ctx));
	};
	api.post(BOTH, '/dataset/:id/copy_to/:pid/', (ctx) => datasetTransfer(ctx, null, false));
	api.post(BOTH, '/dataset/:id/copy_to/:pid/folder/:fid/', (ctx) =>
		datasetTransfer(ctx, ctx.params.fid, false),
	);
	api.post(BOTH, '/dataset/:id/move_to/:pid/', (ctx) => datasetTransfer(ctx, null, true));
	api.post(BOTH, '/dataset/:id/move_to/:pid/folder/:fid/', (ctx) =>
		datasetTransfer(ctx, ctx.params.fid, true),
	);

	api.get(BOTH, '/datafile/:id/', (ctx) => {
		const df = t.datafiles.get(ctx.params.id);
		if (!df || !access.canRead(ctx.user, df)) throw notFound();
		return ok(repr.datafile(df));
	});

	// ---- patients ----

	function patientOf(ctx, exam) {
		const p = exam?.patient == null ? null : t.patients.get(exam.patient);
		if (!p || !access.canRead(ctx.user, exam)) throw notFound();
		return ok(repr.patient(p, ctx));
	}
	const patient = (ctx) => access.get('patient', ctx.params.id, ctx.user);
	api.get(BOTH, '/patient/', (ctx) =>
		listResult(ctx, applyFilters(visibleRows(ctx, 'patients'), ctx.query, FILTERS.patient), (p) =>
			repr.patient(p, ctx),
		),
	);
	api.get(BOTH, '/patient/:id/', (ctx) => ok(repr.patient(patient(ctx), ctx)));
	api.get(BOTH, '/patient/:id/exams/', (ctx) => {
		const p = patient(ctx);
		const rows = visibleRows(ctx, 'exams').filter((e) => e.patient === p.id);
		return listResult(ctx, applyFilters(rows, ctx.query, FILTERS.exam), (e) => repr.exam(e, ctx));
	});
}
