// Serializer field validation with Django REST framework's semantics and messages
// (reference §9): required/partial handling, nulls, type coercion (numbers from strings,
// "2" -> 2), dates, naive datetimes, choices, and slug references to other tables
// ("Object with name=nolab does not exist."). A resource declares its writable fields as a
// list of specs; `validateFields` returns the converted values or the DRF error map.
import { parseDateInput, parseDatetimeInput } from './datetimes.mjs';
import { multipleReturned } from './errors.mjs';
import { pythonTypeName } from './request-body.mjs';

export class FieldInvalid extends Error {
	constructor(messages) {
		super(messages.join(' '));
		this.messages = messages;
	}
}

const invalid = (message) => {
	throw new FieldInvalid([message]);
};

/** For `custom` field converters: rejects the value with `message`. */
export const fieldFail = invalid;

const TRUE_VALUES = new Set([
	't',
	'T',
	'y',
	'Y',
	'yes',
	'Yes',
	'YES',
	'true',
	'True',
	'TRUE',
	'on',
	'On',
	'ON',
	'1',
	1,
	true,
]);
const FALSE_VALUES = new Set([
	'f',
	'F',
	'n',
	'N',
	'no',
	'No',
	'NO',
	'false',
	'False',
	'FALSE',
	'off',
	'Off',
	'OFF',
	'0',
	0,
	false,
]);

/** DRF BooleanField.to_internal_value. */
export function toBoolean(value) {
	if (TRUE_VALUES.has(value)) return true;
	if (FALSE_VALUES.has(value)) return false;
	return invalid('Must be a valid boolean.');
}

