// A small subset of AQL, Agora's query language (reference A.12; the full "Database Search"
// chapter is not part of the seeds), enough for the examples the sources show:
//   exam.name ~ "brain" AND exam.start_time.year = 2024
//   parameter.EX_CARD_sync > 0 AND parameter.EX_GEO_voxel_size_m < 2
// Grammar:   query := or;  or := and (OR and)*;  and := not (AND not)*;
//            not := NOT not | "(" or ")" | path op value
//   path:    <type>.<field>[.<date part>] | parameter.<NAME>
//            types exam (study), series (serie), dataset, patient, folder, project, datafile
//   op:      = == != ~ (contains, case-insensitive) !~ > >= < <=
//   value:   "string" | 'string' | number | true | false | null
// The result type is the type of the first typed path (series when only parameters are
// used); other types are reached through the hierarchy (an exam matches `series.name ~ "T1"`
// when any of its series does). Errors are AqlError with a position, answered as 400.
import { dateParts, parseDateInput } from './dates.mjs';
import { kindOf } from './content-types.mjs';

export class AqlError extends Error {
	constructor(message, position) {
		super(position == null ? message : `AQL syntax error at position ${position}: ${message}`);
		this.position = position;
	}
}

const FIELDS = {
	exam: {
		id: 'number',
		name: 'text',
		description: 'text',
		uid: 'text',
		scanner_name: 'text',
		start_time: 'date',
		created_date: 'date',
		modified_date: 'date',
		vendor: 'number',
		locked: 'bool',
	},
	serie: {
		id: 'number',
		name: 'text',
		uid: 'text',
		time: 'date',
		acquisition_number: 'number',
		is_refscan: 'bool',
		created_date: 'date',
	},
	dataset: {
		id: 'number',
		name: 'text',
		type: 'number',
		mime_type: 'text',
		created_date: 'date',
		total_size: 'number',
	},
	patient: {
		id: 'number',
		name: 'text',
		patient_id: 'text',
		birth_date: 'date',
		sex: 'text',
		weight: 'number',
	},
	folder: { id: 'number', name: 'text', created_date: 'date' },
	project: { id: 'number', name: 'text', description: 'text' },
	datafile: {
		id: 'number',
		original_filename: 'text',
		relative_path: 'text',
		size: 'number',
		sha1: 'text',
		mime_type: 'text',
	},
};
const DATE_PARTS = new Set([
	'year',
	'month',
	'day',
	'hour',
	'minute',
	'second',
	'date',
	'time',
	'week_day',
]);
const OPERATORS = ['!=', '>=', '<=', '==', '!~', '=', '~', '>', '<'];

export function tokenize(text) {
	const s = String(text);
	const tokens = [];
	let i = 0;
	while (i < s.length) {
		const c = s[i];
		if (/\s/.test(c)) {
			i++;
			continue;
		}
		if (c === '(' || c === ')') {
			tokens.push({ type: c, pos: i });
			i++;
			continue;
		}
		if (c === '"' || c === "'") {
			let j = i + 1;
			let value = '';
			while (j < s.length && s[j] !== c) {
				if (s[j] === '\\' && j + 1 < s.length) j++;
				value += s[j++];
			}
			if (j >= s.length) throw new AqlError('unterminated string', i);
			tokens.push({ type: 'value', value, pos: i });
			i = j + 1;
			continue;
		}
		const num = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s.slice(i));
		if (num && (c !== '-' || /[\d.]/.test(s[i + 1] ?? ''))) {
			tokens.push({ type: 'value', value: Number(num[0]), pos: i });
			i += num[0].length;
			continue;
		}
		const op = OPERATORS.find((o) => s.startsWith(o, i));
		if (op) {
			tokens.push({ type: 'op', value: op === '==' ? '=' : op, pos: i });
			i += op.length;
			continue;
		}
		const word = /^[A-Za-z_][\w]*(\.[\w]+)*/.exec(s.slice(i));
		if (word) {
			const w = word[0];
			const upper = w.toUpperCase();
			if (['AND', 'OR', 'NOT'].includes(upper)) tokens.push({ type: upper, pos: i });
			else if (['true', 'false', 'null'].includes(w.toLowerCase()))
				tokens.push({
					type: 'value',
					value: w.toLowerCase() === 'null' ? null : w.toLowerCase() === 'true',
					pos: i,
				});
			else tokens.push({ type: 'path', value: w, pos: i });
			i += w.length;
			continue;
		}
		throw new AqlError(`unexpected character "${c}"`, i);
	}
	tokens.push({ type: 'end', pos: s.length });
	return tokens;
}

