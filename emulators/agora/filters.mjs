// List filters in the django-filter style the connectors use (reference B.9): `field=value`
// for an exact match, `field__op=value` for other operators, date transforms such as
// `start_time__year=2024` or `start_time__date__gte=2024-01-01`, and the older suffix
// spellings some connector versions send (`start_time_gte`, `birth_date_lte`, `weight_min`).
// Unknown parameters are ignored, as django-filter does; a value the field cannot parse is a
// 400 with django's message. `ordering=name,-id` sorts by declared fields (DRF OrderingFilter).
import { dateParts, parseDateInput } from './dates.mjs';
import { validationError } from './errors.mjs';

const TEXT_OPS = new Set([
	'exact',
	'iexact',
	'contains',
	'icontains',
	'startswith',
	'istartswith',
	'endswith',
	'iendswith',
	'regex',
	'iregex',
	'in',
	'isnull',
]);
const NUMBER_OPS = new Set(['exact', 'gt', 'gte', 'lt', 'lte', 'range', 'in', 'isnull']);
const DATE_TRANSFORMS = new Set([
	'year',
	'month',
	'day',
	'week',
	'week_day',
	'date',
	'hour',
	'minute',
	'second',
	'time',
]);
const LEGACY_SUFFIXES = {
	_gte: 'gte',
	_lte: 'lte',
	_gt: 'gt',
	_lt: 'lt',
	_min: 'gte',
	_max: 'lte',
};

class CleanError extends Error {}
const fail = (message) => {
	throw new CleanError(message);
};

function cleanNumber(v) {
	const t = String(v).trim();
	if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) fail('Enter a number.');
	return Number(t);
}

function cleanDate(v) {
	const ms = parseDateInput(v);
	if (ms === null) fail('Enter a valid date/time.');
	return ms;
}

function cleanBool(v) {
	if (['true', 'True', '1'].includes(v)) return true;
	if (['false', 'False', '0'].includes(v)) return false;
	fail(`'${v}' value must be either True or False.`);
}

function isoWeek(ms) {
	const d = new Date(ms);
	const date = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
	date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7) + 3); // Thursday of that week
	const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
	return Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

function transformDate(value, transform) {
	const parts = dateParts(value);
	if (!parts) return null;
	if (transform === 'week') return isoWeek(parts.ms);
	if (transform === 'date') return parts.date;
	if (transform === 'time') return parts.time;
	return parts[transform];
}

function compare(a, b) {
	if (a === b) return 0;
	return a < b ? -1 : 1;
}

