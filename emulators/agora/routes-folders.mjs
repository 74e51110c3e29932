// Folders, folder items, links, breadcrumbs and the trash (reference A.5, B.4.3, B.4.10,
// B.10). v1 `items/` is a bare array (py iterates it directly); v2 `items/` is a page.
import { BOTH, SERIES_NAMES, V1, V2 } from './api-router.mjs';
import { kindOf } from './content-types.mjs';
import { badRequest, notFound, permissionDenied, validationError } from './errors.mjs';
import { applyFilters, FILTERS } from './filters.mjs';
import { listResult } from './pagination.mjs';
import { requireIdList, requireInt, requireString, toBool } from './request-values.mjs';
import { folderTree } from './trees.mjs';

/** Routes `{objBase}{id}/link_to/{folder}/` and `{objBase}{id}/folders/` exist for these. */
const LINKABLE = [
	['folder', ['folder']],
	['exam', ['exam']],
	['serie', SERIES_NAMES],
	['dataset', ['dataset']],
];

export function registerFolderRoutes(api, services) {
	const { store, model, access, repr } = services;
	const t = store.t;
	const ok = (data, status = 200) => ({ status, data });
	const folder = (ctx, id = ctx.params.id) => access.get('folder', id, ctx.user);

	/** Folders, for the v2 list and `POST /folder/`; a sibling with the same name is a 400. */
	function assertFreeName(parentId, name, exceptId = null) {
		const clash = model
			.itemsOf(parentId)
			.some(
				(it) =>
					it.content_type === 'folder' &&
					!it.is_link &&
					it.object_id !== exceptId &&
					t.folders.get(it.object_id)?.name === name,
			);
		if (clash) throw validationError({ name: `A folder with the name "${name}" already exists.` });
	}

	function createIn(ctx, parent, name) {
		access.requireWrite(ctx.user, parent.project);
		assertFreeName(parent.id, name);
		return model.createFolder({ name, parent: parent.id, owner: ctx.user.id });
	}

	api.get(BOTH, '/folder/', (ctx) => {
		const visible = access.visibleProjectIds(ctx.user);
		const rows = t.folders.filter((f) => !f.trashed && visible.has(f.project));
		return listResult(ctx, applyFilters(rows, ctx.query, FILTERS.folder), repr.folder);
	});

	// Inferred seed 000 form: POST /folder/ {"name", "parent"} -> 201 folder.
	api.post(BOTH, '/folder/', async (ctx) => {
		const data = await ctx.body();
		const name = requireString(data, 'name');
		const parentId = requireInt(data, 'parent');
		const parent = access.find('folder', parentId, ctx.user);
		if (!parent)
			throw validationError({ parent: `Invalid pk "${parentId}" - object does not exist.` });
		return ok(repr.folder(createIn(ctx, parent, name).folder), 201);
	});

	api.get(BOTH, '/folder/:id/', (ctx) => ok(repr.folder(folder(ctx))));

	for (const method of ['put', 'patch'])
		api[method](BOTH, '/folder/:id/', async (ctx) => {
			const f = folder(ctx);
			access.requireWrite(ctx.user, f.project);
			const data = await ctx.body();
			if (method === 'put' || data.has('name')) {
				const name = requireString(data, 'name');
				if (f.parent != null) assertFreeName(f.parent, name, f.id);
				f.name = name;
			}
			f.modified_date = new Date().toISOString();
			store.changed();
			return ok(repr.folder(f));
		});

	// Recursive delete into the trash; links inside are removed, their targets stay (seed 002).
	api.delete(BOTH, '/folder/:id/', (ctx) => {
		const f = folder(ctx);
		access.requireWrite(ctx.user, f.project);
		if (f.parent == null) throw badRequest('The root folder of a project cannot be deleted.');
		if (f.locked) throw permissionDenied('The folder is locked.');
		model.trash('folder', f, ctx.user.id);
		return { status: 204 };
	});

	const itemFilter = (ctx, items) => {
		const type = kindOf(ctx.query.get('content_type'));
		const isLink = ctx.query.has('is_link') ? toBool(ctx.query.get('is_link')) : null;
		return items.filter(
			(it) => (!type || it.content_type === type) && (isLink === null || it.is_link === isLink),
		);
	};
	api.get(V1, '/folder/:id/items/', (ctx) =>
		listResult(ctx, itemFilter(ctx, model.itemsOf(folder(ctx).id)), (it) => repr.item(it, ctx), {
			bare: true,
		}),
	);
	api.get(V2, '/folder/:id/items/', (ctx) =>
		listResult(ctx, itemFilter(ctx, model.itemsOf(folder(ctx).id)), (it) => repr.item(it, ctx)),
	);

	// Create a subfolder: 201 with the folder item whose content_object is the new folder.
	api.post(BOTH, '/folder/:id/new/', async (ctx) => {
		const parent = folder(ctx);
		const data = await ctx.body();
		const name = requireString(data, 'name');
		return ok(repr.item(createIn(ctx, parent, name).item, ctx), 201);
	});

	api.get(BOTH, '/folder/:id/tree/', (ctx) => ok(folderTree(services, folder(ctx), ctx)));

	api.get(BOTH, '/folder/:id/breadcrumb/', (ctx) => {
		const path = model.folderPath(folder(ctx).id);
		return ok(
			path.map((f) => {
				const home = model.homeItem('folder', f.id);
				return {
					id: home?.id ?? null,
					object_id: f.id,
					name: f.name,
					content_type: 'folder',
					project: f.project,
				};
			}),
		);
	});

	for (const [kind, names] of LINKABLE)
		for (const name of names) {
			// Link an object into a folder (py sends an empty form): 201 folder item, is_link true.
			api.post(BOTH, `/${name}/:id/link_to/:folder/`, (ctx) => {
				const row = access.get(kind, ctx.params.id, ctx.user);
				const target = access.get('folder', ctx.params.folder, ctx.user);
				access.requireWrite(ctx.user, target.project);
				if (
					model.itemsOf(target.id).some((it) => it.content_type === kind && it.object_id === row.id)
				)
					throw validationError({ non_field_errors: 'The object is already in this folder.' });
				if (kind === 'folder' && model.isInside(target.id, row.id))
					throw badRequest('A folder cannot be linked into itself.');
				return ok(repr.item(model.addItem(target.id, kind, row.id, { isLink: true }), ctx), 201);
			});
			api.get(BOTH, `/${name}/:id/folders/`, (ctx) => {
				const row = access.get(kind, ctx.params.id, ctx.user);
				const folders = model.foldersOf(kind, row.id).filter((f) => access.canRead(ctx.user, f));
				return listResult(ctx, folders, repr.folder);
			});
		}

	const item = (ctx, id = ctx.params.id) => {
		const it = t.items.get(id);
		const f = it && t.folders.get(it.folder);
		const table = { folder: 'folders', exam: 'exams', serie: 'series', dataset: 'datasets' }[
			it?.content_type
		];
		const row = table && t[table].get(it.object_id);
		if (!it || !access.canRead(ctx.user, f) || !row || row.trashed) throw notFound();
		return { it, folder: f, row };
	};

	/** Deleting a link removes it; deleting an object's own item moves the object to the trash. */
	function deleteItem(ctx, { it, folder: f, row }) {
		access.requireWrite(ctx.user, f.project);
		if (it.is_link) {
			t.items.delete(it.id);
			store.changed();
		} else {
			if (it.content_type === 'exam' && row.locked) throw permissionDenied('The exam is locked.');
			model.trash(it.content_type, row, ctx.user.id);
		}
	}

	api.get(BOTH, '/folderitem/:id/', (ctx) => ok(repr.item(item(ctx).it, ctx)));
	api.delete(BOTH, '/folderitem/:id/', (ctx) => {
		deleteItem(ctx, item(ctx));
		return { status: 204 };
	});
	api.post(BOTH, '/folderitem/delete_ids/', async (ctx) => {
		const ids = requireIdList(await ctx.body(), 'ids');
		const found = ids.map((id) => item(ctx, id));
		for (const f of found) access.requireWrite(ctx.user, f.folder.project);
		for (const f of found) deleteItem(ctx, f);
		return { status: 204 };
	});

	// Trash (B.4.10): clients list it and filter by project themselves.
	api.get(BOTH, '/trash/', (ctx) => {
		const visible = access.visibleProjectIds(ctx.user);
		const rows = t.trash.filter((tr) => visible.has(tr.project));
		return listResult(ctx, applyFilters(rows, ctx.query, FILTERS.trash), repr.trash);
	});
	const trashEntry = (ctx) => {
		const entry = t.trash.get(ctx.params.id);
		if (!entry || access.role(ctx.user, entry.project) === null) throw notFound();
		access.requireWrite(ctx.user, entry.project);
		return entry;
	};
	for (const path of ['/trash/:id/delete/', '/trash/:id/'])
		api.delete(BOTH, path, (ctx) => {
			model.purge(trashEntry(ctx));
			return { status: 204 };
		});
	api.get(BOTH, '/trash/:id/', (ctx) => {
		const entry = t.trash.get(ctx.params.id);
		if (!entry || access.role(ctx.user, entry.project) === null) throw notFound();
		return ok(repr.trash(entry));
	});
	// Restore (not used by the connectors): the object and its contents come back.
	api.post(BOTH, '/trash/:id/restore/', (ctx) => {
		const entry = trashEntry(ctx);
		for (const table of ['folders', 'exams', 'series', 'datasets', 'datafiles'])
			for (const row of t[table].rows.values()) if (row.trashed === entry.id) delete row.trashed;
		t.trash.delete(entry.id);
		store.changed();
		return ok({ detail: 'Restored.' });
	});
}
