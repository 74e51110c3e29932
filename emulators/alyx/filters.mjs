// django-filter FilterSets as Alyx declares them (reference §5). Each filter is
// { name, kind, ... }: the query value is first cleaned by its form field (errors for all
// filters are collected and answered as one 400, e.g. {"projects": ["“main” is not a valid
// UUID."]}), then the filters run in declaration order. Empty values and unknown parameters
// are ignored; an unparseable boolean counts as "not given".
import { parseDateInput, parseDatetimeInput } from './datetimes.mjs';
import { compileLookup, djangoFilter, jsonColumnFilter } from './django-lookups.mjs';
import { validationError } from './errors.mjs';
import { normalizeUuid } from './fields.mjs';
import { MODELS } from './model-meta.mjs';

class CleanError extends Error {}
const fail = (message) => {
	throw new CleanError(message);
};

/** NullBooleanSelect: recognised spellings, anything else means "no value". */
export function parseFilterBool(value) {
	if (['true', 'True', '2', '1'].includes(value)) return true;
	if (['false', 'False', '3', '0'].includes(value)) return false;
	return null;
}

const CLEANERS = {
	char: (v) => v,
	number(v) {
		const t = v.trim();
		if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) fail('Enter a number.');
		return Number(t);
	},
	bool: (v) => parseFilterBool(v),
	date: (v) => parseDateInput(v.trim()) ?? fail('Enter a valid date.'),
	datetime: (v) => parseDatetimeInput(v.trim()) ?? fail('Enter a valid date/time.'),
	uuid: (v) => normalizeUuid(v) ?? fail('Enter a valid UUID.'),
	/** ModelChoiceFilter on a UUID primary key. */
	fk(v, f, ctx) {
		const id = normalizeUuid(v);
		if (!id) fail(`“${v}” is not a valid UUID.`);
		if (!ctx.store.tables[MODELS[f.model].table].get(id))
			fail('Select a valid choice. That choice is not one of the available choices.');
		return id;
	},
	choice(v, f) {
		if (!f.choices.includes(v))
			fail(`Select a valid choice. ${v} is not one of the available choices.`);
		return v;
	},
};

/**
 * Filter kinds:
 *  - { kind: 'lookup', path, type, expr }: `path__expr = cleaned value` (type = cleaner)
 *  - { kind: 'm2m', path, model }: ModelMultipleChoiceFilter on UUIDs (repeatable, any-of)
 *  - { kind: 'method', type, apply(rows, value, ctx) }: custom Alyx filter method
 *  - { kind: 'django' } / { kind: 'json', column }: the lookup-pair filters
 */
export function applyFilters(filters, model, query, rows, ctx) {
	const cleaned = [];
	const errors = {};
	for (const f of filters) {
		if (f.kind === 'm2m') {
			const raw = query.getAll(f.name).filter((v) => v !== '');
			if (!raw.length) continue;
			const table = ctx.store.tables[MODELS[f.model].table];
			const bad = raw.find((v) => !normalizeUuid(v));
			if (bad !== undefined) {
				errors[f.name] = [`“${bad}” is not a valid UUID.`];
				continue;
			}
			const missing = raw.find((v) => !table.get(normalizeUuid(v)));
			if (missing !== undefined) {
				errors[f.name] = [`Select a valid choice. ${missing} is not one of the available choices.`];
				continue;
			}
			cleaned.push([f, raw.map(normalizeUuid)]);
			continue;
		}
		if (!query.has(f.name)) continue;
		const raw = query.getAll(f.name).at(-1);
		if (raw === '') continue;
		try {
			const value = (CLEANERS[f.type ?? 'char'] ?? CLEANERS.char)(raw, f, ctx);
			if (value === null || value === '') continue;
			cleaned.push([f, value]);
		} catch (e) {
			if (!(e instanceof CleanError)) throw e;
			errors[f.name] = [e.message];
		}
	}
	if (Object.keys(errors).length) throw validationError(errors);
	let out = rows;
	for (const [f, value] of cleaned) {
		let predicate;
		if (f.kind === 'method') {
			out = f.apply(out, value, ctx);
			continue;
		}
		if (f.kind === 'django') predicate = djangoFilter(ctx.store, model, value);
		else if (f.kind === 'json') predicate = jsonColumnFilter(ctx.store, model, f.column, value);
		else if (f.kind === 'm2m') {
			const wanted = new Set(value);
			predicate = (row) => (row[f.path] ?? []).some((id) => wanted.has(id));
		} else
			predicate = compileLookup(
				ctx.store,
				model,
				`${f.path ?? f.name}__${f.expr ?? 'exact'}`,
				value,
			);
		out = out.filter(predicate);
	}
	return out;
}

// ---- helpers to declare filters ----

/** Automatic exact filters for plain model fields (django-filter's Meta.fields / exclude). */
export function autoFilters(model, names) {
	const fields = MODELS[model].fields;
	return names.map((name) => {
		const field = fields[name];
		if (!field) throw new Error(`${model}.${name} is not in model-meta`);
		if (field.fk) return { name, kind: 'lookup', path: name, type: 'fk', model: field.fk };
		if (field.m2m) return { name, kind: 'm2m', path: field.column, model: field.m2m };
		const type =
			{
				int: 'number',
				float: 'number',
				bool: 'bool',
				date: 'date',
				datetime: 'datetime',
				uuid: 'uuid',
			}[field.type] ?? 'char';
		return { name, kind: 'lookup', path: name, type };
	});
}

export const lookupFilter = (name, path, expr = 'exact', type = 'char') => ({
	name,
	kind: 'lookup',
	path,
	expr,
	type,
});
export const methodFilter = (name, apply, type = 'char') => ({ name, kind: 'method', apply, type });
export const DJANGO_FILTER = { name: 'django', kind: 'django' };
