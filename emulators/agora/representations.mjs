// API JSON of every object (reference B.5), built from the store's rows on each read.
// `ctx.apiVersion` is 'v1' or 'v2': v1 datasets embed their datafiles (B.4.3, B.4.6).
// Key order follows the connectors' fixtures, since DRF serializers emit fields in a fixed order.
import { TIMELINE_STATES } from './content-types.mjs';

export function createRepresenter(store, access) {
	const t = store.t;

	const user = (u, { self = false } = {}) => {
		const out = {
			id: u.id,
			username: u.username,
			email: u.email,
			first_name: u.first_name,
			last_name: u.last_name,
			is_superuser: u.is_superuser,
			is_staff: u.is_superuser,
			is_active: true,
			institution: u.institution,
			groups: t.groups.filter((g) => g.users.includes(u.id)).map((g) => g.id),
			date_joined: u.date_joined,
		};
		if (self) {
			out.last_login = u.last_login ?? null;
			out.settings = { ...u.settings };
			out.has_api_key = u.api_key !== null;
		}
		return out;
	};

	const group = (g) => ({ id: g.id, name: g.name, users: [...g.users] });

	const membership = (m) => ({ id: m.id, user: m.user, role: m.role, project: m.project });

	const project = (p) => {
		let examCount = 0;
		for (const e of t.exams.rows.values()) if (e.project === p.id && !e.trashed) examCount += 1;
		return {
			id: p.id,
			name: p.name,
			description: p.description,
			memberships: t.memberships.filter((m) => m.project === p.id).map(membership),
			project_memberships: [],
			root_folder: p.root_folder,
			owner: p.owner,
			is_myagora: p.is_myagora,
			special_function: p.is_myagora ? 'myagora' : null,
			anon_settings: null,
			anon_profile_set: null,
			created_date: p.created_date,
			exam_count: examCount,
			settings: {},
			has_autoroutes: false,
		};
	};

	const folder = (f) => ({
		id: f.id,
		name: f.name,
		project: f.project,
		queries: t.queries.filter((q) => q.folder === f.id).map((q) => q.id),
		locked: f.locked,
		parent: f.parent,
		owner: f.owner,
		created_date: f.created_date,
		modified_date: f.modified_date,
	});

	const patient = (p, ctx) => {
		const writable = ctx?.user ? access.canWrite(ctx.user, p.project) : false;
		let recent = null;
		for (const e of t.exams.rows.values())
			if (e.patient === p.id && !e.trashed && (!recent || e.start_time > recent))
				recent = e.start_time;
		return {
			id: p.id,
			permissions: { write: writable, read: true },
			most_recent_exam_date: recent,
			created_date: p.created_date,
			modified_date: p.modified_date,
			name: p.name,
			patient_id: p.patient_id,
			birth_date: p.birth_date,
			sex: p.sex,
			weight: p.weight,
			anonymous: p.anonymous,
			is_anonymized: p.anonymous,
			is_main: true,
			creator: p.creator,
			project: p.project,
		};
	};

	const exam = (e, ctx) => {
		const p = e.patient == null ? null : t.patients.get(e.patient);
		return {
			id: e.id,
			owner: e.owner,
			// Nested, as both API versions appear to do (B.5); clients accept an id too.
			patient: p ? patient(p, ctx) : null,
			project: e.project,
			uid: e.uid,
			name: e.name,
			created_date: e.created_date,
			modified_date: e.modified_date,
			start_time: e.start_time,
			description: e.description,
			scanner_name: e.scanner_name,
			vendor: e.vendor,
			is_anonymized: e.is_anonymized,
			locked: e.locked,
			valid: e.valid,
			messages: [],
		};
	};

	const datasetTypesOf = (seriesId) => {
		const types = new Set();
		for (const d of t.datasets.rows.values())
			if (d.serie === seriesId && !d.trashed) types.add(d.type);
		return [...types].sort((a, b) => a - b);
	};

	const series = (s) => ({
		id: s.id,
		exam: s.exam,
		project: s.project,
		uid: s.uid,
		name: s.name,
		creator: s.creator,
		time: s.time,
		acquisition_number: s.acquisition_number,
		is_refscan: s.is_refscan,
		is_coil_survey: false,
		locked: s.locked,
		valid: null,
		messages: [],
		thumbnails: [],
		dataset_types: datasetTypesOf(s.id),
		has_relations: t.relations.find(
			(r) =>
				(r.from.content_type === 'serie' && r.from.object_id === s.id) ||
				(r.to.content_type === 'serie' && r.to.object_id === s.id),
		)
			? true
			: false,
		has_task_results: false,
		created_date: s.created_date,
		modified_date: s.modified_date,
	});

	const datafile = (df) => ({
		id: df.id,
		dataset: df.dataset,
		type: df.type,
		relative_path: df.relative_path,
		original_filename: df.original_filename,
		size: df.size,
		sha1: df.sha1,
		is_anonymized: df.is_anonymized,
		mime_type: df.mime_type,
		created_date: df.created_date,
		modified_date: df.modified_date,
	});

	const datafilesOf = (datasetId) =>
		t.datafiles.filter((df) => df.dataset === datasetId && !df.trashed);

	const dataset = (d, ctx) => {
		const files = datafilesOf(d.id);
		const out = {
			id: d.id,
			created_date: d.created_date,
			modified_date: d.modified_date,
			serie: d.serie,
			exam: d.exam,
			project: d.project,
			name: d.name,
			type: d.type,
			mime_type: d.mime_type,
			total_size: files.reduce((sum, df) => sum + df.size, 0),
			thumbnails: [],
			version: null,
			is_viewable: true,
			locked: d.locked,
		};
		if (ctx?.apiVersion === 'v1') out.datafiles = files.map(datafile);
		return out;
	};

	/** The full object of any kind, as a folder item's content_object or a search hit. */
	const object = (kind, row, ctx) => {
		switch (kind) {
			case 'folder':
				return folder(row);
			case 'exam':
				return exam(row, ctx);
			case 'serie':
				return series(row);
			case 'dataset':
				return dataset(row, ctx);
			case 'datafile':
				return datafile(row);
			case 'patient':
				return patient(row, ctx);
			case 'project':
				return project(row);
			default:
				return null;
		}
	};

	const tableOf = { folder: 'folders', exam: 'exams', serie: 'series', dataset: 'datasets' };

	const item = (it, ctx) => {
		const row = t[tableOf[it.content_type]].get(it.object_id);
		return {
			id: it.id,
			folder: it.folder,
			object_id: it.object_id,
			content_type: it.content_type,
			modified_date: it.modified_date,
			is_link: it.is_link,
			is_temporary: false,
			content_object: row ? object(it.content_type, row, ctx) : null,
		};
	};

	const parametersetSummary = (ps) => ({ id: ps.id, name: ps.name, read_only: ps.read_only });

	const parameterset = (ps) => ({
		id: ps.id,
		name: ps.name,
		read_only: ps.read_only,
		parameters: ps.parameters.map((p) => ({ ...p })),
		properties: ps.properties ? structuredClone(ps.properties) : {},
	});

	const tagdef = (d) => ({
		id: d.id,
		label: d.label,
		user: d.user,
		project: d.project,
		group: d.group,
		color: d.color,
		visibility: d.visibility,
		scope: d.scope,
	});

	const taginstance = (ti) => ({
		id: ti.id,
		tag_definition: ti.tag_definition,
		tagged_object_content_type: ti.content_type,
		tagged_object_id: ti.object_id,
		user: ti.user,
		created_date: ti.created_date,
	});

	const relation = (r) => ({
		id: r.id,
		type: r.type,
		from_object: { object_id: r.from.object_id, content_type: r.from.content_type },
		to_object: { object_id: r.to.object_id, content_type: r.to.content_type },
	});

	const task = (d) => ({
		id: d.id,
		name: d.name,
		description: d.description,
		project: d.project,
		inputs: d.inputs.map((i) => ({ ...i })),
		outputs: d.outputs.map((o) => ({ ...o })),
		members: [],
		container_name: d.container_name,
		container_options: structuredClone(d.container_options),
		execute_template: d.execute_template,
		execute_version: null,
		success_exit_code: d.success_exit_code,
		parse_output_for_error: d.parse_output_for_error,
		owner: d.owner,
		host: null,
	});

	const scripttask = (s) => ({
		id: s.id,
		name: s.name,
		project: s.project,
		yml: structuredClone(s.yml),
	});

	const timeline = (it) => {
		const related = it.related_objects.map((r) => ({ ...r }));
		const errorMessage = it.error || null;
		return {
			id: it.id,
			type: it.type,
			name: it.name,
			state: it.state,
			progress: it.progress,
			created_date: it.created_date,
			modified_date: it.modified_date,
			start_date: it.start_date,
			end_date: it.end_date,
			user: it.user,
			project: it.project,
			task_definition: it.task ?? null,
			script_task: it.script_task ?? null,
			target: it.target ? { ...it.target } : null,
			inputs: it.inputs == null ? null : structuredClone(it.inputs),
			output: it.output,
			log: it.log,
			error: errorMessage,
			exit_code: it.exit_code,
			related_objects: related,
			data: {
				state: TIMELINE_STATES[it.state],
				related_objects: related.map((r) => ({ ...r })),
				error: errorMessage ? { message: errorMessage } : null,
				exit_code: it.exit_code,
			},
		};
	};

	const query = (q) => ({
		id: q.id,
		name: q.name,
		query: q.query,
		description: q.description,
		user: q.user,
		project: q.project,
		folder: q.folder,
		created_date: q.created_date,
		modified_date: q.modified_date,
	});

	const trash = (tr) => ({
		id: tr.id,
		project: tr.project,
		content_type: tr.content_type,
		object_id: tr.object_id,
		name: tr.name,
		deleted_by: tr.user,
		deleted_date: tr.deleted_date,
	});

	return {
		user,
		group,
		membership,
		project,
		folder,
		patient,
		exam,
		series,
		dataset,
		datafile,
		datafilesOf,
		object,
		item,
		parametersetSummary,
		parameterset,
		tagdef,
		taginstance,
		relation,
		task,
		scripttask,
		timeline,
		query,
		trash,
	};
}
