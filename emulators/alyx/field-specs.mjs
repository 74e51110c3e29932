// Shorthands for the writable-field specs of the route modules (see fields.mjs).
import { fieldFail } from './fields.mjs';
import { QC_CHOICES_TEXT, QC_CODES } from './representations.mjs';

/** SlugRelatedField(slug_field=slug) on `table`. */
export const slug = (name, table, slugField, model, extra = {}) => ({
	name,
	type: 'slug',
	table,
	slug: slugField,
	model,
	...extra,
});

/** The same with many=True (a list of slugs; a form repeats the key). */
export const slugMany = (name, table, slugField, model, extra = {}) =>
	slug(name, table, slugField, model, { many: true, ...extra });

export const char = (name, extra = {}) => ({ name, type: 'char', ...extra });
export const optionalText = (name, extra = {}) =>
	char(name, { allowBlank: true, default: '', ...extra });
export const nullableChar = (name, extra = {}) =>
	char(name, { allowBlank: true, allowNull: true, ...extra });
export const json = (name) => ({ name, type: 'json', allowNull: true });
export const readOnly = (name, type = 'field') => ({ name, type, readOnly: true });

/** Django's unique-field error, e.g. "project with this name already exists." */
export function uniqueName(table, verboseName, field = 'name') {
	return (value, ctx) => {
		const other = ctx.store.tables[table].by(field, value).find((r) => r.id !== ctx.instance?.id);
		return other ? `${verboseName} with this ${field} already exists.` : null;
	};
}

/** Alyx's QC field: a name (or its integer code); anything else is 400. */
export const qcField = (name = 'qc', extra = {}) => ({
	name,
	type: 'custom',
	convert(value) {
		if (typeof value === 'string' && value.toUpperCase() in QC_CODES)
			return QC_CODES[value.toUpperCase()];
		const n = typeof value === 'number' ? value : /^\d+$/.test(String(value)) ? Number(value) : NaN;
		if (Object.values(QC_CODES).includes(n)) return n;
		return fieldFail(`Invalid qc, choices are: ${QC_CHOICES_TEXT}`);
	},
	...extra,
});

/** The request's user, the default of `responsible_user`, `users`, `user`, `created_by`. */
export const requestUser = (ctx) => ctx.user.id;
