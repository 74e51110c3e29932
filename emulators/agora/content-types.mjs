// Names and codes Agora uses for its object types (reference B.5, B.8, B.9).

/**
 * Object kinds: the model name the server uses (`content_type` in folder items and tag
 * instances; `serie` for series) and the table that holds them. Clients send `series`,
 * `study` and the like as well, so `kindOf()` accepts the usual spellings.
 */
export const KINDS = {
	folder: { table: 'folders', contentType: 'folder' },
	exam: { table: 'exams', contentType: 'exam' },
	serie: { table: 'series', contentType: 'serie' },
	dataset: { table: 'datasets', contentType: 'dataset' },
	datafile: { table: 'datafiles', contentType: 'datafile' },
	patient: { table: 'patients', contentType: 'patient' },
	project: { table: 'projects', contentType: 'project' },
};

const ALIASES = {
	folder: 'folder',
	folders: 'folder',
	exam: 'exam',
	exams: 'exam',
	study: 'exam',
	studies: 'exam',
	serie: 'serie',
	series: 'serie',
	dataset: 'dataset',
	datasets: 'dataset',
	datafile: 'datafile',
	datafiles: 'datafile',
	file: 'datafile',
	patient: 'patient',
	patients: 'patient',
	project: 'project',
	projects: 'project',
};

/** The canonical kind for a client's spelling, or null. */
export function kindOf(name) {
	if (name == null) return null;
	return ALIASES[String(name).trim().toLowerCase()] ?? null;
}

/** Full-text search `t` values (B.9). */
export const FULLTEXT_TYPES = {
	0: 'all',
	1: 'folder',
	2: 'exam',
	3: 'serie',
	4: 'dataset',
	5: 'patient',
	6: 'project',
	9: 'task',
	10: 'script_task',
	11: 'tag',
};

/** Dataset type codes (B.5). */
export const DATASET_TYPES = {
	NONE: 0,
	PHILIPS_RAW: 100,
	PHILIPS_PARREC: 101,
	PHILIPS_SPECTRO: 102,
	EXAMCARD: 103,
	SINFILE: 104,
	BRUKER_RAW: 200,
	BRUKER_SUBJECT: 201,
	BRUKER_IMAGE: 202,
	DICOM: 300,
	SIEMENS_RAW: 400,
	SIEMENS_PRO: 401,
	ISMRMRD: 500,
	NIFTI1: 600,
	NIFTI2: 601,
	NIFTI_ANALYZE75: 602,
	JMRUI_SPECTRO: 700,
	AEX: 800,
	QUERY: 10000,
	OTHER: 100000,
};

/** Task input type codes (B.5) and the object kind an object-typed input takes. */
export const INPUT_TYPES = {
	1: { name: 'exam', kind: 'exam' },
	2: { name: 'series', kind: 'serie' },
	3: { name: 'dataset', kind: 'dataset' },
	4: { name: 'file', kind: 'datafile' },
	5: { name: 'string' },
	6: { name: 'integer' },
	7: { name: 'float' },
	8: { name: 'select' },
	9: { name: 'folder', kind: 'folder' },
	10: { name: 'static' },
	11: { name: 'bool' },
};

/** Script-task (YAML) input type names and their UI codes. */
export const YAML_INPUT_TYPES = {
	exam: 1,
	study: 1,
	series: 2,
	dataset: 3,
	file: 4,
	string: 5,
	integer: 6,
	float: 7,
	select: 8,
	folder: 9,
};

/** Timeline states: seed 000's strings and the connectors' `data.state` integers (A.11). */
export const TIMELINE_STATES = {
	IDLE: 0,
	STARTED: 1,
	FINISHED: 2,
	ERROR: 3,
	CANCELING: 4,
	CANCELED: 5,
	QUEUED: 6,
};
export const TERMINAL_TIMELINE_STATES = new Set(['FINISHED', 'ERROR', 'CANCELED']);
export const TIMELINE_STATE_NAMES = Object.fromEntries(
	Object.entries(TIMELINE_STATES).map(([name, code]) => [code, name]),
);

/** Project roles (B.4.2): who may write, who may only look. */
export const PROJECT_ROLES = [
	{ id: 1, name: 'manager' },
	{ id: 2, name: 'scientist' },
	{ id: 3, name: 'user' },
	{ id: 4, name: 'observer' },
];
export const OBSERVER_ROLE = 4;

export const SCANNER_VENDORS = [
	{ id: 1, name: 'Philips' },
	{ id: 2, name: 'Siemens' },
	{ id: 3, name: 'GE' },
	{ id: 4, name: 'Bruker' },
	{ id: 5, name: 'Unknown' },
];
