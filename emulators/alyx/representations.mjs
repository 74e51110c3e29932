// How rows are shown (Alyx's serializers, reference §6): key order as observed, references
// by slug, `url` fields absolute from the request's Host, and the observed oddities (dataset
// `protected`/`public` as 0/1 in lists only, `default_revision` as "True"/"False", the
// session detail's dataset `revision` as a UUID).
import { dateOf, daysBetween, today } from './datetimes.mjs';
import { djangoPathQuote } from './url-encoding.mjs';
import {
	expectedWater,
	lastRestriction,
	referenceWeight,
	remainingWater,
	waterAdministrationsOf,
	weighingsOf,
} from './water-control.mjs';

export const QC_CODES = { NOT_SET: 0, PASS: 10, WARNING: 30, FAIL: 40, CRITICAL: 50 };
export const QC_NAMES = Object.fromEntries(Object.entries(QC_CODES).map(([k, v]) => [v, k]));
/** The order Alyx lists the choices in its error messages. */
export const QC_CHOICES_TEXT = 'CRITICAL, FAIL, WARNING, NOT_SET, PASS';

const field = (store, table, id, key = 'name') =>
	id == null ? null : (store.tables[table].get(id)?.[key] ?? null);
const names = (store, table, ids, key = 'name') =>
	(ids ?? []).map((id) => field(store, table, id, key)).filter((n) => n != null);

export const absolute = (ctx, path) => `${ctx.origin}${path}`;
export const slugUrl = (ctx, prefix, slug) => absolute(ctx, `/${prefix}/${djangoPathQuote(slug)}`);

export function userRep(ctx, u) {
	const { store } = ctx;
	const subjects = store.tables.subjects
		.by('responsible_user', u.id)
		.map((s) => s.nickname)
		.sort();
	const labs = store.tables.lab_members.by('user', u.id).map((m) => field(store, 'labs', m.lab));
	return {
		id: u.id,
		username: u.username,
		email: u.email,
		subjects_responsible: subjects,
		lab: [...new Set(labs.filter(Boolean))],
		allowed_users: names(store, 'users', u.allowed_users, 'username'),
		is_stock_manager: u.is_stock_manager,
	};
}

export const labRep = (ctx, l) => ({
	name: l.name,
	institution: l.institution,
	address: l.address,
	timezone: l.timezone,
	repositories: names(ctx.store, 'data_repositories', l.repositories),
	reference_weight_pct: l.reference_weight_pct,
	zscore_weight_pct: l.zscore_weight_pct,
	json: l.json ?? null,
});

export const projectRep = (ctx, p) => ({
	name: p.name,
	description: p.description,
	users: names(ctx.store, 'users', p.users, 'username'),
});

export function isAlive(s) {
	return !s.death_date || s.death_date > today();
}

export function subjectListRep(ctx, s) {
	const { store } = ctx;
	const restriction = lastRestriction(store, s.id);
	const sessionProjects = new Set();
	for (const session of store.tables.sessions.by('subject', s.id))
		for (const p of session.projects ?? []) sessionProjects.add(p);
	const end = s.death_date && s.death_date < today() ? s.death_date : today();
	return {
		nickname: s.nickname,
		url: slugUrl(ctx, 'subjects', s.nickname),
		id: s.id,
		responsible_user: field(store, 'users', s.responsible_user, 'username'),
		birth_date: s.birth_date,
		age_weeks: s.birth_date ? Math.floor(daysBetween(s.birth_date, end) / 7) : 0,
		death_date: s.death_date,
		species: field(store, 'species', s.species),
		sex: s.sex,
		litter: field(store, 'litters', s.litter),
		strain: field(store, 'strains', s.strain),
		source: field(store, 'sources', s.source),
		line: field(store, 'lines', s.line),
		projects: names(store, 'projects', s.projects),
		session_projects: names(store, 'projects', [...sessionProjects]),
		lab: field(store, 'labs', s.lab),
		genotype: [],
		description: s.description,
		alive: isAlive(s),
		reference_weight: referenceWeight(store, s.id),
		last_water_restriction: restriction?.start_time ?? null,
		expected_water: expectedWater(store, s),
		remaining_water: remainingWater(store, s),
		json: s.json ?? null,
	};
}

export function subjectDetailRep(ctx, s) {
	return {
		...subjectListRep(ctx, s),
		genotype: (s.genotype ?? []).map((g) => ({ allele: g.allele, zygosity: g.zygosity })),
		weighings: weighingsOf(ctx.store, s.id).map((w) => weighingRep(ctx, w)),
		water_administrations: waterAdministrationsOf(ctx.store, s.id).map((w) =>
			waterAdministrationRep(ctx, w),
		),
	};
}

export const weighingRep = (ctx, w) => ({
	subject: field(ctx.store, 'subjects', w.subject, 'nickname'),
	date_time: w.date_time,
	weight: w.weight,
	user: field(ctx.store, 'users', w.user, 'username'),
	url: absolute(ctx, `/weighings/${w.id}`),
});

