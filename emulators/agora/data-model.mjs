// Operations on the object graph that several routes, the seeds and the timeline share:
// creating projects, folders, datasets and datafiles (bytes on disk with size and SHA-1),
// placing objects in folders, copying and moving exams/series/datasets, the trash, and
// breadcrumbs. Routes check permissions first; these functions only keep the graph consistent.
//
// How objects hang together (as in Agora): a project has one root folder; a folder holds
// folder items, each pointing at a folder, exam, series or dataset, either where the object
// lives (`is_link: false`) or as a link to an object living elsewhere (`is_link: true`).
// Series belong to an exam, datasets to a series, an exam or (directly) a folder, and
// datafiles to a dataset. Every row carries its `project` so visibility is one lookup.
import { createHash } from 'node:crypto';
import { moveFile } from '../lib/move-file.mjs';
import { isoNow } from './dates.mjs';

const CONTENT_TABLE = { folder: 'folders', exam: 'exams', serie: 'series', dataset: 'datasets' };

export const sha1Hex = (bytes) => createHash('sha1').update(bytes).digest('hex');

export class DataModel {
	/**
	 * @param {import('./store.mjs').Store} store
	 * @param {import('./blobs.mjs').BlobStore} blobs
	 */
	constructor(store, blobs) {
		this.store = store;
		this.blobs = blobs;
		this.t = store.t;
	}

	// ---- creation ----

	createProject({ name, description = '', owner, isMyAgora = false, createdDate = isoNow() }) {
		const project = this.t.projects.insert({
			name,
			description,
			owner,
			is_myagora: isMyAgora,
			root_folder: null,
			created_date: createdDate,
		});
		const root = this.t.folders.insert({
			name: 'root',
			project: project.id,
			parent: null,
			owner,
			locked: false,
			created_date: createdDate,
			modified_date: createdDate,
		});
		project.root_folder = root.id;
		this.t.memberships.insert({ user: owner, role: 1, project: project.id });
		this.store.changed();
		return project;
	}

	createFolder({ name, parent, owner, date = isoNow() }) {
		const parentRow = this.t.folders.get(parent);
		const folder = this.t.folders.insert({
			name,
			project: parentRow.project,
			parent: parentRow.id,
			owner,
			locked: false,
			created_date: date,
			modified_date: date,
		});
		const item = this.addItem(parentRow.id, 'folder', folder.id, { date });
		return { folder, item };
	}

	/** Puts an object into a folder (where it lives, or as a link). */
	addItem(folderId, contentType, objectId, { isLink = false, date = isoNow() } = {}) {
		const item = this.t.items.insert({
			folder: Number(folderId),
			content_type: contentType,
			object_id: Number(objectId),
			is_link: isLink,
			created_date: date,
			modified_date: date,
		});
		const folder = this.t.folders.get(folderId);
		if (folder) folder.modified_date = date;
		this.store.changed();
		return item;
	}

	createPatient(fields) {
		const date = fields.created_date ?? isoNow();
		const patient = this.t.patients.insert({
			name: '',
			patient_id: '',
			birth_date: null,
			sex: 'o',
			weight: null,
			anonymous: false,
			creator: null,
			...fields,
			created_date: date,
			modified_date: fields.modified_date ?? date,
		});
		this.store.changed();
		return patient;
	}

	createExam(fields, { folder } = {}) {
		const date = fields.created_date ?? isoNow();
		const exam = this.t.exams.insert({
			owner: null,
			patient: null,
			uid: '',
			name: '',
			start_time: null,
			description: '',
			scanner_name: '',
			vendor: null,
			is_anonymized: false,
			locked: false,
			valid: null,
			...fields,
			created_date: date,
			modified_date: fields.modified_date ?? date,
		});
		if (folder != null) this.addItem(folder, 'exam', exam.id, { date });
		this.store.changed();
		return exam;
	}

	createSeries(fields) {
		const exam = this.t.exams.get(fields.exam);
		const date = fields.created_date ?? isoNow();
		const series = this.t.series.insert({
			uid: '',
			name: '',
			creator: null,
			time: null,
			acquisition_number: null,
			is_refscan: false,
			locked: false,
			...fields,
			project: fields.project ?? exam?.project ?? null,
			created_date: date,
			modified_date: fields.modified_date ?? date,
		});
		this.store.changed();
		return series;
	}

