// A small JSON Schema validator covering the keywords the RED and engine schemas use, with
// the error messages of Python's `jsonschema` package (agency 400 bodies quote them).
// Keywords: type, enum, properties, patternProperties, additionalProperties, required,
// minimum, pattern, items, minItems, oneOf, anyOf, $ref (to "#/definitions/...").
import { pyRepr } from './python-format.mjs';

const TYPE_CHECKS = {
	object: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
	array: Array.isArray,
	string: (v) => typeof v === 'string',
	integer: (v) => typeof v === 'number' && Number.isInteger(v),
	number: (v) => typeof v === 'number',
	boolean: (v) => typeof v === 'boolean',
	null: (v) => v === null,
};

function deepEqual(a, b) {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	const ka = Object.keys(a);
	const kb = Object.keys(b);
	return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}

function resolveRef(ref, root) {
	if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
	return ref
		.slice(2)
		.split('/')
		.reduce((node, key) => node?.[key], root);
}

/**
 * All validation errors, in the order Python's jsonschema yields them (schema keyword order).
 * @returns {{validator: string, message: string, path: (string|number)[], context?: object[]}[]}
 */
export function iterErrors(instance, schema, root = schema, path = []) {
	const errors = [];
	const add = (validator, message, context) => errors.push({ validator, message, path, context });
	const isObject = TYPE_CHECKS.object(instance);

	for (const keyword of Object.keys(schema)) {
		const value = schema[keyword];
		switch (keyword) {
			case '$ref':
				errors.push(...iterErrors(instance, resolveRef(value, root), root, path));
				break;
			case 'type': {
				const types = Array.isArray(value) ? value : [value];
				if (!types.some((t) => TYPE_CHECKS[t]?.(instance))) {
					add('type', `${pyRepr(instance)} is not of type ${types.map(pyRepr).join(', ')}`);
				}
				break;
			}
			case 'enum':
				if (!value.some((option) => deepEqual(option, instance)))
					add('enum', `${pyRepr(instance)} is not one of ${pyRepr(value)}`);
				break;
			case 'properties':
				if (isObject) {
					for (const [name, sub] of Object.entries(value)) {
						if (Object.hasOwn(instance, name))
							errors.push(...iterErrors(instance[name], sub, root, [...path, name]));
					}
				}
				break;
			case 'patternProperties':
				if (isObject) {
					for (const [pattern, sub] of Object.entries(value)) {
						const re = new RegExp(pattern, 'u');
						for (const key of Object.keys(instance)) {
							if (re.test(key))
								errors.push(...iterErrors(instance[key], sub, root, [...path, key]));
						}
					}
				}
				break;
			case 'additionalProperties':
				if (isObject) {
					const known = Object.keys(schema.properties ?? {});
					const patterns = Object.keys(schema.patternProperties ?? {});
					const extras = Object.keys(instance).filter(
						(k) => !known.includes(k) && !patterns.some((p) => new RegExp(p, 'u').test(k)),
					);
					if (value === false && extras.length) {
						if (patterns.length) {
							const verb = extras.length === 1 ? 'does' : 'do';
							add(
								'additionalProperties',
								`${[...extras].sort().map(pyRepr).join(', ')} ${verb} not match any of the regexes: ${patterns.map(pyRepr).join(', ')}`,
							);
						} else {
							const verb = extras.length === 1 ? 'was' : 'were';
							add(
								'additionalProperties',
								`Additional properties are not allowed (${extras.map(pyRepr).join(', ')} ${verb} unexpected)`,
							);
						}
					} else if (value && typeof value === 'object') {
						for (const key of extras)
							errors.push(...iterErrors(instance[key], value, root, [...path, key]));
					}
				}
				break;
			case 'required':
				if (isObject) {
					for (const name of value)
						if (!Object.hasOwn(instance, name))
							add('required', `${pyRepr(name)} is a required property`);
				}
				break;
			case 'minimum':
				if (typeof instance === 'number' && instance < value)
					add('minimum', `${pyRepr(instance)} is less than the minimum of ${pyRepr(value)}`);
				break;
			case 'pattern':
				if (typeof instance === 'string' && !new RegExp(value, 'u').test(instance))
					add('pattern', `${pyRepr(instance)} does not match ${pyRepr(value)}`);
				break;
			case 'minItems':
				if (Array.isArray(instance) && instance.length < value)
					add('minItems', `${pyRepr(instance)} is too short`);
				break;
			case 'items':
				if (Array.isArray(instance))
					instance.forEach((item, i) =>
						errors.push(...iterErrors(item, value, root, [...path, i])),
					);
				break;
			case 'oneOf':
			case 'anyOf': {
				const results = value.map((sub) => iterErrors(instance, sub, root, path));
				const valid = results.filter((r) => r.length === 0).length;
				if (valid === 0)
					add(
						keyword,
						`${pyRepr(instance)} is not valid under any of the given schemas`,
						results.flat(),
					);
				else if (keyword === 'oneOf' && valid > 1) {
					const validSchemas = value.filter((_, i) => results[i].length === 0).map(pyRepr);
					add('oneOf', `${pyRepr(instance)} is valid under each of ${validSchemas.join(', ')}`);
				}
				break;
			}
			default:
				break; // annotations (definitions, description, title, ...)
		}
	}
	return errors;
}

export const isValid = (instance, schema) => iterErrors(instance, schema).length === 0;

/**
 * jsonschema.exceptions.best_match without descending into oneOf/anyOf contexts: the error
 * closest to the document root, preferring non-oneOf/anyOf errors; first one wins ties.
 */
export function bestMatch(errors) {
	const weak = new Set(['anyOf', 'oneOf']);
	let best;
	for (const error of errors) {
		if (!best) {
			best = error;
			continue;
		}
		const a = [-error.path.length, weak.has(error.validator) ? 0 : 1];
		const b = [-best.path.length, weak.has(best.validator) ? 0 : 1];
		if (a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])) best = error;
	}
	return best;
}

/** '/'.join(path) as the agency prints "key in ...: <where>" ("/" for the root). */
export const errorLocation = (error) => (error.path.length ? error.path.join('/') : '/');
