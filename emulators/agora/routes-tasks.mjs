// Tasks and the timeline (reference A.11, B.4.8, B.8, Part C "Task run request/response",
// "Timeline", "Cancel").
//  - UI task definitions: /task/ (seed 000, inferred path), /taskdefinition/ (connectors),
//    /project/{id}/task/; script tasks: /taskdefinition_yaml/.
//  - Runs: seed 000's POST /runtask/ {"task", "inputs": [{object_type, object_id}]} answers
//    {"timeline_item_id"}; the connectors' POST .../run/ {"target", "inputs": {key: value}}
//    answers the timeline item. List entries are assigned to the task's object inputs in
//    `order` (an entry may name its `key`); a run that cannot be matched is a 400.
//  - Timeline items are served on /timelineitem/ and /timeline/, with cancel.
import { BOTH } from './api-router.mjs';
import { INPUT_TYPES, kindOf, TIMELINE_STATE_NAMES, YAML_INPUT_TYPES } from './content-types.mjs';
import { notFound, permissionDenied, validationError } from './errors.mjs';
import { applyFilters, applyOrdering, FILTERS } from './filters.mjs';
import { listResult } from './pagination.mjs';
import {
	optionalInt,
	requireInt,
	requireString,
	structuredField,
	toBool,
	toInt,
	toNumber,
} from './request-values.mjs';
import { renderTemplate } from './task-script.mjs';

const OBJECT_TYPES = { 1: 'exam', 2: 'series', 3: 'dataset', 4: 'file', 9: 'folder' };

/** Input specs of a UI task or a script task, in `order`. */
export function inputSpecs(def) {
	if (def.yml) {
		const inputs = def.yml.inputs ?? {};
		return Object.entries(inputs).map(([key, spec], order) => ({
			key,
			type: YAML_INPUT_TYPES[String(spec?.type ?? 'string').toLowerCase()] ?? 5,
			required: Boolean(spec?.required),
			select_values: spec?.values ?? spec?.select_values ?? null,
			min: spec?.min ?? null,
			max: spec?.max ?? null,
			order,
		}));
	}
	return [...def.inputs].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
}