export const waterAdministrationRep = (ctx, w) => ({
	subject: field(ctx.store, 'subjects', w.subject, 'nickname'),
	date_time: w.date_time,
	water_administered: w.water_administered,
	water_type: field(ctx.store, 'water_types', w.water_type),
	user: field(ctx.store, 'users', w.user, 'username'),
	url: absolute(ctx, `/water-administrations/${w.id}`),
	session: w.session ?? null,
	adlib: w.adlib,
});

export const waterTypeRep = (ctx, w) => ({
	url: slugUrl(ctx, 'water-type', w.name),
	json: w.json ?? null,
	name: w.name,
});

export const waterRestrictionRep = (ctx, r) => ({
	subject: field(ctx.store, 'subjects', r.subject, 'nickname'),
	start_time: r.start_time,
	end_time: r.end_time,
	water_type: field(ctx.store, 'water_types', r.water_type),
	reference_weight: r.reference_weight,
});

export function waterRestrictedSubjectRep(ctx, s) {
	const lab = ctx.store.tables.labs.get(s.lab);
	return {
		nickname: s.nickname,
		url: slugUrl(ctx, 'subjects', s.nickname),
		expected_water: expectedWater(ctx.store, s),
		remaining_water: remainingWater(ctx.store, s),
		reference_weight: referenceWeight(ctx.store, s.id),
		last_water_restriction: lastRestriction(ctx.store, s.id)?.start_time ?? null,
		reference_weight_pct: lab?.reference_weight_pct ?? 0,
		zscore_weight_pct: lab?.zscore_weight_pct ?? 0,
	};
}

export const sessionListRep = (ctx, s) => ({
	id: s.id,
	subject: field(ctx.store, 'subjects', s.subject, 'nickname'),
	start_time: s.start_time,
	number: s.number,
	lab: field(ctx.store, 'labs', s.lab),
	projects: names(ctx.store, 'projects', s.projects),
	url: absolute(ctx, `/sessions/${s.id}`),
	task_protocol: s.task_protocol,
});

export function sessionDetailRep(ctx, s) {
	const { store } = ctx;
	const datasets = store.tables.datasets.by('session', s.id);
	const generic = store.tables.generic.all();
	return {
		subject: field(store, 'subjects', s.subject, 'nickname'),
		users: names(store, 'users', s.users, 'username'),
		location: field(store, 'lab_locations', s.location),
		procedures: names(store, 'procedure_types', s.procedures),
		lab: field(store, 'labs', s.lab),
		projects: names(store, 'projects', s.projects),
		type: s.type,
		task_protocol: s.task_protocol,
		number: s.number,
		start_time: s.start_time,
		end_time: s.end_time,
		narrative: s.narrative,
		parent_session: s.parent_session ? absolute(ctx, `/sessions/${s.parent_session}`) : null,
		n_correct_trials: s.n_correct_trials,
		n_trials: s.n_trials,
		url: absolute(ctx, `/sessions/${s.id}`),
		extended_qc: s.extended_qc,
		qc: QC_NAMES[s.qc] ?? String(s.qc),
		wateradmin_session_related: store.tables.water_administrations.by('session', s.id).map((w) => ({
			id: w.id,
			name: w.name ?? '',
			water_type: field(store, 'water_types', w.water_type),
			water_administered: w.water_administered,
		})),
		data_dataset_session_related: datasets.map((d) => ({
			id: d.id,
			name: d.name,
			dataset_type: field(store, 'dataset_types', d.dataset_type),
			data_url: datasetDataUrl(store, d),
			url: absolute(ctx, `/datasets/${d.id}`),
			file_size: d.file_size,
			hash: d.hash,
			version: d.version,
			collection: d.collection,
			revision: d.revision ?? '',
			default_revision: d.default_dataset ? 'True' : 'False',
			qc: QC_NAMES[d.qc] ?? String(d.qc),
		})),
		auto_datetime: s.auto_datetime,
		id: s.id,
		json: s.json ?? null,
		probe_insertion: generic
			.filter((g) => g.collection === 'insertions' && g.doc.session === s.id)
			.map((g) => g.doc),
		field_of_view: generic
			.filter((g) => g.collection === 'fields-of-view' && g.doc.session === s.id)
			.map((g) => g.doc),
		notes: store.tables.notes.by('object_id', s.id).map((n) => noteRep(ctx, n)),
	};
}

export const datasetTypeRep = (ctx, t) => ({
	id: t.id,
	name: t.name,
	created_by: field(ctx.store, 'users', t.created_by, 'username'),
	description: t.description,
	filename_pattern: t.filename_pattern,
});

export const dataFormatRep = (ctx, f) => ({
	id: f.id,
	json: f.json ?? null,
	name: f.name,
	description: f.description,
	file_extension: f.file_extension,
	matlab_loader_function: f.matlab_loader_function,
	python_loader_function: f.python_loader_function,
});

export const repositoryTypeRep = (ctx, t) => ({
	url: slugUrl(ctx, 'data-repository-type', t.name),
	json: t.json ?? null,
	name: t.name,
});

