// Reading fields out of `request.data` the way DRF serializer fields do, whatever the body
// encoding: a form sends every value as a string (`folder=5`), JSON sends numbers, and some
// clients send numbers as strings anyway (go's `"folder": "5"`, check 17). Failures are DRF
// validation errors with DRF's messages.
import { validationError } from './errors.mjs';

/** An integer from a number or a decimal string; null when it is not one. */
export function toInt(value) {
	if (typeof value === 'number') return Number.isInteger(value) ? value : null;
	if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value.trim());
	return null;
}

export function toNumber(value) {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(value))
		return Number(value);
	return null;
}

export function toBool(value) {
	if (typeof value === 'boolean') return value;
	if (['true', 'True', '1', 'on', 'yes', 1].includes(value)) return true;
	if (['false', 'False', '0', 'off', 'no', 0].includes(value)) return false;
	return null;
}

/** A required integer field (a primary key). */
export function requireInt(data, field) {
	const raw = data.get(field);
	if (raw === undefined || raw === null || raw === '')
		throw validationError({ [field]: 'This field is required.' });
	const n = toInt(raw);
	if (n === null)
		throw validationError({
			[field]: `Incorrect type. Expected pk value, received ${typeName(raw)}.`,
		});
	return n;
}

/** An optional integer field: undefined when absent or null. */
export function optionalInt(data, field) {
	const raw = data.get(field);
	if (raw === undefined || raw === null || raw === '') return undefined;
	const n = toInt(raw);
	if (n === null)
		throw validationError({
			[field]: `Incorrect type. Expected pk value, received ${typeName(raw)}.`,
		});
	return n;
}

/** A required, non-blank string field. */
export function requireString(data, field, { maxLength = 255 } = {}) {
	const raw = data.get(field);
	if (raw === undefined || raw === null)
		throw validationError({ [field]: 'This field is required.' });
	if (typeof raw !== 'string' && typeof raw !== 'number')
		throw validationError({ [field]: 'Not a valid string.' });
	const s = String(raw).trim();
	if (!s) throw validationError({ [field]: 'This field may not be blank.' });
	if (s.length > maxLength)
		throw validationError({
			[field]: `Ensure this field has no more than ${maxLength} characters.`,
		});
	return s;
}

export function optionalString(data, field) {
	const raw = data.get(field);
	if (raw === undefined || raw === null) return undefined;
	if (typeof raw !== 'string' && typeof raw !== 'number')
		throw validationError({ [field]: 'Not a valid string.' });
	return String(raw);
}

/**
 * A list of ids: a JSON array, one JSON number, a form's repeated field (`ids=1&ids=2`, the
 * way requests encodes `{"ids": [5]}` as `ids=5`), or a comma-separated string.
 */
export function requireIdList(data, field) {
	let values = data.getList(field);
	if (data.isForm && values.length === 1 && String(values[0]).includes(','))
		values = String(values[0]).split(',');
	if (!data.isForm && typeof data.get(field) === 'string' && data.get(field).includes(','))
		values = data.get(field).split(',');
	if (!values.length) throw validationError({ [field]: 'This field is required.' });
	const ids = values.map((v) => toInt(v));
	if (ids.some((n) => n === null))
		throw validationError({ [field]: 'A list of integer ids is required.' });
	return ids;
}

export function typeName(value) {
	if (value === null) return 'None';
	if (Array.isArray(value)) return 'list';
	if (typeof value === 'string') return 'str';
	if (typeof value === 'boolean') return 'bool';
	if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
	return 'dict';
}

/**
 * A structured field (object or list). JSON bodies carry it as is; a form can only carry
 * text, so a form value holding JSON (`inputs={"ds": 5}`) is decoded. Lets every POST work
 * form-encoded too (reference check 34).
 */
export function structuredField(data, field) {
	const value = data.get(field);
	if (!data.isForm || typeof value !== 'string') return value;
	const text = value.trim();
	if (!text.startsWith('{') && !text.startsWith('[')) return value;
	try {
		return JSON.parse(text);
	} catch {
		throw validationError({ [field]: 'Value must be valid JSON.' });
	}
}