	/**
	 * A dataset under a series, an exam, or directly in a folder (`folder` adds the item).
	 * `files`: [{path, bytes, mime_type?, type?}] written to disk with their size and SHA-1.
	 */
	createDataset(fields, { folder, files = [] } = {}) {
		const serie = fields.serie == null ? null : this.t.series.get(fields.serie);
		const exam = fields.exam == null ? null : this.t.exams.get(fields.exam);
		const folderRow = folder == null ? null : this.t.folders.get(folder);
		const date = fields.created_date ?? isoNow();
		const dataset = this.t.datasets.insert({
			name: '',
			type: 100000,
			mime_type: '',
			serie: null,
			exam: null,
			locked: false,
			...fields,
			project: fields.project ?? serie?.project ?? exam?.project ?? folderRow?.project ?? null,
			created_date: date,
			modified_date: fields.modified_date ?? date,
		});
		for (const file of files) this.addDatafile(dataset.id, file, { date });
		if (folderRow) this.addItem(folderRow.id, 'dataset', dataset.id, { date });
		this.store.changed();
		return dataset;
	}

	addDatafile(
		datasetId,
		{ path, bytes, mime_type = 'application/octet-stream', type = 1 },
		{ date = isoNow() } = {},
	) {
		const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
		const df = this.insertDatafile(datasetId, { path, size: buffer.length, sha1: sha1Hex(buffer), mime_type, type, date });
		this.blobs.write(df.id, buffer);
		this.store.changed();
		return df;
	}

	/**
	 * A datafile whose bytes are already in a file on disk (an import assembled them there and
	 * hashed them while streaming): the file is moved into the BlobStore, never read into memory.
	 */
	addDatafileFromFile(
		datasetId,
		{ path, file, size, sha1, mime_type = 'application/octet-stream', type = 1 },
		{ date = isoNow() } = {},
	) {
		const df = this.insertDatafile(datasetId, { path, size, sha1, mime_type, type, date });
		moveFile(file, this.blobs.path(df.id));
		this.t.datasets.get(datasetId).modified_date = date;
		this.store.changed();
		return df;
	}

	/** The datafile row (bytes are stored by the callers). */
	insertDatafile(datasetId, { path, size, sha1, mime_type, type, date }) {
		const dataset = this.t.datasets.get(datasetId);
		return this.t.datafiles.insert({
			dataset: dataset.id,
			project: dataset.project,
			type,
			relative_path: path,
			original_filename: path,
			size,
			sha1,
			is_anonymized: false,
			mime_type,
			created_date: date,
			modified_date: date,
		});
	}

	addParameterSet({ kind, objectId, name, readOnly, parameters, properties = null }) {
		const ps = this.t.parametersets.insert({
			content_type: kind,
			object_id: Number(objectId),
			name,
			read_only: readOnly,
			parameters,
			properties,
		});
		this.store.changed();
		return ps;
	}

	// ---- reading ----

	/** Items of a folder whose objects are visible (not trashed), in id order. */
	itemsOf(folderId) {
		const out = [];
		for (const it of this.t.items.rows.values()) {
			if (it.folder !== Number(folderId)) continue;
			const row = this.t[CONTENT_TABLE[it.content_type]]?.get(it.object_id);
			if (row && !row.trashed) out.push(it);
		}
		return out;
	}

	/** The item where an object lives (not a link), or undefined. */
	homeItem(contentType, objectId) {
		return this.t.items.find(
			(it) => it.content_type === contentType && it.object_id === Number(objectId) && !it.is_link,
		);
	}

	/** Folders holding the object (as its home or as links). */
	foldersOf(contentType, objectId) {
		const ids = new Set(
			this.t.items
				.filter((it) => it.content_type === contentType && it.object_id === Number(objectId))
				.map((it) => it.folder),
		);
		return [...ids].map((id) => this.t.folders.get(id)).filter((f) => f && !f.trashed);
	}

	seriesOf(examId) {
		return this.t.series.filter((s) => s.exam === Number(examId) && !s.trashed);
	}

	/** Datasets of a series, or those attached directly to an exam. */
	datasetsOf(kind, id) {
		const key = kind === 'serie' ? 'serie' : 'exam';
		return this.t.datasets.filter((d) => d[key] === Number(id) && !d.trashed);
	}

	/** Every dataset of an exam: its own and those of its series (`exam/{id}/files/`). */
	allDatasetsOfExam(examId) {
		const seriesIds = new Set(this.seriesOf(examId).map((s) => s.id));
		return this.t.datasets.filter(
			(d) => !d.trashed && (d.exam === Number(examId) || seriesIds.has(d.serie)),
		);
	}

