// A small YAML emitter (block style, like PyYAML's safe_dump) for GET /api/schema, which
// drf-spectacular serves as YAML unless JSON is asked for.

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_ ./{}-]*$/;
const RESERVED = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', '~']);

function scalar(value) {
	if (value === null || value === undefined) return 'null';
	if (typeof value === 'boolean' || typeof value === 'number') return String(value);
	const text = String(value);
	if (text !== '' && PLAIN.test(text) && !RESERVED.has(text.toLowerCase()) && !text.endsWith(' '))
		return text;
	// JSON's string syntax is a valid YAML double-quoted scalar (escapes, newlines).
	return JSON.stringify(text);
}

function emit(value, indent, out) {
	const pad = '  '.repeat(indent);
	if (Array.isArray(value)) {
		if (value.length === 0) return out.push(`${pad}[]`);
		for (const item of value) {
			if (item !== null && typeof item === 'object' && Object.keys(item).length) {
				const lines = [];
				emit(item, indent + 1, lines);
				out.push(`${pad}- ${lines[0].trimStart()}`, ...lines.slice(1));
			} else out.push(`${pad}- ${isEmpty(item) ? emptyOf(item) : scalar(item)}`);
		}
		return undefined;
	}
	if (value !== null && typeof value === 'object') {
		const keys = Object.keys(value);
		if (keys.length === 0) return out.push(`${pad}{}`);
		for (const key of keys) {
			const v = value[key];
			if (v !== null && typeof v === 'object' && !isEmpty(v)) {
				out.push(`${pad}${scalar(key)}:`);
				emit(v, Array.isArray(v) ? indent : indent + 1, out);
			} else out.push(`${pad}${scalar(key)}: ${isEmpty(v) ? emptyOf(v) : scalar(v)}`);
		}
		return undefined;
	}
	return out.push(`${pad}${scalar(value)}`);
}

const isEmpty = (v) => v !== null && typeof v === 'object' && Object.keys(v).length === 0;
const emptyOf = (v) => (Array.isArray(v) ? '[]' : '{}');

export function toYaml(value) {
	const out = [];
	emit(value, 0, out);
	return `${out.join('\n')}\n`;
}