export function registerTaskRoutes(api, { store, access, repr, timeline }) {
	const t = store.t;
	const ok = (data, status = 200) => ({ status, data });
	const visibleTasks = (ctx, table) => {
		const visible = access.visibleProjectIds(ctx.user);
		return t[table].filter((d) => visible.has(d.project));
	};
	const taskDef = (ctx, id = ctx.params.id) => {
		const def = t.tasks.get(id);
		if (!def || access.role(ctx.user, def.project) === null) throw notFound();
		return def;
	};
	const scriptTask = (ctx, id = ctx.params.id) => {
		const def = t.scripttasks.get(id);
		if (!def || access.role(ctx.user, def.project) === null) throw notFound();
		return def;
	};

	// ---- definitions ----

	for (const path of ['/task/', '/taskdefinition/'])
		api.get(BOTH, path, (ctx) =>
			listResult(ctx, applyFilters(visibleTasks(ctx, 'tasks'), ctx.query, FILTERS.task), repr.task),
		);
	for (const path of ['/task/:id/', '/taskdefinition/:id/'])
		api.get(BOTH, path, (ctx) => ok(repr.task(taskDef(ctx))));
	api.get(BOTH, '/project/:id/task/', (ctx) => {
		const p = access.get('project', ctx.params.id, ctx.user);
		return listResult(
			ctx,
			applyFilters(
				t.tasks.filter((d) => d.project === p.id),
				ctx.query,
				FILTERS.task,
			),
			repr.task,
		);
	});

	/** Cleans a definition body (py's save/import send the full definition). */
	function definitionFields(data, { partial = false } = {}) {
		const out = {};
		if (!partial || data.has('name')) out.name = requireString(data, 'name');
		for (const key of [
			'description',
			'container_name',
			'execute_template',
			'parse_output_for_error',
		])
			if (data.has(key)) out[key] = String(data.get(key) ?? '');
		if (data.has('success_exit_code'))
			out.success_exit_code = toInt(data.get('success_exit_code')) ?? 0;
		if (
			data.has('container_options') &&
			data.get('container_options') &&
			typeof data.get('container_options') === 'object'
		)
			out.container_options = structuredClone(data.get('container_options'));
		for (const key of ['inputs', 'outputs']) {
			if (!data.has(key)) continue;
			const list = data.get(key);
			if (!Array.isArray(list)) throw validationError({ [key]: 'Expected a list of items.' });
			out[key] = list.map((entry, i) => {
				if (!entry || typeof entry !== 'object')
					throw validationError({ [key]: `Item ${i} is not an object.` });
				const type = toInt(entry.type);
				if (key === 'inputs' && (!INPUT_TYPES[type] || !entry.key))
					throw validationError({ inputs: `Item ${i} needs a "key" and a valid "type" (1-11).` });
				return { ...structuredClone(entry), id: i + 1, type, order: entry.order ?? i };
			});
		}
		return out;
	}

	function createDefinition(ctx, fields, projectId) {
		access.requireWrite(ctx.user, projectId);
		const def = t.tasks.insert({
			description: '',
			container_name: '',
			container_options: { mount_volumes: [] },
			execute_template: '',
			success_exit_code: 0,
			parse_output_for_error: '',
			inputs: [],
			outputs: [],
			...fields,
			project: projectId,
			owner: ctx.user.id,
		});
		store.changed();
		return def;
	}
	const myAgoraId = (user) => t.projects.find((p) => p.is_myagora && p.owner === user.id)?.id;

	api.post(BOTH, '/taskdefinition/', async (ctx) => {
		const data = await ctx.body();
		const projectId = optionalInt(data, 'project') ?? myAgoraId(ctx.user);
		if (!access.find('project', projectId, ctx.user))
			throw validationError({ project: `Invalid pk "${projectId}" - object does not exist.` });
		return ok(repr.task(createDefinition(ctx, definitionFields(data), projectId)), 201);
	});
	for (const method of ['put', 'patch'])
		api[method](BOTH, '/taskdefinition/:id/', async (ctx) => {
			const def = taskDef(ctx);
			access.requireWrite(ctx.user, def.project);
			Object.assign(def, definitionFields(await ctx.body(), { partial: method === 'patch' }));
			store.changed();
			return ok(repr.task(def));
		});
	api.delete(BOTH, '/taskdefinition/:id/', (ctx) => {
		const def = taskDef(ctx);
		access.requireWrite(ctx.user, def.project);
		t.tasks.delete(def.id);
		store.changed();
		return { status: 204 };
	});
	api.get(BOTH, '/taskdefinition/:id/export/', (ctx) => {
		const { id: _id, project: _p, owner: _o, ...rest } = repr.task(taskDef(ctx));
		return ok({ ...rest, export_version: 1 });
	});
	// Import exported tasks into a project (py, "experimental"): a definition or a list.
	api.post(BOTH, '/project/:id/task/imp/', async (ctx) => {
		const p = access.get('project', ctx.params.id, ctx.user);
		const data = await ctx.body();
		const list = Array.isArray(data.value) ? data.value : [data.toObject()];
		const created = list.map((entry) => {
			const fields = definitionFields({ has: (k) => k in entry, get: (k) => entry[k] });
			return createDefinition(ctx, fields, p.id);
		});
		return ok(created.map(repr.task));
	});
	for (const op of ['copy', 'move'])
		api.post(BOTH, `/project/:pid/task/:tid/${op}/`, (ctx) => {
			const p = access.get('project', ctx.params.pid, ctx.user);
			const def = taskDef(ctx, ctx.params.tid);
			access.requireWrite(ctx.user, p.id);
			if (op === 'move') {
				access.requireWrite(ctx.user, def.project);
				def.project = p.id;
				store.changed();
				return ok(repr.task(def));
			}
			const { id: _id, ...fields } = structuredClone(def);
			return ok(repr.task(createDefinition(ctx, fields, p.id)));
		});

	api.get(BOTH, '/taskdefinition_yaml/', (ctx) =>
		listResult(
			ctx,
			applyFilters(visibleTasks(ctx, 'scripttasks'), ctx.query, FILTERS.task),
			repr.scripttask,
		),
	);
	api.get(BOTH, '/taskdefinition_yaml/:id/', (ctx) => ok(repr.scripttask(scriptTask(ctx))));
	api.get(BOTH, '/project/:id/taskdefinition_yaml/', (ctx) => {
		const p = access.get('project', ctx.params.id, ctx.user);
		return listResult(
			ctx,
			t.scripttasks.filter((d) => d.project === p.id),
			repr.scripttask,
		);
	});

	// ---- runs ----

	/** Checks keyed inputs against the specs; returns the cleaned inputs or throws a 400. */
	function cleanInputs(ctx, specs, inputs) {
		if (!inputs || typeof inputs !== 'object' || Array.isArray(inputs))
			throw validationError({ inputs: 'Expected a dictionary of items.' });
		const errors = {};
		const out = {};
		const known = new Set(specs.map((s) => s.key));
		for (const key of Object.keys(inputs)) if (!known.has(key)) errors[key] = ['Unknown input.'];
		for (const spec of specs) {
			const value = inputs[spec.key];
			if (value === undefined || value === null || value === '') {
				if (spec.required) errors[spec.key] = ['This field is required.'];
				continue;
			}
			const type = Number(spec.type);
			try {
				out[spec.key] = cleanValue(ctx, spec, type, value);
			} catch (e) {
				errors[spec.key] = [e.message];
			}
		}
		if (Object.keys(errors).length) throw validationError({ inputs: errors });
		return out;
	}

	function cleanValue(ctx, spec, type, value) {
		if (OBJECT_TYPES[type]) {
			const objectId = toInt(typeof value === 'object' ? value.object_id : value);
			if (objectId === null)
				throw new Error('Expected an object {"object_id", "object_type"} or an id.');
			const given = typeof value === 'object' ? value.object_type : null;
			const kind = INPUT_TYPES[type].kind;
			// py sends file inputs with object_type null (B.8).
			if (given != null && kindOf(given) !== kind)
				throw new Error(`Expected an object of type ${OBJECT_TYPES[type]}, got ${given}.`);
			const row =
				kind === 'datafile'
					? (() => {
							const df = t.datafiles.get(objectId);
							return df && access.canRead(ctx.user, df) ? df : null;
						})()
					: access.find(kind, objectId, ctx.user);
			if (!row) throw new Error(`Invalid pk "${objectId}" - object does not exist.`);
			return { object_id: objectId, object_type: OBJECT_TYPES[type] };
		}
		if (type === 5) {
			if (typeof value !== 'string' && typeof value !== 'number')
				throw new Error('Not a valid string.');
			return String(value);
		}
		if (type === 6 || type === 7) {
			const n = type === 6 ? toInt(value) : toNumber(value);
			if (n === null)
				throw new Error(
					type === 6 ? 'A valid integer is required.' : 'A valid number is required.',
				);
			if (spec.min != null && n < spec.min)
				throw new Error(`Ensure this value is greater than or equal to ${spec.min}.`);
			if (spec.max != null && n > spec.max)
				throw new Error(`Ensure this value is less than or equal to ${spec.max}.`);
			return n;
		}
		if (type === 8) {
			const choices = Array.isArray(spec.select_values)
				? spec.select_values.map(String)
				: String(spec.select_values ?? '')
						.split(',')
						.map((s) => s.trim())
						.filter(Boolean);
			if (!choices.includes(String(value))) throw new Error(`"${value}" is not a valid choice.`);
			return value;
		}
		if (type === 11) {
			const b = toBool(value);
			if (b === null) throw new Error('Must be a valid boolean.');
			return b;
		}
		return value;
	}

	/** `target`: the output folder, as {"object_id", "object_type": "folder"} or an id. */
	function cleanTarget(ctx, raw, outputs) {
		if (raw === undefined || raw === null || raw === '') {
			if (outputs.length) throw validationError({ target: 'This field is required.' });
			return null;
		}
		const id = toInt(typeof raw === 'object' ? raw.object_id : raw);
		const type = typeof raw === 'object' ? raw.object_type : 'folder';
		if (id === null || (type != null && kindOf(type) !== 'folder'))
			throw validationError({
				target: 'Expected a folder {"object_id", "object_type": "folder"}.',
			});
		const folder = access.find('folder', id, ctx.user);
		if (!folder) throw validationError({ target: `Invalid pk "${id}" - object does not exist.` });
		access.requireWrite(ctx.user, folder.project);
		return { object_id: folder.id, object_type: 'folder' };
	}

	function startRun(ctx, def, { inputs, target, scriptTask: isScript = false }) {
		access.requireWrite(ctx.user, def.project);
		const outputs = isScript
			? Object.entries(def.yml.outputs ?? {}).map(([name, o]) => ({
					name,
					data_set_type: o?.data_set_type ?? null,
				}))
			: def.outputs;
		const template = isScript ? (def.yml.script ?? def.yml.command ?? '') : def.execute_template;
		return timeline.createTaskRun({
			user: ctx.user,
			project: def.project,
			name: def.name,
			script: renderTemplate(template, inputs, target),
			outputs,
			targetFolder: target?.object_id ?? null,
			fields: {
				task: isScript ? null : def.id,
				script_task: isScript ? def.id : null,
				inputs,
				target,
			},
		});
	}

	async function keyedRun(ctx, def, isScript) {
		const data = await ctx.body();
		if (!data.isMapping)
			throw validationError({ non_field_errors: 'Invalid data. Expected a dictionary.' });
		const specs = inputSpecs(def);
		const outputs = isScript ? Object.keys(def.yml.outputs ?? {}) : def.outputs;
		const target = cleanTarget(ctx, structuredField(data, 'target'), outputs);
		const inputs = cleanInputs(ctx, specs, structuredField(data, 'inputs') ?? {});
		return ok(repr.timeline(startRun(ctx, def, { inputs, target, scriptTask: isScript })));
	}
	api.post(BOTH, '/taskdefinition/:id/run/', (ctx) => keyedRun(ctx, taskDef(ctx), false));
	api.post(BOTH, '/task/:id/run/', (ctx) => keyedRun(ctx, taskDef(ctx), false));
	api.post(BOTH, '/taskdefinition_yaml/:id/run/', (ctx) => keyedRun(ctx, scriptTask(ctx), true));

	// Seed 000's run: {"task": id, "inputs": [{object_type, object_id}, ...]} -> {"timeline_item_id"}.
	api.post(BOTH, '/runtask/', async (ctx) => {
		const data = await ctx.body();
		const taskId = requireInt(data, 'task');
		const def = t.tasks.get(taskId);
		if (!def || access.role(ctx.user, def.project) === null)
			throw validationError({ task: `Invalid pk "${taskId}" - object does not exist.` });
		const specs = inputSpecs(def);
		const raw = structuredField(data, 'inputs') ?? [];
		const inputs = Array.isArray(raw) ? assignByOrder(specs, raw) : raw;
		const cleaned = cleanInputs(ctx, specs, inputs);
		let target = null;
		if (data.get('target') != null)
			target = cleanTarget(ctx, structuredField(data, 'target'), def.outputs);
		else if (def.outputs.length) {
			// No target in seed 000's form: results go to the user's My Agora root folder.
			const home = t.projects.find((p) => p.is_myagora && p.owner === ctx.user.id);
			target = { object_id: home.root_folder, object_type: 'folder' };
		}
		const item = startRun(ctx, def, { inputs: cleaned, target });
		return ok({ timeline_item_id: item.id });
	});

	/** Maps the seed's input list onto keyed inputs: by `key` when given, else by order. */
	function assignByOrder(specs, list) {
		const out = {};
		const objectSpecs = specs.filter((s) => OBJECT_TYPES[Number(s.type)]);
		const free = [];
		list.forEach((entry, i) => {
			if (!entry || typeof entry !== 'object' || Array.isArray(entry))
				throw validationError({ inputs: `Item ${i}: expected {"object_type", "object_id"}.` });
			if (entry.key != null)
				out[entry.key] =
					'value' in entry
						? entry.value
						: { object_id: entry.object_id, object_type: entry.object_type };
			else free.push([i, entry]);
		});
		const open = objectSpecs.filter((s) => !(s.key in out));
		if (free.length > open.length)
			throw validationError({
				inputs: `The task takes ${objectSpecs.length} object input(s); ${list.length} were given.`,
			});
		free.forEach(([i, entry], n) => {
			const spec = open[n];
			const wanted = INPUT_TYPES[Number(spec.type)].kind;
			if (entry.object_type != null && kindOf(entry.object_type) !== wanted)
				throw validationError({
					inputs: `Item ${i} (${entry.object_type}) does not match the task input "${spec.key}" (${OBJECT_TYPES[Number(spec.type)]}).`,
				});
			out[spec.key] = {
				object_id: entry.object_id,
				object_type: entry.object_type ?? OBJECT_TYPES[Number(spec.type)],
			};
		});
		return out;
	}

	// ---- timeline ----

	/** Own items and items of the user's projects. */
	const canSeeItem = (ctx, item, projects) =>
		item.user === ctx.user.id || (item.project != null && projects.has(item.project));

	const timelineItem = (ctx) => {
		const item = t.timeline.get(ctx.params.id);
		if (!item || !canSeeItem(ctx, item, access.visibleProjectIds(ctx.user))) throw notFound();
		return item;
	};

	function timelineList(ctx) {
		const projects = access.visibleProjectIds(ctx.user);
		const query = new URLSearchParams(ctx.query);
		// `state` may be the string (seed 000) or the connectors' integer.
		for (const key of ['state', 'state__in']) {
			if (!query.has(key)) continue;
			query.set(
				key,
				query
					.get(key)
					.split(',')
					.map((s) => TIMELINE_STATE_NAMES[s] ?? s.toUpperCase())
					.join(','),
			);
		}
		const ordering = query.get('ordering');
		query.delete('ordering');
		const rows = [];
		for (const item of t.timeline.rows.values())
			if (canSeeItem(ctx, item, projects)) rows.push(item);
		let out = applyFilters(rows, query, FILTERS.timeline);
		// Newest first unless asked otherwise. Rows are in id order already, so the orderings
		// a polling trigger uses (`id`, `-id`) cost no sort over 100 000 items.
		if (!ordering || ordering === '-id') out = (out === rows ? [...out] : out).reverse();
		else if (ordering !== 'id') out = applyOrdering(out, ordering, FILTERS.timeline);
		return listResult(ctx, out, repr.timeline);
	}

	for (const name of ['timelineitem', 'timeline']) {
		api.get(BOTH, `/${name}/`, timelineList);
		api.get(BOTH, `/${name}/:id/`, (ctx) => ok(repr.timeline(timelineItem(ctx))));
		api.post(BOTH, `/${name}/:id/cancel/`, (ctx) => {
			const item = timelineItem(ctx);
			if (item.user !== ctx.user.id && !access.canWrite(ctx.user, item.project))
				throw permissionDenied();
			return ok(repr.timeline(timeline.cancel(item)));
		});
	}
}