	/** Root-to-folder path of folder rows. */
	folderPath(folderId) {
		const path = [];
		let folder = this.t.folders.get(folderId);
		const seen = new Set();
		while (folder && !seen.has(folder.id)) {
			seen.add(folder.id);
			path.unshift(folder);
			folder = folder.parent == null ? null : this.t.folders.get(folder.parent);
		}
		return path;
	}

	/** True when `folderId` is `ancestorId` or inside it. */
	isInside(folderId, ancestorId) {
		return this.folderPath(folderId).some((f) => f.id === Number(ancestorId));
	}

	// ---- copy and move ----

	/** Patient for an exam copied into `projectId`: the same patient_id there, or a copy. */
	patientFor(patientId, projectId) {
		if (patientId == null) return null;
		const patient = this.t.patients.get(patientId);
		if (!patient || patient.project === projectId) return patientId;
		const existing = this.t.patients.find(
			(p) => p.project === projectId && p.patient_id === patient.patient_id && !p.trashed,
		);
		if (existing) return existing.id;
		const { id: _id, ...fields } = patient;
		return this.createPatient({ ...fields, project: projectId, created_date: isoNow() }).id;
	}

	copyDatasetRow(dataset, changes) {
		const { id: _id, trashed: _t, ...fields } = dataset;
		const date = isoNow();
		const copy = this.t.datasets.insert({
			...fields,
			...changes,
			locked: false,
			created_date: date,
			modified_date: date,
		});
		for (const df of this.t.datafiles.filter((f) => f.dataset === dataset.id && !f.trashed)) {
			const { id: _dfId, ...dfFields } = df;
			const newDf = this.t.datafiles.insert({
				...dfFields,
				dataset: copy.id,
				project: copy.project,
				created_date: date,
				modified_date: date,
			});
			this.blobs.copy(df.id, newDf.id);
		}
		this.copyParameterSets('dataset', dataset.id, copy.id);
		return copy;
	}

	copyParameterSets(kind, fromId, toId) {
		for (const ps of this.t.parametersets.filter(
			(p) => p.content_type === kind && p.object_id === fromId,
		)) {
			const { id: _id, ...fields } = ps;
			this.t.parametersets.insert({ ...structuredClone(fields), object_id: toId });
		}
	}

	copySeriesRow(series, changes) {
		const { id: _id, trashed: _t, ...fields } = series;
		const date = isoNow();
		const copy = this.t.series.insert({
			...fields,
			...changes,
			locked: false,
			created_date: date,
			modified_date: date,
		});
		for (const d of this.datasetsOf('serie', series.id))
			this.copyDatasetRow(d, { serie: copy.id, exam: null, project: copy.project });
		this.copyParameterSets('serie', series.id, copy.id);
		return copy;
	}

	/** Deep copy of an exam (series, datasets, files, parameter sets) into a folder. */
	copyExam(examId, projectId, folderId, owner) {
		const exam = this.t.exams.get(examId);
		const { id: _id, trashed: _t, ...fields } = exam;
		const date = isoNow();
		const copy = this.t.exams.insert({
			...fields,
			project: projectId,
			patient: this.patientFor(exam.patient, projectId),
			owner,
			locked: false,
			created_date: date,
			modified_date: date,
		});
		for (const s of this.seriesOf(exam.id))
			this.copySeriesRow(s, { exam: copy.id, project: projectId });
		for (const d of this.datasetsOf('exam', exam.id))
			this.copyDatasetRow(d, { exam: copy.id, serie: null, project: projectId });
		this.copyParameterSets('exam', exam.id, copy.id);
		this.addItem(folderId, 'exam', copy.id, { date });
		this.store.changed();
		return copy;
	}

	/** Moves an exam (with everything in it) to a folder, possibly in another project. */
	moveExam(examId, projectId, folderId) {
		const exam = this.t.exams.get(examId);
		const date = isoNow();
		if (exam.project !== projectId) {
			exam.patient = this.patientFor(exam.patient, projectId);
			this.setProjectDeep('exam', exam, projectId);
		}
		exam.modified_date = date;
		this.relocate('exam', exam.id, folderId, date);
		this.store.changed();
		return exam;
	}

	/** A series copied into a folder; outside its exam the copy stands alone (`exam: null`). */
	copySeries(seriesId, projectId, folderId) {
		const series = this.t.series.get(seriesId);
		const copy = this.copySeriesRow(series, { exam: null, project: projectId });
		this.addItem(folderId, 'serie', copy.id);
		this.store.changed();
		return copy;
	}

	copyDataset(datasetId, projectId, folderId) {
		const copy = this.copyDatasetRow(this.t.datasets.get(datasetId), {
			serie: null,
			exam: null,
			project: projectId,
		});
		this.addItem(folderId, 'dataset', copy.id);
		this.store.changed();
		return copy;
	}

