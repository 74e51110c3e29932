// What goes into a ZIP download and under which names (reference A.10, B.7). No Agora
// archive was observed, so the layout follows the connectors' own hierarchy downloads
// (B.7.1: exam -> `<exam>/<series>/...`, folder -> `<folder>/...` recursive) with one more
// level per dataset, because two datasets of one series (a DICOM and a NIfTI, a raw and a
// PAR/REC) would otherwise mix their files:
//   exam     <exam>/<series>/<dataset>/<datafile relative_path>, exam datasets <exam>/<dataset>/...
//   series   <series>/<dataset>/...            dataset  <dataset>/...
//   folder   <folder>/<subfolder | exam | series | dataset>/...   (links included, recursive)
//   project  <project name>/...  (its root folder)        patient  <patient>/<exam>/...
//   datafile <relative_path>
// Names lose `: * " < > |` (as the connectors strip them, B.7.1), path separators become `_`,
// and siblings with the same name (case-insensitively, for Windows and macOS) get ` (2)`,
// ` (3)`: entry names are unique. A datafile reached twice is packed once. With `flat`, every
// file sits at its base name. Names are assigned before the filter applies, so a file keeps
// its name whatever else is selected (downloadinfo and the ZIP agree).
import { DATASET_TYPES } from './content-types.mjs';

const ITEM_TABLES = { folder: 'folders', exam: 'exams', serie: 'series', dataset: 'datasets' };
const TYPE_NAMES = Object.fromEntries(Object.entries(DATASET_TYPES).map(([k, v]) => [v, k]));