/** Builds a predicate for one (field spec, op chain, raw value). */
function buildPredicate(spec, ops, raw) {
	const get = spec.get;
	let type = spec.type;
	let transform = null;
	if ((type === 'date' || type === 'datetime') && DATE_TRANSFORMS.has(ops[0])) {
		transform = ops.shift();
		type = transform === 'date' ? 'date' : transform === 'time' ? 'text' : 'number';
	}
	const op = ops.shift() ?? 'exact';
	if (ops.length) return null; // unknown lookup chain: ignored
	const valueOf = transform ? (row) => transformDate(get(row), transform) : get;

	if (op === 'isnull') {
		const want = cleanBool(raw);
		return (row) => (valueOf(row) == null) === want;
	}

	if (type === 'text' || type === 'choice') {
		if (!TEXT_OPS.has(op)) return null;
		const s = String(raw);
		const lower = s.toLowerCase();
		const str = (row) => {
			const v = valueOf(row);
			return v == null ? null : String(v);
		};
		switch (op) {
			case 'exact':
				return (row) => str(row) === s;
			case 'iexact':
				return (row) => str(row)?.toLowerCase() === lower;
			case 'contains':
				return (row) => str(row)?.includes(s) ?? false;
			case 'icontains':
				return (row) => str(row)?.toLowerCase().includes(lower) ?? false;
			case 'startswith':
				return (row) => str(row)?.startsWith(s) ?? false;
			case 'istartswith':
				return (row) => str(row)?.toLowerCase().startsWith(lower) ?? false;
			case 'endswith':
				return (row) => str(row)?.endsWith(s) ?? false;
			case 'iendswith':
				return (row) => str(row)?.toLowerCase().endsWith(lower) ?? false;
			case 'regex':
			case 'iregex': {
				let re;
				try {
					re = new RegExp(s, op === 'iregex' ? 'i' : '');
				} catch {
					fail('Enter a valid regular expression.');
				}
				return (row) => (str(row) === null ? false : re.test(str(row)));
			}
			case 'in': {
				const set = new Set(s.split(','));
				return (row) => set.has(str(row));
			}
			default:
				return null;
		}
	}

	if (type === 'bool') {
		if (op !== 'exact') return null;
		const want = cleanBool(raw);
		return (row) => Boolean(valueOf(row)) === want;
	}

	// number, id (fk) and date(time): compared as numbers (dates as epoch ms)
	if (!NUMBER_OPS.has(op)) return null;
	const isDate = type === 'date' || type === 'datetime';
	const clean = isDate ? cleanDate : cleanNumber;
	const num = isDate
		? (row) => {
				const v = valueOf(row);
				if (v == null) return null;
				if (typeof v === 'number') return v;
				// Stored dates are ISO strings, which Date.parse reads directly (fast on 100 000 rows).
				const ms = Date.parse(v);
				return Number.isNaN(ms) ? parseDateInput(v) : ms;
			}
		: (row) => {
				const v = valueOf(row);
				return v == null ? null : Number(v);
			};
	if (op === 'in') {
		const set = new Set(String(raw).split(',').map(clean));
		return (row) => set.has(num(row));
	}
	if (op === 'range') {
		const [lo, hi] = String(raw).split(',');
		if (hi === undefined) fail('Enter a list of values.');
		const a = clean(lo);
		// A date range's upper bound is a whole day (Django compares dates, not instants).
		const b = isDate && /^\d{4}-\d{2}-\d{2}$/.test(hi.trim()) ? clean(hi) + 86_399_999 : clean(hi);
		return (row) => {
			const v = num(row);
			return v !== null && v >= a && v <= b;
		};
	}
	let want = clean(raw);
	// `start_time=2024-01-15` on a datetime field means that whole day.
	if (
		isDate &&
		type === 'datetime' &&
		op === 'exact' &&
		/^\d{4}-\d{2}-\d{2}$/.test(String(raw).trim())
	) {
		const end = want + 86_400_000;
		return (row) => {
			const v = num(row);
			return v !== null && v >= want && v < end;
		};
	}
	if (transform === 'date') want = cleanDate(raw);
	const cmp = {
		exact: (c) => c === 0,
		gt: (c) => c > 0,
		gte: (c) => c >= 0,
		lt: (c) => c < 0,
		lte: (c) => c <= 0,
	}[op];
	if (transform === 'date')
		return (row) => {
			const v = valueOf(row);
			return v !== null && cmp(compare(parseDateInput(v), want));
		};
	return (row) => {
		const v = num(row);
		return v !== null && !Number.isNaN(v) && cmp(compare(v, want));
	};
}

/** Splits `start_time__year__gte` / `start_time_gte` into a declared field and its op chain. */
function parseParam(key, fields) {
	const parts = key.split('__');
	if (fields[parts[0]]) return { field: parts[0], ops: parts.slice(1) };
	for (const [suffix, op] of Object.entries(LEGACY_SUFFIXES)) {
		if (parts.length === 1 && key.endsWith(suffix)) {
			const base = key.slice(0, -suffix.length);
			if (fields[base]) return { field: base, ops: [op] };
		}
	}
	return null;
}

/**
 * @param {object[]} rows
 * @param {URLSearchParams} query
 * @param {Record<string, {type: string, get: (row: object) => unknown}>} fields
 * @returns {object[]} the rows that pass every recognised filter, sorted by `ordering`
 */
export function applyFilters(rows, query, fields) {
	const predicates = [];
	const errors = {};
	for (const key of new Set(query.keys())) {
		if (key === 'ordering') continue;
		const parsed = parseParam(key, fields);
		if (!parsed) continue;
		const raw = query.getAll(key).at(-1);
		if (raw === '') continue;
		try {
			const p = buildPredicate(fields[parsed.field], [...parsed.ops], raw);
			if (p) predicates.push(p);
		} catch (e) {
			if (!(e instanceof CleanError)) throw e;
			errors[key] = [e.message];
		}
	}
	if (Object.keys(errors).length) throw validationError(errors);
	let out = predicates.length ? rows.filter((row) => predicates.every((p) => p(row))) : rows;
	const ordering = query.get('ordering');
	if (ordering) out = applyOrdering(out, ordering, fields);
	return out;
}