	moveDataset(datasetId, projectId, folderId) {
		const dataset = this.t.datasets.get(datasetId);
		const date = isoNow();
		dataset.serie = null;
		dataset.exam = null;
		if (dataset.project !== projectId) this.setProjectDeep('dataset', dataset, projectId);
		dataset.modified_date = date;
		this.relocate('dataset', dataset.id, folderId, date);
		this.store.changed();
		return dataset;
	}

	/** Replaces an object's home item by one in `folderId`; links elsewhere stay. */
	relocate(contentType, objectId, folderId, date) {
		const home = this.homeItem(contentType, objectId);
		if (home) this.t.items.delete(home.id);
		this.addItem(folderId, contentType, objectId, { date });
	}

	setProjectDeep(kind, row, projectId) {
		row.project = projectId;
		if (kind === 'exam') {
			for (const s of this.seriesOf(row.id)) this.setProjectDeep('serie', s, projectId);
			for (const d of this.datasetsOf('exam', row.id)) this.setProjectDeep('dataset', d, projectId);
		} else if (kind === 'serie') {
			for (const d of this.datasetsOf('serie', row.id))
				this.setProjectDeep('dataset', d, projectId);
		} else if (kind === 'dataset') {
			for (const df of this.t.datafiles.filter((f) => f.dataset === row.id)) df.project = projectId;
		}
	}

	// ---- trash ----

	/**
	 * Everything an object contains, depth first: a folder's own (non-link) items and their
	 * contents, an exam's series and datasets, a series' datasets, a dataset's datafiles.
	 * Links are not followed (seed 002: "The delete operation does not follow links").
	 */
	contents(kind, row, out = []) {
		if (kind === 'folder') {
			for (const it of this.t.items.filter((i) => i.folder === row.id && !i.is_link)) {
				const child = this.t[CONTENT_TABLE[it.content_type]].get(it.object_id);
				if (child) {
					out.push([it.content_type, child]);
					this.contents(it.content_type, child, out);
				}
			}
		} else if (kind === 'exam') {
			for (const s of this.t.series.filter((x) => x.exam === row.id)) {
				out.push(['serie', s]);
				this.contents('serie', s, out);
			}
			for (const d of this.t.datasets.filter((x) => x.exam === row.id)) {
				out.push(['dataset', d]);
				this.contents('dataset', d, out);
			}
		} else if (kind === 'serie') {
			for (const d of this.t.datasets.filter((x) => x.serie === row.id)) {
				out.push(['dataset', d]);
				this.contents('dataset', d, out);
			}
		} else if (kind === 'dataset') {
			for (const df of this.t.datafiles.filter((x) => x.dataset === row.id))
				out.push(['datafile', df]);
		}
		return out;
	}

	/** Moves an object and its contents to the project's trash; returns the trash item. */
	trash(kind, row, userId) {
		const entry = this.t.trash.insert({
			project: row.project,
			content_type: kind,
			object_id: row.id,
			name: row.name,
			user: userId,
			deleted_date: isoNow(),
		});
		row.trashed = entry.id;
		for (const [, child] of this.contents(kind, row)) child.trashed ??= entry.id;
		this.store.changed();
		return entry;
	}

	/** Deletes a trash item for good: rows, their folder items and links, bytes on disk. */
	purge(entry) {
		const table = { ...CONTENT_TABLE, datafile: 'datafiles' };
		const row = this.t[table[entry.content_type]]?.get(entry.object_id);
		if (row) {
			const all = [[entry.content_type, row], ...this.contents(entry.content_type, row)];
			for (const [kind, r] of all) {
				if (kind === 'datafile') this.blobs.remove(r.id);
				this.t[table[kind]].delete(r.id);
				for (const it of this.t.items.filter(
					(i) => i.content_type === kind && i.object_id === r.id,
				))
					this.t.items.delete(it.id);
				if (kind === 'folder')
					for (const it of this.t.items.filter((i) => i.folder === r.id))
						this.t.items.delete(it.id);
				for (const ti of this.t.taginstances.filter(
					(x) => x.content_type === kind && x.object_id === r.id,
				))
					this.t.taginstances.delete(ti.id);
				for (const ps of this.t.parametersets.filter(
					(x) => x.content_type === kind && x.object_id === r.id,
				))
					this.t.parametersets.delete(ps.id);
			}
		}
		this.t.trash.delete(entry.id);
		this.store.changed();
	}
}