/** Parses a query into a tree; throws AqlError. */
export function parseAql(text) {
	if (typeof text !== 'string' || !text.trim()) throw new AqlError('the query is empty', 0);
	const tokens = tokenize(text);
	let k = 0;
	const peek = () => tokens[k];
	const take = () => tokens[k++];
	const describe = (tok) =>
		tok.type === 'end' ? 'the end of the query' : `"${String(text).slice(tok.pos).split(/\s/)[0]}"`;

	function parseOr() {
		let left = parseAnd();
		while (peek().type === 'OR') {
			take();
			left = { op: 'or', left, right: parseAnd() };
		}
		return left;
	}
	function parseAnd() {
		let left = parseNot();
		while (peek().type === 'AND') {
			take();
			left = { op: 'and', left, right: parseNot() };
		}
		return left;
	}
	function parseNot() {
		const tok = peek();
		if (tok.type === 'NOT') {
			take();
			return { op: 'not', expr: parseNot() };
		}
		if (tok.type === '(') {
			take();
			const inner = parseOr();
			if (peek().type !== ')')
				throw new AqlError(`expected ")" but found ${describe(peek())}`, peek().pos);
			take();
			return inner;
		}
		if (tok.type !== 'path')
			throw new AqlError(
				`expected an attribute such as exam.name but found ${describe(tok)}`,
				tok.pos,
			);
		take();
		const path = resolvePath(tok.value, tok.pos);
		const opTok = take();
		if (opTok.type !== 'op')
			throw new AqlError(
				`expected an operator (= != ~ !~ > >= < <=) but found ${describe(opTok)}`,
				opTok.pos,
			);
		const valueTok = take();
		if (valueTok.type !== 'value')
			throw new AqlError(
				`expected a value (a quoted string, a number, true, false or null) but found ${describe(valueTok)}`,
				valueTok.pos,
			);
		return { op: 'cmp', path, operator: opTok.value, value: valueTok.value };
	}

	const tree = parseOr();
	if (peek().type !== 'end')
		throw new AqlError(
			`expected AND, OR or the end of the query but found ${describe(peek())}`,
			peek().pos,
		);
	return tree;
}

function resolvePath(text, pos) {
	const parts = text.split('.');
	if (parts[0].toLowerCase() === 'parameter') {
		if (parts.length < 2)
			throw new AqlError('parameter needs a name, as in parameter.EX_ACQ_echoes', pos);
		return { kind: 'parameter', name: parts.slice(1).join('.'), text };
	}
	const kind = kindOf(parts[0]);
	if (!kind || !FIELDS[kind]) throw new AqlError(`unknown object type "${parts[0]}"`, pos);
	if (parts.length < 2)
		throw new AqlError(`"${parts[0]}" needs an attribute, as in ${parts[0]}.name`, pos);
	const field = parts[1];
	const type = FIELDS[kind][field];
	if (!type)
		throw new AqlError(
			`unknown attribute "${parts[0]}.${field}" (known: ${Object.keys(FIELDS[kind]).join(', ')})`,
			pos,
		);
	let part = null;
	if (parts.length > 2) {
		part = parts.slice(2).join('.');
		if (type !== 'date' || !DATE_PARTS.has(part))
			throw new AqlError(`"${part}" is not a part of ${parts[0]}.${field}`, pos);
	}
	if (parts.length > 3) throw new AqlError(`unknown attribute "${text}"`, pos);
	return { kind, field, type, part, text };
}

