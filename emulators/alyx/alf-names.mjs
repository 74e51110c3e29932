// ALF file names (https://int-brain-lab.github.io/ONE/alf_intro.html) as register-file reads
// them: `collection/#revision#/_namespace_object.attribute.extra.ext`, and the dataset-type
// match: a type's filename_pattern is a glob (Python fnmatch, case-sensitive); an empty
// pattern matches by `object.attribute`.

/** Python fnmatch.translate, anchored. */
export function globToRegExp(pattern) {
	let re = '';
	for (let i = 0; i < pattern.length; i++) {
		const c = pattern[i];
		if (c === '*') re += '.*';
		else if (c === '?') re += '.';
		else if (c === '[') {
			const end = pattern.indexOf(']', i + 2);
			if (end < 0) re += '\\[';
			else {
				let body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
				if (body.startsWith('!')) body = `^${body.slice(1)}`;
				else if (body.startsWith('^')) body = `\\${body}`;
				re += `[${body}]`;
				i = end;
			}
		} else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
	}
	return new RegExp(`^${re}$`, 's');
}

/** `_ibl_trials.table.pqt` -> `trials.table` (namespace dropped). */
export function objectAttribute(fileName) {
	const withoutNamespace = fileName.replace(/^_[A-Za-z0-9]+_/, '');
	const parts = withoutNamespace.split('.');
	return parts.length >= 3 ? `${parts[0]}.${parts[1]}` : null;
}

/** Dataset types matching a file name (Alyx's get_dataset_type). */
export function matchDatasetTypes(datasetTypes, fileName) {
	const objAttr = objectAttribute(fileName);
	return datasetTypes.filter((dt) => {
		const pattern = (dt.filename_pattern ?? '').trim();
		if (!pattern) return objAttr !== null && objAttr === dt.name;
		return globToRegExp(pattern).test(fileName);
	});
}

const COLLECTION_RE = /^[\w./-]+$/;
const REVISION_RE = /^[\w.-]+$/;

/**
 * Splits a registered file path (relative to the session folder) into collection, revision
 * and file name. An invalid collection is dropped silently (reference §8.3); an invalid
 * revision folder is reported as `badRevision`.
 */
export function splitFilePath(path) {
	const parts = path.split('/').filter((p) => p !== '');
	const fileName = parts.pop() ?? '';
	let revision = '';
	let badRevision = false;
	const folders = [];
	for (const part of parts) {
		const rev = /^#(.*)#$/.exec(part);
		if (rev) {
			if (!REVISION_RE.test(rev[1])) badRevision = true;
			revision = rev[1];
		} else folders.push(part);
	}
	let collection = folders.join('/');
	if (collection && !COLLECTION_RE.test(collection)) collection = '';
	return { fileName, revision, collection, badRevision };
}
