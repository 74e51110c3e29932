// A small evaluator for Django ORM lookups (`start_time__date__lt`, `subject__nickname__iexact`,
// `extended_qc__behavior__gte`, `~pk`...) over the emulator's rows. Alyx exposes them through
// the `django=` filter and builds its own filters on them, so their failure modes are part of
// the API: an unknown keyword is Django's FieldError, a value of the wrong type is a
// ValueError/ValidationError, all answered with 500 and the exception text (reference §5, §11).
import { dateOf, parseDateInput, parseDatetimeInput } from './datetimes.mjs';
import { FieldLookupError, serverError } from './errors.mjs';
import { normalizeUuid } from './fields.mjs';
import { MODELS, fieldChoices } from './model-meta.mjs';

export const LOOKUPS = new Set([
	'exact',
	'iexact',
	'contains',
	'icontains',
	'in',
	'gt',
	'gte',
	'lt',
	'lte',
	'startswith',
	'istartswith',
	'endswith',
	'iendswith',
	'range',
	'isnull',
	'regex',
	'iregex',
]);

const DATETIME_TRANSFORMS = {
	date: (v) => dateOf(v),
	year: (v) => Number(v.slice(0, 4)),
	month: (v) => Number(v.slice(5, 7)),
	day: (v) => Number(v.slice(8, 10)),
	hour: (v) => Number(v.slice(11, 13)),
	minute: (v) => Number(v.slice(14, 16)),
	second: (v) => Number(v.slice(17, 19)),
	week_day: (v) => new Date(`${v.slice(0, 10)}T00:00:00Z`).getUTCDay() + 1,
	time: (v) => v.slice(11) || '00:00:00',
};
const DATE_TRANSFORMS = {
	year: DATETIME_TRANSFORMS.year,
	month: DATETIME_TRANSFORMS.month,
	day: DATETIME_TRANSFORMS.day,
	week_day: DATETIME_TRANSFORMS.week_day,
};
const TRANSFORM_TYPES = { date: 'date', time: 'char' };

const FIELD_CLASS = {
	uuid: 'UUIDField',
	char: 'CharField',
	int: 'IntegerField',
	float: 'FloatField',
	bool: 'BooleanField',
	date: 'DateField',
	datetime: 'DateTimeField',
	json: 'JSONField',
};

/** Converts a lookup value to the field's Python type, failing like Django's get_prep_value. */
function prepValue(type, value, fieldName) {
	if (value === null || value === undefined) return null;
	switch (type) {
		case 'int':
		case 'float': {
			if (typeof value === 'boolean') return Number(value);
			const n = typeof value === 'number' ? value : Number(String(value).trim());
			if (String(value).trim() === '' || Number.isNaN(n))
				throw serverError(`Field '${fieldName}' expected a number but got '${value}'.`);
			return type === 'int' ? Math.trunc(n) : n;
		}
		case 'uuid': {
			const id = normalizeUuid(String(value));
			if (!id) throw serverError(`['“${value}” is not a valid UUID.']`);
			return id;
		}
		case 'bool': {
			if (value === true || ['t', 'True', '1', 1].includes(value)) return true;
			if (value === false || ['f', 'False', '0', 0].includes(value)) return false;
			throw serverError(`['“${value}” value must be either True or False.']`);
		}
		case 'date': {
			const d = parseDateInput(String(value)) ?? dateOf(parseDatetimeInput(String(value)));
			if (!d)
				throw serverError(
					`['“${value}” value has an invalid date format. It must be in YYYY-MM-DD format.']`,
				);
			return d;
		}
		case 'datetime': {
			const d = parseDatetimeInput(String(value));
			if (!d)
				throw serverError(
					`['“${value}” value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.']`,
				);
			return d;
		}
		case 'json':
			return value;
		default:
			return String(value);
	}
}

function compare(a, b) {
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	const x = String(a);
	const y = String(b);
	return x < y ? -1 : x > y ? 1 : 0;
}

function jsonEqual(a, b) {
	return JSON.stringify(a) === JSON.stringify(b);
}

