/**
 * YAML 1.2 core schema: how scalar text becomes null, booleans, numbers or
 * strings, how the standard `!!` tags change that, and how keys become
 * JavaScript property names.
 */

/** Prefix of the standard tags; `!!int` is shorthand for `tag:yaml.org,2002:int`. */
export const STANDARD_TAG_PREFIX = 'tag:yaml.org,2002:';

export const TAG = {
	str: `${STANDARD_TAG_PREFIX}str`,
	int: `${STANDARD_TAG_PREFIX}int`,
	float: `${STANDARD_TAG_PREFIX}float`,
	bool: `${STANDARD_TAG_PREFIX}bool`,
	null: `${STANDARD_TAG_PREFIX}null`,
	map: `${STANDARD_TAG_PREFIX}map`,
	seq: `${STANDARD_TAG_PREFIX}seq`,
	/** The non-specific tag `!`: "this is a string, do not resolve it". */
	nonSpecific: '!',
} as const;

/** How a scalar was written; only plain scalars are resolved by their text. */
export type ScalarStyle = 'plain' | 'quoted' | 'block';

/** A scalar as JavaScript sees it. */
export type ScalarValue = string | number | boolean | null;

const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const TRUE_RE = /^(?:[Tt]rue|TRUE)$/;
const FALSE_RE = /^(?:[Ff]alse|FALSE)$/;
const DECIMAL_INT_RE = /^[-+]?[0-9]+$/;
const OCTAL_INT_RE = /^0o[0-7]+$/;
const HEX_INT_RE = /^0x[0-9a-fA-F]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const INFINITY_RE = /^[-+]?\.(?:inf|Inf|INF)$/;
const NAN_RE = /^\.(?:nan|NaN|NAN)$/;

function resolveNull(text: string): null | undefined {
	return NULL_RE.test(text) ? null : undefined;
}

function resolveBool(text: string): boolean | undefined {
	if (TRUE_RE.test(text)) return true;
	if (FALSE_RE.test(text)) return false;
	return undefined;
}

function resolveInt(text: string): number | undefined {
	if (DECIMAL_INT_RE.test(text)) return parseInt(text, 10);
	if (OCTAL_INT_RE.test(text)) return parseInt(text.slice(2), 8);
	if (HEX_INT_RE.test(text)) return parseInt(text.slice(2), 16);
	return undefined;
}

function resolveFloat(text: string): number | undefined {
	if (FLOAT_RE.test(text)) return parseFloat(text);
	if (INFINITY_RE.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
	if (NAN_RE.test(text)) return NaN;
	return undefined;
}

/** Resolves an untagged plain scalar: `~` → null, `true` → true, `0x1F` → 31, `v1.0` → "v1.0". */
export function resolvePlainScalar(text: string): ScalarValue {
	const asNull = resolveNull(text);
	if (asNull === null) return null;
	const asBool = resolveBool(text);
	if (asBool !== undefined) return asBool;
	const asInt = resolveInt(text);
	if (asInt !== undefined) return asInt;
	const asFloat = resolveFloat(text);
	if (asFloat !== undefined) return asFloat;
	return text;
}

/**
 * Gives a scalar its value.
 *
 * - Without a tag, plain scalars are resolved by the core schema and quoted
 *   or block scalars stay strings.
 * - `!!str`, `!!int`, `!!float`, `!!bool` and `!!null` force a type; text that
 *   does not fit the type is an error (`!!int abc`).
 * - Any other tag (`!`, `!local`, `!!binary`, …) keeps the text as a string.
 *
 * @param fail builds the error to throw for an invalid value or a misused tag
 */
export function resolveScalar(
	text: string,
	style: ScalarStyle,
	tag: string | undefined,
	fail: (reason: string) => Error,
): ScalarValue {
	if (tag === undefined) return style === 'plain' ? resolvePlainScalar(text) : text;

	let value: ScalarValue | undefined;
	switch (tag) {
		case TAG.str:
			return text;
		case TAG.null:
			value = resolveNull(text);
			break;
		case TAG.bool:
			value = resolveBool(text);
			break;
		case TAG.int:
			value = resolveInt(text);
			break;
		case TAG.float:
			value = resolveFloat(text) ?? resolveInt(text);
			break;
		case TAG.map:
		case TAG.seq:
			throw fail(`Tag ${shortTagName(tag)} cannot be applied to a scalar`);
		default:
			return text;
	}
	if (value === undefined) {
		throw fail(`Invalid ${shortTagName(tag)} value ${JSON.stringify(text)}`);
	}
	return value;
}

/** `tag:yaml.org,2002:int` → `!!int`, for messages. */
export function shortTagName(tag: string): string {
	return tag.startsWith(STANDARD_TAG_PREFIX) ? `!!${tag.slice(STANDARD_TAG_PREFIX.length)}` : tag;
}

/**
 * The JavaScript property name for a scalar key, as `YAML.parse` produces
 * it: `null` → `""`, `1.10` → `"1.1"`, `true` → `"true"`.
 */
export function keyToPropertyName(key: ScalarValue): string {
	return key === null ? '' : String(key);
}