export const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Canonical lowercase dashed UUID, or null. */
export function normalizeUuid(value) {
	if (typeof value !== 'string') return null;
	const trimmed = value
		.trim()
		.replace(/^urn:uuid:/i, '')
		.replace(/^\{(.*)\}$/, '$1');
	if (!UUID_RE.test(trimmed)) return null;
	const hex = trimmed.replace(/-/g, '').toLowerCase();
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Field types: each converts an input value or throws FieldInvalid. */
export const TYPES = {
	char(value, spec) {
		if (typeof value === 'boolean' || (typeof value === 'object' && value !== null))
			return invalid('Not a valid string.');
		let text = String(value);
		if (spec.trim !== false) text = text.trim();
		if (text === '' && !spec.allowBlank) return invalid('This field may not be blank.');
		if (spec.maxLength != null && text.length > spec.maxLength)
			return invalid(`Ensure this field has no more than ${spec.maxLength} characters.`);
		if (spec.regex && text !== '' && !spec.regex.test(text))
			return invalid(spec.regexMessage ?? 'Enter a valid value.');
		return text;
	},
	integer(value, spec) {
		if (typeof value === 'boolean' || (typeof value === 'object' && value !== null))
			return invalid('A valid integer is required.');
		const text = String(value).trim().replace(/\.0*$/, '');
		if (!/^[+-]?\d+$/.test(text)) return invalid('A valid integer is required.');
		const n = Number(text);
		if (spec.min != null && n < spec.min)
			return invalid(`Ensure this value is greater than or equal to ${spec.min}.`);
		if (spec.max != null && n > spec.max)
			return invalid(`Ensure this value is less than or equal to ${spec.max}.`);
		return n;
	},
	float(value, spec) {
		let n;
		if (typeof value === 'boolean') n = value ? 1 : 0;
		else if (typeof value === 'number') n = value;
		else if (
			typeof value === 'string' &&
			/^\s*[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|inf(inity)?|nan)\s*$/i.test(value)
		)
			n = /inf/i.test(value)
				? value.includes('-')
					? -Infinity
					: Infinity
				: /nan/i.test(value)
					? NaN
					: Number(value);
		else return invalid('A valid number is required.');
		if (spec.min != null && n < spec.min)
			return invalid(`Ensure this value is greater than or equal to ${spec.min}.`);
		if (spec.max != null && n > spec.max)
			return invalid(`Ensure this value is less than or equal to ${spec.max}.`);
		return n;
	},
	boolean: (value) => toBoolean(value),
	date(value) {
		return (
			parseDateInput(value) ??
			invalid('Date has wrong format. Use one of these formats instead: YYYY-MM-DD.')
		);
	},
	datetime(value) {
		return (
			parseDatetimeInput(value) ??
			invalid(
				'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].',
			)
		);
	},
	choice(value, spec) {
		const key = typeof value === 'string' ? value : JSON.stringify(value);
		if (spec.choices.includes(key)) return key;
		return invalid(`"${key}" is not a valid choice.`);
	},
	json(value, spec, ctx) {
		if (ctx.data?.isForm && typeof value === 'string') {
			try {
				return JSON.parse(value);
			} catch {
				return invalid('Value must be valid JSON.');
			}
		}
		return value;
	},
	uuid(value) {
		return normalizeUuid(value) ?? invalid('Must be a valid UUID.');
	},
	url(value, spec) {
		const text = TYPES.char(value, spec);
		if (text === '') return text;
		let ok = false;
		try {
			const u = new URL(text);
			ok = /^(https?|ftps?):$/.test(u.protocol) && Boolean(u.hostname);
		} catch {
			ok = false;
		}
		return ok ? text : invalid('Enter a valid URL.');
	},
	/** A resource-specific converter: spec.convert(value, ctx) returns the value or fieldFail()s. */
	custom: (value, spec, ctx) => spec.convert(value, ctx),
	/** SlugRelatedField: the id of the row of `spec.table` whose `spec.slug` equals the input. */
	slug(value, spec, ctx) {
		if (typeof value === 'object' && value !== null) return invalid('Invalid value.');
		const text = String(value);
		const table = ctx.store.tables[spec.table];
		const hit = table.one(spec.slug, text);
		if (hit?.multiple) throw multipleReturned(spec.model ?? spec.table, hit.multiple);
		if (!hit) return invalid(`Object with ${spec.slug}=${text} does not exist.`);
		return hit.id;
	},
	/** PrimaryKeyRelatedField on a UUID key. */
	pk(value, spec, ctx) {
		if (typeof value !== 'string' && typeof value !== 'number')
			return invalid(`Incorrect type. Expected pk value, received ${pythonTypeName(value)}.`);
		const id = normalizeUuid(String(value));
		if (!id) return invalid(`“${value}” is not a valid UUID.`);
		if (!ctx.store.tables[spec.table].get(id))
			return invalid(`Invalid pk "${value}" - object does not exist.`);
		return id;
	},
	/**
	 * HyperlinkedRelatedField: an absolute URL or a path, resolved like Django's URLconf
	 * (`/sessions/<uuid>`); a bare UUID does not resolve.
	 */
	hyperlink(value, spec, ctx) {
		if (typeof value !== 'string')
			return invalid(`Incorrect type. Expected URL string, received ${pythonTypeName(value)}.`);
		let path = value;
		if (/^https?:\/\//i.test(value)) {
			try {
				path = new URL(value).pathname;
			} catch {
				return invalid('Invalid hyperlink - No URL match.');
			}
		}
		const match = /^\/([a-z-]+)\/([0-9a-f-]{36})$/.exec(path);
		if (!match || !normalizeUuid(match[2])) return invalid('Invalid hyperlink - No URL match.');
		if (match[1] !== spec.route) return invalid('Invalid hyperlink - Incorrect URL match.');
		const id = normalizeUuid(match[2]);
		if (!ctx.store.tables[spec.table].get(id))
			return invalid('Invalid hyperlink - Object does not exist.');
		return id;
	},
};

/** Converts one present value per `spec` (handles null and many=true). */
function convert(value, spec, ctx) {
	if (value === null) {
		if (spec.allowNull) return null;
		return invalid('This field may not be null.');
	}
	if (spec.many) {
		if (typeof value === 'string' || !Array.isArray(value))
			return invalid(`Expected a list of items but got type "${pythonTypeName(value)}".`);
		if (value.length === 0 && spec.allowEmpty === false)
			return invalid('This list may not be empty.');
		return value.map((item) => TYPES[spec.type](item, spec, ctx));
	}
	return TYPES[spec.type](value, spec, ctx);
}

/**
 * Validates `data` (a RequestData) against field specs, like a DRF serializer's
 * to_internal_value. Returns `{ values, errors }`; `errors` is null when valid.
 * Spec keys: name, type, required, allowNull, allowBlank, default (value or fn(ctx)), many,
 * readOnly, plus type options (maxLength, min, choices, table, slug, regex...).
 * Unique checks (`spec.unique(value, ctx)` -> message or null) run per field, like DRF's
 * UniqueValidator.
 */
export function validateFields(specs, data, ctx, { partial = false } = {}) {
	const values = {};
	const errors = {};
	const fullCtx = { ...ctx, data };
	for (const spec of specs) {
		if (spec.readOnly) continue;
		let present = data.has(spec.name);
		let raw;
		if (present) raw = spec.many && data.isForm ? data.getList(spec.name) : data.get(spec.name);
		else if (data.isForm && !partial && spec.type === 'boolean' && !spec.many) {
			// An HTML form leaves unchecked boxes out: DRF reads a missing boolean as false.
			present = true;
			raw = false;
		}
		if (!present) {
			if (partial) continue;
			if (spec.required) {
				errors[spec.name] = ['This field is required.'];
				continue;
			}
			// Defaults fill in on create only: on an update a missing field keeps its value, as
			// with ModelSerializer fields that take their default from the model.
			if (spec.default !== undefined && !ctx.instance)
				values[spec.name] =
					typeof spec.default === 'function' ? spec.default(fullCtx) : spec.default;
			continue;
		}
		try {
			const value = convert(raw, spec, fullCtx);
			const uniqueMessage = spec.unique?.(value, fullCtx);
			if (uniqueMessage) throw new FieldInvalid([uniqueMessage]);
			values[spec.name] = value;
		} catch (e) {
			if (!(e instanceof FieldInvalid)) throw e;
			errors[spec.name] = e.messages;
		}
	}
	return { values, errors: Object.keys(errors).length ? errors : null };
}

/** OPTIONS metadata for one field, like DRF's SimpleMetadata.get_field_info. */
export function fieldInfo(spec) {
	const TYPE_NAMES = {
		char: 'string',
		integer: 'integer',
		float: 'float',
		boolean: 'boolean',
		date: 'date',
		datetime: 'datetime',
		choice: 'choice',
		json: 'json',
		uuid: 'string',
		url: 'url',
		slug: 'field',
		pk: 'field',
		hyperlink: 'field',
	};
	const info = {
		type: spec.many && spec.type !== 'slug' ? 'list' : (TYPE_NAMES[spec.type] ?? 'field'),
		required: Boolean(spec.required),
		read_only: Boolean(spec.readOnly),
		label: spec.label ?? labelFor(spec.name),
	};
	if (spec.helpText) info.help_text = spec.helpText;
	if (spec.type === 'float' || spec.type === 'integer') {
		if (spec.min != null) info.min_value = spec.min;
		if (spec.max != null) info.max_value = spec.max;
	}
	if (spec.maxLength != null) info.max_length = spec.maxLength;
	if (spec.type === 'choice')
		info.choices = spec.choices.map((c) => ({
			value: c,
			display_name: spec.choiceNames?.[c] ?? c,
		}));
	return info;
}

/** Django's verbose name default: "date_time" -> "Date time". */
export const labelFor = (name) => {
	const words = name.replace(/_/g, ' ');
	return words.charAt(0).toUpperCase() + words.slice(1);
};