/** Applies `lookup` between a field value and the prepared query value. */
function test(lookup, fieldValue, queryValue, type) {
	if (lookup === 'isnull')
		return (fieldValue === null || fieldValue === undefined) === Boolean(queryValue);
	if (fieldValue === null || fieldValue === undefined)
		return lookup === 'exact' && queryValue === null;
	const text = () =>
		typeof fieldValue === 'object' ? JSON.stringify(fieldValue) : String(fieldValue);
	switch (lookup) {
		case 'exact':
			if (queryValue === null) return false;
			return type === 'json'
				? jsonEqual(fieldValue, queryValue)
				: compare(fieldValue, queryValue) === 0;
		case 'iexact':
			return text().toLowerCase() === String(queryValue).toLowerCase();
		case 'contains':
			if (type === 'json' && typeof fieldValue === 'object')
				return jsonContains(fieldValue, queryValue);
			return text().includes(String(queryValue));
		case 'icontains':
			return text().toLowerCase().includes(String(queryValue).toLowerCase());
		case 'startswith':
			return text().startsWith(String(queryValue));
		case 'istartswith':
			return text().toLowerCase().startsWith(String(queryValue).toLowerCase());
		case 'endswith':
			return text().endsWith(String(queryValue));
		case 'iendswith':
			return text().toLowerCase().endsWith(String(queryValue).toLowerCase());
		case 'gt':
			return queryValue !== null && compare(fieldValue, queryValue) > 0;
		case 'gte':
			return queryValue !== null && compare(fieldValue, queryValue) >= 0;
		case 'lt':
			return queryValue !== null && compare(fieldValue, queryValue) < 0;
		case 'lte':
			return queryValue !== null && compare(fieldValue, queryValue) <= 0;
		case 'in':
			return queryValue.some((q) => q !== null && compare(fieldValue, q) === 0);
		case 'range':
			return compare(fieldValue, queryValue[0]) >= 0 && compare(fieldValue, queryValue[1]) <= 0;
		case 'regex':
			return new RegExp(String(queryValue)).test(text());
		case 'iregex':
			return new RegExp(String(queryValue), 'i').test(text());
		default:
			return false;
	}
}

function jsonContains(container, part) {
	if (part === null || typeof part !== 'object') return jsonEqual(container, part);
	if (Array.isArray(part))
		return Array.isArray(container) && part.every((p) => container.some((c) => jsonContains(c, p)));
	return Object.entries(part).every(
		([k, v]) => container && k in container && jsonContains(container[k], v),
	);
}

function related(store, field, row) {
	if (field.fk) {
		const target = store.tables[MODELS[field.fk].table].get(row[field.column]);
		return target ? [target] : [];
	}
	if (field.m2m) {
		const table = store.tables[MODELS[field.m2m].table];
		return (row[field.column] ?? []).map((id) => table.get(id)).filter(Boolean);
	}
	return store.tables[MODELS[field.reverse].table].by(field.via, row.id);
}

/**
 * Compiles `path` (e.g. `start_time__date__lt`) on `model` with query `value` into a row
 * predicate. Throws FieldLookupError (500) for unknown fields or lookups, and 500 for values
 * Django could not convert.
 */