export const repositoryRep = (ctx, r) => ({
	name: r.name,
	timezone: r.timezone,
	globus_path: r.globus_path,
	hostname: r.hostname,
	data_url: r.data_url,
	repository_type: field(ctx.store, 'data_repository_types', r.repository_type),
	globus_endpoint_id: r.globus_endpoint_id,
	globus_is_personal: r.globus_is_personal,
	json: r.json ?? null,
});

/** The file record's download URL: the repository's data_url + path with the dataset UUID. */
export function fileRecordDataUrl(store, fr) {
	const repo = store.tables.data_repositories.get(fr.data_repository);
	if (!repo?.data_url) return null;
	const path = fr.relative_path;
	const slash = path.lastIndexOf('/');
	const dir = path.slice(0, slash + 1);
	const file = path.slice(slash + 1);
	const dot = file.lastIndexOf('.');
	const withUuid =
		dot < 0 ? `${file}.${fr.dataset}` : `${file.slice(0, dot)}.${fr.dataset}${file.slice(dot)}`;
	const base = repo.data_url.endsWith('/') ? repo.data_url : `${repo.data_url}/`;
	return `${base}${dir}${withUuid}`;
}

/** Dataset.data_url: the first existing record on a server (non-personal) repository. */
export function datasetDataUrl(store, d) {
	for (const fr of store.tables.file_records.by('dataset', d.id)) {
		if (!fr.exists) continue;
		const repo = store.tables.data_repositories.get(fr.data_repository);
		if (repo?.globus_is_personal) continue;
		const url = fileRecordDataUrl(store, fr);
		if (url) return url;
	}
	return null;
}

export function datasetRep(ctx, d, { list = false } = {}) {
	const { store } = ctx;
	const session = store.tables.sessions.get(d.session);
	const tags = (d.tags ?? []).map((id) => store.tables.tags.get(id)).filter(Boolean);
	const out = {
		url: absolute(ctx, `/datasets/${d.id}`),
		name: d.name,
		created_by: field(store, 'users', d.created_by, 'username'),
		created_datetime: d.created_datetime,
		dataset_type: field(store, 'dataset_types', d.dataset_type),
		data_format: field(store, 'data_formats', d.data_format),
		collection: d.collection,
		session: d.session ? absolute(ctx, `/sessions/${d.session}`) : null,
		file_size: d.file_size,
		hash: d.hash,
		version: d.version,
		experiment_number: session?.number ?? null,
		file_records: store.tables.file_records.by('dataset', d.id).map((fr) => ({
			id: fr.id,
			data_repository: field(store, 'data_repositories', fr.data_repository),
			data_repository_path:
				field(store, 'data_repositories', fr.data_repository, 'globus_path') ?? '',
			relative_path: fr.relative_path,
			data_url: fileRecordDataUrl(store, fr),
			exists: fr.exists,
		})),
		auto_datetime: d.auto_datetime,
		revision: field(store, 'revisions', d.revision) ?? '',
		default_dataset: d.default_dataset,
	};
	if (list) {
		out.protected = tags.some((t) => t.protected) ? 1 : 0;
		out.public = tags.some((t) => t.public) ? 1 : 0;
	}
	out.tags = tags.map((t) => t.name);
	out.qc = QC_NAMES[d.qc] ?? String(d.qc);
	out.json = d.json ?? null;
	return out;
}

export const fileRecordRep = (ctx, fr) => ({
	url: absolute(ctx, `/files/${fr.id}`),
	dataset: absolute(ctx, `/datasets/${fr.dataset}`),
	data_repository: field(ctx.store, 'data_repositories', fr.data_repository),
	name: fr.name,
	json: fr.json ?? null,
	relative_path: fr.relative_path,
	exists: fr.exists,
});

export const revisionRep = (ctx, r) => ({
	id: r.id,
	json: r.json ?? null,
	name: r.name,
	description: r.description,
	created_datetime: r.created_datetime,
});

export const tagRep = (ctx, t) => ({
	id: t.id,
	json: t.json ?? null,
	name: t.name,
	description: t.description,
	protected: t.protected,
	public: t.public,
	hash: t.hash,
});

export const procedureRep = (ctx, p) => ({
	id: p.id,
	name: p.name,
	json: p.json ?? null,
	description: p.description,
});

export const locationRep = (ctx, l) => ({
	name: l.name,
	lab: field(ctx.store, 'labs', l.lab),
	json: l.json ?? null,
});

export const noteRep = (ctx, n) => ({
	id: n.id,
	user: field(ctx.store, 'users', n.user, 'username'),
	date_time: n.date_time,
	content_type: n.content_type,
	object_id: n.object_id,
	text: n.text,
	image: n.image,
	json: n.json ?? null,
});

export const downloadRep = (ctx, d) => ({
	id: d.id,
	user: field(ctx.store, 'users', d.user, 'username'),
	dataset: d.dataset,
	count: d.count,
	json: d.json ?? null,
});

export { dateOf };