/** The result type of a query: the first typed path, else series. */
export function subjectOf(tree) {
	const walk = (node) => {
		if (!node) return null;
		if (node.op === 'cmp') return node.path.kind === 'parameter' ? null : node.path.kind;
		if (node.op === 'not') return walk(node.expr);
		return walk(node.left) ?? walk(node.right);
	};
	return walk(tree) ?? 'serie';
}

function compareOne(actual, operator, expected, type, part) {
	if (operator === '~' || operator === '!~') {
		if (actual == null || expected == null) return false;
		return String(actual).toLowerCase().includes(String(expected).toLowerCase());
	}
	if (expected === null) return actual == null;
	if (actual == null) return false;
	let a = actual;
	let b = expected;
	if (type === 'date' && (part == null || part === 'date')) {
		a = typeof actual === 'number' ? actual : Date.parse(actual);
		const exp = parseDateInput(expected);
		if (exp === null) return false;
		// `= "2024-01-15"` on a datetime means that day.
		if (/^\d{4}-\d{2}-\d{2}$/.test(String(expected).trim())) {
			const dayStart = exp;
			const dayEnd = exp + 86_400_000;
			const sameDay = a >= dayStart && a < dayEnd;
			if (operator === '=') return sameDay;
			if (operator === '!=') return !sameDay;
			if (operator === '>') return a >= dayEnd;
			if (operator === '>=') return a >= dayStart;
			if (operator === '<') return a < dayStart;
			if (operator === '<=') return a < dayEnd;
		}
		b = exp;
	} else if (typeof b === 'number' || (typeof a === 'number' && !Number.isNaN(Number(b)))) {
		a = Number(a);
		b = Number(b);
		if (Number.isNaN(a)) return false;
	} else if (typeof a === 'boolean' || typeof b === 'boolean') {
		a = String(a);
		b = String(b);
	}
	switch (operator) {
		case '=':
			return typeof a === 'string' && typeof b === 'string'
				? a.toLowerCase() === b.toLowerCase()
				: a === b;
		case '!=':
			return typeof a === 'string' && typeof b === 'string'
				? a.toLowerCase() !== b.toLowerCase()
				: a !== b;
		case '>':
			return a > b;
		case '>=':
			return a >= b;
		case '<':
			return a < b;
		case '<=':
			return a <= b;
		default:
			return false;
	}
}

/**
 * Evaluates a parsed query for one subject row.
 * @param {object} tree from parseAql
 * @param {{kind: string, row: object}} subject
 * @param {{related: (kind, row, target) => object[], parameters: (kind, row, name) => unknown[]}} graph
 */
export function matches(tree, subject, graph) {
	switch (tree.op) {
		case 'and':
			return matches(tree.left, subject, graph) && matches(tree.right, subject, graph);
		case 'or':
			return matches(tree.left, subject, graph) || matches(tree.right, subject, graph);
		case 'not':
			return !matches(tree.expr, subject, graph);
		default: {
			const { path, operator, value } = tree;
			let values;
			if (path.kind === 'parameter') {
				values = graph
					.parameters(subject.kind, subject.row, path.name)
					.flatMap((v) => (Array.isArray(v) ? v : [v]));
			} else {
				const rows =
					path.kind === subject.kind
						? [subject.row]
						: graph.related(subject.kind, subject.row, path.kind);
				values = rows.map((r) => {
					const v = r[path.field];
					if (!path.part) return v;
					const parts = dateParts(v);
					return parts ? parts[path.part] : null;
				});
			}
			const type = path.kind === 'parameter' ? null : path.type;
			const part = path.kind === 'parameter' ? null : path.part;
			const partType = part && part !== 'date' && part !== 'time' ? 'number' : type;
			if (operator === '!=' || operator === '!~') {
				const positive = operator === '!=' ? '=' : '~';
				return !values.some((v) => compareOne(v, positive, value, partType, part));
			}
			if (value === null && operator === '=')
				return values.length === 0 || values.some((v) => v == null);
			return values.some((v) => compareOne(v, operator, value, partType, part));
		}
	}
}
