// The objects an import creates (reference B.6.3-B.6.6), once the files are assembled on disk:
//   - plain: one dataset per file in the target folder (or exam / series), type by extension;
//     a datafile with the same sha1 and path already in the target is reused (`created: false`)
//   - relations {main: [extras]}: extras become more datafiles of the main file's dataset
//     (inferred: the reference says only that they are attached to what the main file makes)
//   - template (`import_file`): patient, exam and series found by UID or created, one dataset
//     per template `Datasets` entry; files the template does not list: plain datasets in the series
// Everything happens synchronously and ends in one atomic state.json write together with the
// `imports` marker row, so a restarted import can tell that it already committed.
import { readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { DATASET_TYPES, SCANNER_VENDORS } from './content-types.mjs';
import { isoNow } from './dates.mjs';

/** A failure that ends the import in state -1 with this message (not an emulator bug). */
export class ImportFailure extends Error {}

/** Template dataset `Type` names (B.6.6) -> dataset type codes (B.5). */
export const TEMPLATE_TYPES = {
	RAW_LAB: DATASET_TYPES.PHILIPS_RAW,
	REC_PAR: DATASET_TYPES.PHILIPS_PARREC,
	PHILIPS_SPECTRO: DATASET_TYPES.PHILIPS_SPECTRO,
	SINFILE: DATASET_TYPES.SINFILE,
	DICOM_IMAGE: DATASET_TYPES.DICOM,
	TWIX: DATASET_TYPES.SIEMENS_RAW,
	SIEMENS_PRO: DATASET_TYPES.SIEMENS_PRO,
	ISMRMRD: DATASET_TYPES.ISMRMRD,
	NIFTI1: DATASET_TYPES.NIFTI1,
	OTHER: DATASET_TYPES.OTHER,
};

/** Dataset type of a file imported without a template, from its target path. */
export function datasetTypeFor(path) {
	const lower = path.toLowerCase();
	const segments = lower.split('/');
	const base = segments.at(-1);
	if (lower.endsWith('.nii') || lower.endsWith('.nii.gz')) return DATASET_TYPES.NIFTI1;
	if (lower.endsWith('.par') || lower.endsWith('.rec')) return DATASET_TYPES.PHILIPS_PARREC;
	if (lower.endsWith('.raw') || lower.endsWith('.lab')) return DATASET_TYPES.PHILIPS_RAW;
	if (lower.endsWith('.dcm')) return DATASET_TYPES.DICOM;
	if (!base.includes('.') && segments.slice(0, -1).includes('dicom')) return DATASET_TYPES.DICOM;
	return DATASET_TYPES.OTHER;
}

/** Basename without its extension (`.nii.gz` counts as one). */
export function stemOf(path) {
	const base = basename(path);
	if (/\.nii\.gz$/i.test(base)) return base.slice(0, -7);
	const dot = base.lastIndexOf('.');
	return dot > 0 ? base.slice(0, dot) : base;
}

function mimeFor(path, type) {
	const lower = path.toLowerCase();
	if (type === DATASET_TYPES.DICOM) return 'application/dicom';
	if (lower.endsWith('.json')) return 'application/json';
	if (lower.endsWith('.txt')) return 'text/plain';
	return 'application/octet-stream';
}

/** `15.01.2024` (+ `08:00:00[.ffffff]`) -> ISO; null when absent or malformed. */
function templateDate(date, time) {
	const d = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(String(date ?? '').trim());
	if (!d) return null;
	const day = `${d[3]}-${d[2].padStart(2, '0')}-${d[1].padStart(2, '0')}`;
	if (time === undefined) return day;
	const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(String(time ?? '').trim());
	const hms = t ? `${t[1].padStart(2, '0')}:${t[2]}:${t[3] ?? '00'}` : '00:00:00';
	const ms = Date.parse(`${day}T${hms}Z`);
	return Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : null;
}

/** Turns a finished session's assembled files into Agora objects. */
export class ImportObjects {
	constructor({ store, model }) {
		this.store = store;
		this.model = model;
	}

	get t() {
		return this.store.t;
	}

	/** The parsed JSON import template (B.6.6) from its assembled file. */
	readTemplate(entry) {
		if (entry.size > 16 * 1024 * 1024)
			throw new ImportFailure(`Import template "${entry.path}" is too large.`);
		let template;
		try {
			template = JSON.parse(readFileSync(entry.file, 'utf8'));
		} catch (e) {
			throw new ImportFailure(`Import template "${entry.path}" is not valid JSON: ${e.message}`);
		}
		if (!template || typeof template !== 'object' || Array.isArray(template))
			throw new ImportFailure(`Import template "${entry.path}" must be a JSON object.`);
		if (template.Datasets != null && !Array.isArray(template.Datasets))
			throw new ImportFailure(`Import template "${entry.path}": "Datasets" must be a list.`);
		return { ...template, fileName: entry.path };
	}

	/** Creates the objects (synchronously, so one atomic save covers all of them). */
	commit(session, entries, template) {
		const { t, model } = this;
		const options = session.options;
		const target = this.resolveTarget(options);
		const objects = [];
		const results = new Map(); // path -> result entry
		const byPath = new Map(entries.map((e) => [e.path, e]));
		const relations = options.relations ?? {};
		const extras = new Set(Object.values(relations).flat());

		const datafilesIn = (datasets) => {
			const ids = new Set(datasets.map((d) => d.id));
			return t.datafiles.filter((df) => ids.has(df.dataset) && !df.trashed);
		};
		const duplicate = (entry, datasets) =>
			datafilesIn(datasets).find((df) => df.sha1 === entry.sha1 && df.relative_path === entry.path);
		const record = (entry, df, created) => {
			results.set(entry.path, {
				id: df.id,
				path: entry.path,
				sha1: df.sha1,
				dataset: df.dataset,
				created,
			});
			if (!created) rmSync(entry.file, { force: true });
		};
		const addFile = (dataset, entry, type) =>
			model.addDatafileFromFile(dataset.id, {
				path: entry.path,
				file: entry.file,
				size: entry.size,
				sha1: entry.sha1,
				mime_type: mimeFor(entry.path, type),
			});
		/** One dataset per file in `where` ({folder} | {exam} | {serie}) unless it is already there. */
		const plainDataset = (entry, where, existing) => {
			const dup = duplicate(entry, existing());
			if (dup) return record(entry, dup, false);
			const type = datasetTypeFor(entry.path);
			const dataset = model.createDataset(
				{
					name: stemOf(entry.path),
					type,
					mime_type: mimeFor(entry.path, type),
					serie: where.serie ?? null,
					exam: where.exam ?? null,
					project: target.project,
				},
				{ folder: where.folder },
			);
			objects.push({ id: dataset.id, content_type: 'dataset' });
			record(entry, addFile(dataset, entry, type), true);
		};

		let where;
		let existing;
		if (template) {
			const series = this.templateObjects(session, template, target, objects);
			where = { serie: series.id };
			existing = () => model.datasetsOf('serie', series.id);
			const listed = new Set();
			for (const spec of template.Datasets ?? []) {
				const files = (spec?.Files ?? []).map((f) => {
					const name = String(f?.File ?? '');
					const entry =
						byPath.get(name) ??
						entries.find((e) => !extras.has(e.path) && basename(e.path) === basename(name));
					if (!entry)
						throw new ImportFailure(
							`Import template "${template.fileName}": file "${name}" was not uploaded.`,
						);
					listed.add(entry.path);
					return entry;
				});
				if (!files.length) continue;
				const type = TEMPLATE_TYPES[spec.Type] ?? DATASET_TYPES.OTHER;
				const fresh = files.filter((e) => !duplicate(e, existing()));
				for (const e of files.filter((x) => !fresh.includes(x)))
					record(e, duplicate(e, existing()), false);
				if (!fresh.length) continue;
				const dataset = model.createDataset({
					name: stemOf(files[0].path),
					type,
					mime_type: mimeFor(files[0].path, type),
					serie: series.id,
					project: target.project,
				});
				objects.push({ id: dataset.id, content_type: 'dataset' });
				for (const e of fresh) record(e, addFile(dataset, e, type), true);
			}
			for (const entry of entries)
				if (!listed.has(entry.path) && !extras.has(entry.path))
					plainDataset(entry, where, existing);
		} else {
			if (target.serie) {
				where = { serie: target.serie.id };
				existing = () => model.datasetsOf('serie', target.serie.id);
			} else if (target.exam) {
				where = { exam: target.exam.id };
				existing = () => model.allDatasetsOfExam(target.exam.id);
			} else {
				where = { folder: target.folder.id };
				existing = () =>
					model
						.itemsOf(target.folder.id)
						.filter((it) => it.content_type === 'dataset' && !it.is_link)
						.map((it) => t.datasets.get(it.object_id));
			}
			for (const entry of entries)
				if (!extras.has(entry.path)) plainDataset(entry, where, existing);
		}

		// Relations: the extras join the dataset of their main file.
		for (const [main, list] of Object.entries(relations)) {
			const mainResult = results.get(main);
			if (!mainResult) throw new ImportFailure(`Relation main file "${main}" was not imported.`);
			const dataset = t.datasets.get(mainResult.dataset);
			for (const path of list) {
				const entry = byPath.get(path);
				if (!entry) throw new ImportFailure(`Related file "${path}" was not imported.`);
				const dup = duplicate(entry, [dataset]);
				if (dup) record(entry, dup, false);
				else record(entry, addFile(dataset, entry, dataset.type), true);
			}
		}

		const committed = {
			id: session.id,
			datafiles: entries.map((e) => results.get(e.path)).filter(Boolean),
			objects,
			created_date: isoNow(),
		};
		t.imports.insert(committed);
		this.store.changed();
		this.store.saveNow();
		return committed;
	}

	/** The target's rows now (it may have been deleted since complete/). */
	resolveTarget(options) {
		const t = this.t;
		const alive = (row) => row && !row.trashed;
		if (options.series != null) {
			const serie = t.series.get(options.series);
			if (!alive(serie)) throw new ImportFailure('The target series does not exist.');
			const exam = serie.exam == null ? null : t.exams.get(serie.exam);
			return { serie, exam, folder: null, project: serie.project };
		}
		if (options.exam != null) {
			const exam = t.exams.get(options.exam);
			if (!alive(exam)) throw new ImportFailure('The target exam does not exist.');
			return { exam, serie: null, folder: null, project: exam.project };
		}
		let folder = options.folder == null ? null : t.folders.get(options.folder);
		if (options.folder != null && !alive(folder))
			throw new ImportFailure('The target folder does not exist.');
		if (!folder && options.project != null) {
			const project = t.projects.get(options.project);
			if (!project) throw new ImportFailure('The target project does not exist.');
			folder = t.folders.get(project.root_folder);
		}
		if (!folder) throw new ImportFailure('The import has no target.');
		return { folder, exam: null, serie: null, project: folder.project };
	}

	/** Patient, exam and series of a template: found by UID in the target project, or created. */
	templateObjects(session, template, target, objects) {
		const { t, model } = this;
		const params = template.ImportParameter ?? {};
		const P = params.Patient ?? {};
		const E = params.Exam ?? {};
		const S = params.Series ?? {};
		const project = target.project;
		const now = isoNow();
		if (target.serie) return target.serie;

		let exam = target.exam;
		if (!exam && E.UID)
			exam = t.exams.find((e) => e.project === project && !e.trashed && e.uid === String(E.UID));
		if (!exam) {
			let patient = P.UID
				? t.patients.find(
						(p) =>
							p.project === project &&
							!p.trashed &&
							(p.uid === String(P.UID) || p.patient_id === String(P.UID)),
					)
				: null;
			if (!patient) {
				patient = model.createPatient({
					name: String(P.Name ?? ''),
					patient_id: String(P.UID ?? ''),
					uid: String(P.UID ?? ''),
					birth_date: templateDate(P.BirthDate),
					sex: ['m', 'f', 'o'].includes(String(P.Gender ?? '').toLowerCase())
						? String(P.Gender).toLowerCase()
						: 'o',
					weight: typeof P.Weight === 'number' ? P.Weight : null,
					project,
				});
				objects.push({ id: patient.id, content_type: 'patient' });
			}
			const vendor = SCANNER_VENDORS.find(
				(v) => v.name.toLowerCase() === String(template.Vendor ?? '').toLowerCase(),
			);
			exam = model.createExam(
				{
					owner: session.user,
					patient: patient.id,
					project,
					uid: String(E.UID ?? ''),
					name: String(E.Name || E.Description || `Exam ${E.Date ?? now.slice(0, 10)}`),
					start_time: templateDate(E.Date, E.Time ?? '00:00:00') ?? now,
					description: String(E.Description ?? ''),
					scanner_name: String(E.DeviceName ?? ''),
					vendor: vendor?.id ?? null,
				},
				{ folder: target.folder?.id },
			);
			objects.push({ id: exam.id, content_type: 'exam' });
		}
		let series = S.UID ? model.seriesOf(exam.id).find((s) => s.uid === String(S.UID)) : null;
		if (!series) {
			series = model.createSeries({
				exam: exam.id,
				project: exam.project,
				uid: String(S.UID ?? ''),
				name: String(S.Name || `Series ${S.AcquisitionNumber ?? ''}`.trim()),
				acquisition_number: Number.isInteger(S.AcquisitionNumber) ? S.AcquisitionNumber : null,
				time: templateDate(S.Date, S.Time ?? '00:00:00'),
			});
			objects.push({ id: series.id, content_type: 'serie' });
		}
		return series;
	}
}