export function compileLookup(store, model, path, value) {
	const parts = path.split('__');
	const steps = []; // relation fields to follow
	let current = model;
	let i = 0;
	let finalField = null;
	let finalName = null;
	while (i < parts.length) {
		let part = parts[i];
		if (part === 'pk') part = 'id';
		const meta = MODELS[current];
		let field = meta.fields[part];
		if (!field && part.endsWith('_id') && meta.fields[part.slice(0, -3)]?.fk) {
			// `subject_id` is the FK column itself.
			field = { type: 'uuid' };
			steps.push({ attname: part.slice(0, -3) });
		}
		if (!field) {
			if (i > 0 && steps.length && LOOKUPS.has(part)) {
				// A lookup right on a relation compares the related primary key.
				finalField = { type: 'uuid' };
				finalName = 'id';
				steps.push({ followed: true });
				break;
			}
			throw new FieldLookupError(
				`Cannot resolve keyword '${part}' into field. Choices are: ${fieldChoices(current).join(', ')}`,
			);
		}
		i += 1;
		if (field.fk || field.m2m || field.reverse) {
			steps.push({ field });
			current = field.fk ?? field.m2m ?? field.reverse;
			if (i === parts.length) {
				finalField = { type: 'uuid' };
				finalName = 'id';
			}
			continue;
		}
		finalField = field;
		finalName = part;
		break;
	}
	if (!finalField) {
		finalField = { type: 'uuid' };
		finalName = 'id';
	}
	// Remaining parts: transforms (or JSON keys) then the lookup.
	let rest = parts.slice(i);
	if (steps.at(-1)?.followed) rest = parts.slice(i);
	let type = finalField.type;
	const transforms = [];
	let lookup = 'exact';
	for (let j = 0; j < rest.length; j++) {
		const name = rest[j];
		const isLast = j === rest.length - 1;
		if (isLast && LOOKUPS.has(name)) {
			lookup = name;
			break;
		}
		if (type === 'json') {
			transforms.push((v) => (v !== null && typeof v === 'object' ? v[name] : undefined));
			continue;
		}
		const table =
			type === 'datetime' ? DATETIME_TRANSFORMS : type === 'date' ? DATE_TRANSFORMS : null;
		if (table?.[name]) {
			transforms.push(table[name]);
			type = TRANSFORM_TYPES[name] ?? 'int';
			continue;
		}
		throw new FieldLookupError(
			`Unsupported lookup '${name}' for ${FIELD_CLASS[type] ?? 'Field'} or join on the field not permitted.`,
		);
	}
	let prepared;
	if (lookup === 'isnull') prepared = Boolean(value);
	else if (lookup === 'in' || lookup === 'range') {
		const list = Array.isArray(value) ? value : [value];
		prepared = list.map((v) => prepValue(type, v, finalName));
		if (lookup === 'range' && prepared.length !== 2)
			throw serverError('not enough values to unpack (expected 2, got ' + prepared.length + ')');
	} else if (
		[
			'contains',
			'icontains',
			'startswith',
			'istartswith',
			'endswith',
			'iendswith',
			'regex',
			'iregex',
			'iexact',
		].includes(lookup) &&
		type !== 'json'
	)
		prepared = value === null ? null : String(value);
	else prepared = prepValue(type, value, finalName);

	const relationSteps = steps.filter((s) => s.field);
	const attname = steps.find((s) => s.attname)?.attname;
	return (row) => {
		let rows = [row];
		for (const step of relationSteps) rows = rows.flatMap((r) => related(store, step.field, r));
		if (relationSteps.length && rows.length === 0)
			return lookup === 'isnull' ? prepared === true : false;
		return rows.some((r) => {
			let v = attname ? r[attname] : r[finalName];
			for (const t of transforms) v = v === null || v === undefined ? v : t(v);
			return test(lookup, v, prepared, type);
		});
	};
}

/**
 * Alyx's `_custom_filter_parser`: "a,1,b__gte,2.5,c,[x,y]" -> [['a', 1], ['b__gte', 2.5], ...].
 * Values: None/True/False/numbers/lists are converted; an odd count is an IndexError (500).
 */
export function parseLookupPairs(text) {
	const items = [];
	let depth = 0;
	let token = '';
	for (const ch of String(text)) {
		if ((ch === '[' || ch === '(') && depth >= 0) depth += 1;
		if ((ch === ']' || ch === ')') && depth > 0) depth -= 1;
		if (ch === ',' && depth === 0) {
			items.push(token);
			token = '';
		} else token += ch;
	}
	items.push(token);
	const pairs = [];
	for (let i = 0; i < items.length; i += 2) {
		if (i + 1 >= items.length) throw serverError('list index out of range');
		pairs.push([items[i].trim(), convertValue(items[i + 1].trim())]);
	}
	return pairs;
}

function convertValue(text) {
	if (/^[[(].*[\])]$/.test(text))
		return text
			.slice(1, -1)
			.split(',')
			.map((t) => t.trim())
			.filter((t) => t !== '')
			.map(convertValue);
	if (text === 'None') return null;
	if (text === 'True' || text === 'true') return true;
	if (text === 'False' || text === 'false') return false;
	if (/^[+-]?\d+$/.test(text)) return Number(text);
	if (/^[+-]?(\d+\.\d*|\.\d+|\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text);
	return text;
}

/** `django=` filter: every pair is a filter (or, with a leading ~, an exclude). */
export function djangoFilter(store, model, text) {
	const predicates = parseLookupPairs(text).map(([key, value]) => {
		const exclude = key.startsWith('~');
		const p = compileLookup(store, model, exclude ? key.slice(1) : key, value);
		return exclude ? (row) => !p(row) : p;
	});
	return (row) => predicates.every((p) => p(row));
}

/** `extended_qc=` / `json=`: the pairs are lookups inside one JSON column. */
export function jsonColumnFilter(store, model, column, text) {
	const predicates = parseLookupPairs(text).map(([key, value]) =>
		compileLookup(store, model, `${column}__${key}`, value),
	);
	return (row) => predicates.every((p) => p(row));
}
