/**
 * Builds the plain object for a YAML mapping without prototype pollution:
 * every key, `__proto__` and `constructor` included, becomes an own
 * enumerable property (set with `Object.defineProperty`, never `obj[key] =`),
 * and presence checks only look at own properties.
 */

export type YamlMapping = Record<string, unknown>;

const hasOwn = (object: object, key: string): boolean =>
	Object.prototype.hasOwnProperty.call(object, key);

function defineEntry(target: YamlMapping, key: string, value: unknown): void {
	Object.defineProperty(target, key, {
		value,
		writable: true,
		enumerable: true,
		configurable: true,
	});
}

/** True for the objects this parser produces for mappings (not arrays, not null). */
export function isYamlMapping(value: unknown): value is YamlMapping {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class MappingBuilder {
	readonly object: YamlMapping = {};
	/** Keys written in this mapping, as opposed to keys copied by `<<` merges. */
	private readonly ownKeys = new Set<string>();

	/** True when `key` was already written explicitly (a duplicate). */
	has(key: string): boolean {
		return this.ownKeys.has(key);
	}

	/** Writes an entry; an entry copied by an earlier merge is overwritten. */
	set(key: string, value: unknown): void {
		this.ownKeys.add(key);
		defineEntry(this.object, key, value);
	}

	/**
	 * Applies a merge key (`<<: *base` or `<<: [*a, *b]`): copies the entries
	 * of the source mapping(s) that this mapping does not have yet, so entries
	 * written in the mapping and earlier merge sources win.
	 *
	 * @returns false when the value is not a mapping or a sequence of mappings
	 */
	merge(source: unknown): boolean {
		const sources = Array.isArray(source) ? source : [source];
		if (!sources.every(isYamlMapping)) return false;
		for (const mapping of sources) {
			for (const key of Object.keys(mapping)) {
				if (!hasOwn(this.object, key)) defineEntry(this.object, key, mapping[key]);
			}
		}
		return true;
	}
}