/** `ordering=name,-id`: stable sort by declared fields; unknown fields are ignored (DRF). */
export function applyOrdering(rows, ordering, fields) {
	const keys = ordering
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean)
		.map((s) => ({ desc: s.startsWith('-'), name: s.replace(/^-/, '') }))
		.filter((k) => fields[k.name] || k.name === 'id');
	if (!keys.length) return rows;
	const getter = (name) => fields[name]?.get ?? ((row) => row.id);
	return [...rows].sort((a, b) => {
		for (const k of keys) {
			const get = getter(k.name);
			const va = get(a);
			const vb = get(b);
			if (va === vb) continue;
			if (va == null) return k.desc ? 1 : -1;
			if (vb == null) return k.desc ? -1 : 1;
			const c = va < vb ? -1 : 1;
			return k.desc ? -c : c;
		}
		return 0;
	});
}

const f = (type, get) => ({ type, get });
const field = (type, name) => f(type, (row) => row[name]);

/** Filter fields per resource (B.9's known fields plus the parent filters of Part A). */
export const FILTERS = {
	project: {
		id: field('number', 'id'),
		name: field('text', 'name'),
		description: field('text', 'description'),
		is_myagora: field('bool', 'is_myagora'),
		created_date: field('datetime', 'created_date'),
	},
	folder: {
		id: field('number', 'id'),
		name: field('text', 'name'),
		project: field('number', 'project'),
		parent: field('number', 'parent'),
		created_date: field('datetime', 'created_date'),
	},
	exam: {
		id: field('number', 'id'),
		name: field('text', 'name'),
		description: field('text', 'description'),
		scanner_name: field('text', 'scanner_name'),
		uid: field('text', 'uid'),
		start_time: field('datetime', 'start_time'),
		created_date: field('datetime', 'created_date'),
		modified_date: field('datetime', 'modified_date'),
		project: field('number', 'project'),
		patient: field('number', 'patient'),
		locked: field('bool', 'locked'),
	},
	serie: {
		id: field('number', 'id'),
		name: field('text', 'name'),
		uid: field('text', 'uid'),
		exam: field('number', 'exam'),
		project: field('number', 'project'),
		acquisition_number: field('number', 'acquisition_number'),
		time: field('datetime', 'time'),
		created_date: field('datetime', 'created_date'),
	},
	dataset: {
		id: field('number', 'id'),
		name: field('text', 'name'),
		type: field('number', 'type'),
		serie: field('number', 'serie'),
		series: field('number', 'serie'),
		exam: field('number', 'exam'),
		project: field('number', 'project'),
		created_date: field('datetime', 'created_date'),
	},
	patient: {
		id: field('number', 'id'),
		name: field('text', 'name'),
		patient_id: field('text', 'patient_id'),
		birth_date: field('date', 'birth_date'),
		sex: field('text', 'sex'),
		weight: field('number', 'weight'),
		project: field('number', 'project'),
	},
	user: {
		id: field('number', 'id'),
		username: field('text', 'username'),
		email: field('text', 'email'),
		first_name: field('text', 'first_name'),
		last_name: field('text', 'last_name'),
	},
	group: { id: field('number', 'id'), name: field('text', 'name') },
	tagdef: {
		id: field('number', 'id'),
		label: field('text', 'label'),
		project: field('number', 'project'),
		user: field('number', 'user'),
		scope: field('number', 'scope'),
		visibility: field('number', 'visibility'),
	},
	taginstance: {
		id: field('number', 'id'),
		tag_definition: field('number', 'tag_definition'),
		tagged_object_id: field('number', 'object_id'),
		tagged_object_content_type: f('text', (row) => row.content_type),
	},
	task: {
		id: field('number', 'id'),
		name: field('text', 'name'),
		project: field('number', 'project'),
	},
	timeline: {
		id: field('number', 'id'),
		type: field('text', 'type'),
		state: field('choice', 'state'),
		project: field('number', 'project'),
		user: field('number', 'user'),
		created_date: field('datetime', 'created_date'),
		modified_date: field('datetime', 'modified_date'),
		task_definition: field('number', 'task'),
	},
	query: {
		id: field('number', 'id'),
		name: field('text', 'name'),
		folder: field('number', 'folder'),
	},
	trash: {
		id: field('number', 'id'),
		project: field('number', 'project'),
		content_type: field('text', 'content_type'),
	},
};
