// Minimal command-line flag parser for the emulator entry points.
// Accepts `--name value`, `--name=value`, `--flag` / `--no-flag` for booleans; kebab-case names
// become camelCase keys ("--data-file" -> dataFile). Unknown flags are errors, so typos surface.

/**
 * @param {string[]} argv  usually process.argv.slice(2)
 * @param {Record<string, 'string'|'number'|'boolean'|'json'>} spec  kebab-case flag -> type
 * @returns {Record<string, unknown>} only the flags that were given
 */
export function parseFlags(argv, spec) {
	const out = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
		let name = arg.slice(2);
		let value;
		const eq = name.indexOf('=');
		if (eq >= 0) {
			value = name.slice(eq + 1);
			name = name.slice(0, eq);
		}
		let type = spec[name];
		if (
			!type &&
			name.startsWith('no-') &&
			spec[name.slice(3)] === 'boolean' &&
			value === undefined
		) {
			out[camelCase(name.slice(3))] = false;
			continue;
		}
		if (!type) throw new Error(`unknown flag "--${name}"`);
		if (type === 'boolean') {
			if (value === undefined && argv[i + 1] !== undefined && /^(true|false)$/i.test(argv[i + 1]))
				value = argv[++i];
			out[camelCase(name)] = value === undefined ? true : /^(true|1|yes)$/i.test(value);
			continue;
		}
		if (value === undefined) {
			if (i + 1 >= argv.length) throw new Error(`flag "--${name}" needs a value`);
			value = argv[++i];
		}
		out[camelCase(name)] = convert(name, type, value);
	}
	return out;
}

function convert(name, type, value) {
	if (type === 'number') {
		const n = Number(value);
		if (!Number.isFinite(n)) throw new Error(`flag "--${name}" needs a number, got "${value}"`);
		return n;
	}
	if (type === 'json') {
		try {
			return JSON.parse(value);
		} catch (e) {
			throw new Error(`flag "--${name}" needs JSON: ${e.message}`);
		}
	}
	return value;
}

export function camelCase(kebab) {
	return kebab.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
}