/** A file or folder name as the connectors write it (B.7.1), safe as one path segment. */
export function cleanName(name, fallback) {
	const cleaned = String(name ?? '')
		.replace(/[:*"<>|]/g, '')
		.replace(/[/\\]/g, '_')
		.replace(/[\u0000-\u001f\u007f]/g, '')
		.trim();
	return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : fallback;
}

/** A datafile's stored path as clean segments (no leading `/`, no `.` or `..`). */
function fileSegments(df) {
	const raw = String(df.relative_path || df.original_filename || '');
	const parts = raw
		.split(/[/\\]+/)
		.filter((p) => p && p !== '.' && p !== '..')
		.map((p) => cleanName(p, null))
		.filter(Boolean);
	return parts.length ? parts : [`datafile_${df.id}`];
}

/** `name (n).ext` for files, `name (n)` for folders. */
function numbered(name, n, isFile) {
	if (!isFile) return `${name} (${n})`;
	const dot = name.lastIndexOf('.');
	return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/** A directory tree that hands out unique child names. */
class NameTree {
	constructor() {
		this.children = new Map(); // lower-case name -> {key, node}
	}

	/**
	 * Claims a child name. `key` identifies what the child stands for: the same key under the
	 * same parent gets the same name back (a plain sub-directory of one dataset is shared).
	 */
	claim(name, key, isFile) {
		for (let n = 1; ; n++) {
			const candidate = n === 1 ? name : numbered(name, n, isFile);
			const hit = this.children.get(candidate.toLowerCase());
			if (!hit) {
				const child = { key, name: candidate, node: isFile ? null : new NameTree() };
				this.children.set(candidate.toLowerCase(), child);
				return child;
			}
			if (!isFile && hit.key === key) return hit;
		}
	}
}

/**
 * Every datafile of the requested objects with its entry name, in request order.
 * @param {{store, model, access}} services
 * @param {object} user
 * @param {Array<{kind: string, row: object}>} objects resolved, visible objects
 * @param {{flat?: boolean}} options
 * @returns {Array<{df: object, dataset: object, name: string}>}
 */
export function collectFiles({ store, model, access }, user, objects, { flat = false } = {}) {
	const t = store.t;
	const root = new NameTree();
	const seen = new Set();
	const out = [];
	const visible = (row) => access.canRead(user, row);
	let filesByDataset = null; // built on first use: one pass over the datafiles table
	const filesOf = (datasetId) => {
		if (!filesByDataset) {
			filesByDataset = new Map();
			for (const f of t.datafiles.rows.values()) {
				if (f.trashed) continue;
				if (!filesByDataset.has(f.dataset)) filesByDataset.set(f.dataset, []);
				filesByDataset.get(f.dataset).push(f);
			}
		}
		return filesByDataset.get(datasetId) ?? [];
	};

	function addFile(df, dataset, dir) {
		if (seen.has(df.id) || df.trashed) return;
		seen.add(df.id);
		const segments = fileSegments(df);
		let node = flat ? root : dir.node;
		const names = flat ? [] : [...dir.path];
		const parts = flat ? [segments.at(-1)] : segments;
		parts.forEach((part, i) => {
			const isFile = i === parts.length - 1;
			// Plain sub-directories (DICOM/) belong to their dataset: key them by dataset.
			const child = node.claim(part, isFile ? `df:${df.id}` : `dir:${dataset.id}:${part}`, isFile);
			names.push(child.name);
			node = child.node;
		});
		out.push({ df, dataset, name: names.join('/') });
	}

	// A directory standing for one object, unique among its siblings.
	const sub = (dir, name, key) => {
		if (flat) return dir;
		const child = dir.node.claim(name, key, false);
		return { node: child.node, path: [...dir.path, child.name] };
	};
	const top = { node: root, path: [] };

	function dataset(d, dir) {
		const label = cleanName(d.name, null) ?? TYPE_NAMES[d.type] ?? `dataset_${d.id}`;
		const here = sub(dir, label, `dataset:${d.id}`);
		for (const df of filesOf(d.id)) addFile(df, d, here);
	}
	function series(s, dir) {
		const here = sub(dir, cleanName(s.name, `series_${s.id}`), `serie:${s.id}`);
		for (const d of model.datasetsOf('serie', s.id)) dataset(d, here);
	}
	function exam(e, dir) {
		const here = sub(dir, cleanName(e.name, `exam_${e.id}`), `exam:${e.id}`);
		for (const s of model.seriesOf(e.id)) series(s, here);
		for (const d of model.datasetsOf('exam', e.id)) dataset(d, here);
	}
	function folder(f, dir, label, path = new Set()) {
		if (path.has(f.id)) return; // a folder linked into itself
		const inner = new Set(path).add(f.id);
		const here = sub(dir, cleanName(label, `folder_${f.id}`), `folder:${f.id}`);
		for (const it of model.itemsOf(f.id)) {
			const row = t[ITEM_TABLES[it.content_type]]?.get(it.object_id);
			if (!row || !visible(row)) continue; // a link to something this user cannot see
			if (it.content_type === 'folder') folder(row, here, row.name, inner);
			else if (it.content_type === 'exam') exam(row, here);
			else if (it.content_type === 'serie') series(row, here);
			else dataset(row, here);
		}
	}
	function patient(p, dir) {
		const here = sub(dir, cleanName(p.name, `patient_${p.id}`), `patient:${p.id}`);
		for (const e of t.exams.filter((x) => x.patient === p.id && visible(x))) exam(e, here);
	}

	for (const { kind, row } of objects) {
		if (kind === 'exam') exam(row, top);
		else if (kind === 'serie') series(row, top);
		else if (kind === 'dataset') dataset(row, top);
		else if (kind === 'folder') folder(row, top, row.name);
		else if (kind === 'patient') patient(row, top);
		else if (kind === 'datafile') addFile(row, t.datasets.get(row.dataset) ?? { id: 0 }, top);
		else if (kind === 'project') {
			const rootFolder = t.folders.get(row.root_folder);
			if (rootFolder) folder(rootFolder, top, row.name);
		}
	}
	return out;
}

/**
 * The `filter` of B.7.2: `datafile_ids`, `dataset_types` (lists of numbers) and `regex` (a
 * Python `re.search` on the datafile's stored relative path). All given criteria must match.
 */
export function applyFilter(files, filter) {
	if (!filter) return files;
	const ids = filter.datafile_ids ? new Set(filter.datafile_ids) : null;
	const types = filter.dataset_types ? new Set(filter.dataset_types) : null;
	return files.filter(
		({ df, dataset }) =>
			(!ids || ids.has(df.id)) &&
			(!types || types.has(dataset.type)) &&
			(!filter.regex || filter.regex.test(String(df.relative_path || df.original_filename))),
	);
}

/** A Python regular expression as a JS RegExp: named groups and a leading `(?i)`/`(?s)`. */
export function pythonRegex(source) {
	let flags = 'u';
	let body = String(source);
	const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
	if (inline) {
		body = body.slice(inline[0].length);
		if (inline[1].includes('i')) flags += 'i';
		if (inline[1].includes('m')) flags += 'm';
		if (inline[1].includes('s')) flags += 's';
	}
	body = body.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
	try {
		return new RegExp(body, flags);
	} catch {
		return new RegExp(body, flags.replace('u', '')); // Python allows escapes `u` mode refuses
	}
}
