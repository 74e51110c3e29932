// A JSON parser that fails exactly like CPython's `json.loads` (the C scanner of Python 3.12):
// same messages ("Expecting value", "Expecting ',' delimiter", "Extra data", ...) at the same
// positions, formatted "<msg>: line L column C (char P)". Python servers (Django REST
// framework, Flask) echo these messages in their 400 answers, so an emulator that wants to
// answer malformed JSON like the real server needs them. Also accepts NaN/Infinity the way
// Python does; `strictConstants` rejects them like DRF's JSONParser.

export class PythonJsonError extends Error {
	constructor(msg, doc, pos) {
		const lineno = countNewlines(doc, pos) + 1;
		const lastNewline = doc.lastIndexOf('\n', pos - 1);
		const colno = lastNewline < 0 ? pos + 1 : pos - lastNewline;
		super(`${msg}: line ${lineno} column ${colno} (char ${pos})`);
		this.name = 'PythonJsonError';
		this.msg = msg;
		this.pos = pos;
	}
}

function countNewlines(doc, pos) {
	let n = 0;
	for (let i = 0; i < pos && i < doc.length; i++) if (doc.charCodeAt(i) === 10) n++;
	return n;
}

class StopIteration {
	constructor(idx) {
		this.idx = idx;
	}
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Parses `text` like Python's json.loads. Throws PythonJsonError (message as Python's
 * JSONDecodeError) or, with `strictConstants`, an Error for NaN/Infinity like DRF.
 */
export function parsePythonJson(text, { strictConstants = false } = {}) {
	const s = String(text);
	const end = s.length - 1;

	const skip = (idx) => {
		while (idx <= end && WHITESPACE.has(s[idx])) idx++;
		return idx;
	};

	function constant(name, value) {
		if (strictConstants)
			throw new Error(`Out of range float values are not JSON compliant: '${name}'`);
		return value;
	}

	function scanString(start) {
		// `start` is just after the opening quote.
		const begin = start - 1;
		let out = '';
		let idx = start;
		for (;;) {
			let next = idx;
			while (next <= end) {
				const c = s[next];
				if (c === '"' || c === '\\') break;
				if (s.charCodeAt(next) <= 0x1f)
					throw new PythonJsonError('Invalid control character at', s, next);
				next++;
			}
			if (next > end) throw new PythonJsonError('Unterminated string starting at', s, begin);
			out += s.slice(idx, next);
			if (s[next] === '"') return [out, next + 1];
			next++; // past the backslash
			if (next > end) throw new PythonJsonError('Unterminated string starting at', s, begin);
			const c = s[next];
			if (c !== 'u') {
				if (!(c in ESCAPES)) throw new PythonJsonError('Invalid \\escape', s, next - 1);
				out += ESCAPES[c];
				idx = next + 1;
				continue;
			}
			const hex = s.slice(next + 1, next + 5);
			if (!/^[0-9a-fA-F]{4}$/.test(hex))
				throw new PythonJsonError('Invalid \\uXXXX escape', s, next - 1);
			let code = parseInt(hex, 16);
			idx = next + 5;
			if (code >= 0xd800 && code <= 0xdbff && s[idx] === '\\' && s[idx + 1] === 'u') {
				const low = s.slice(idx + 2, idx + 6);
				if (!/^[0-9a-fA-F]{4}$/.test(low))
					throw new PythonJsonError('Invalid \\uXXXX escape', s, idx + 1);
				const lowCode = parseInt(low, 16);
				if (lowCode >= 0xdc00 && lowCode <= 0xdfff) {
					code = 0x10000 + ((code - 0xd800) << 10) + (lowCode - 0xdc00);
					idx += 6;
				}
			}
			out += String.fromCodePoint(code);
		}
	}

	function matchNumber(start) {
		let idx = start;
		if (s[idx] === '-') {
			idx++;
			if (idx > end) throw new StopIteration(start);
		}
		if (s[idx] >= '1' && s[idx] <= '9') {
			while (idx <= end && s[idx] >= '0' && s[idx] <= '9') idx++;
		} else if (s[idx] === '0') {
			idx++;
		} else {
			throw new StopIteration(start);
		}
		let isFloat = false;
		if (idx < end && s[idx] === '.' && s[idx + 1] >= '0' && s[idx + 1] <= '9') {
			isFloat = true;
			idx += 2;
			while (idx <= end && s[idx] >= '0' && s[idx] <= '9') idx++;
		}
		if (idx < end && (s[idx] === 'e' || s[idx] === 'E')) {
			const eStart = idx;
			idx++;
			if (idx < end && (s[idx] === '-' || s[idx] === '+')) idx++;
			const digitsStart = idx;
			while (idx <= end && s[idx] >= '0' && s[idx] <= '9') idx++;
			if (idx > digitsStart) isFloat = true;
			else idx = eStart;
		}
		const literal = s.slice(start, idx);
		return [isFloat ? Number.parseFloat(literal) : Number(literal), idx];
	}

	function scanOnce(idx) {
		if (idx > end) throw new StopIteration(idx);
		const c = s[idx];
		if (c === '"') return scanString(idx + 1);
		if (c === '{') return parseObject(idx + 1);
		if (c === '[') return parseArray(idx + 1);
		if (c === 'n' && s.startsWith('null', idx)) return [null, idx + 4];
		if (c === 't' && s.startsWith('true', idx)) return [true, idx + 4];
		if (c === 'f' && s.startsWith('false', idx)) return [false, idx + 5];
		if (c === 'N' && s.startsWith('NaN', idx)) return [constant('NaN', NaN), idx + 3];
		if (c === 'I' && s.startsWith('Infinity', idx))
			return [constant('Infinity', Infinity), idx + 8];
		if (c === '-' && s.startsWith('-Infinity', idx))
			return [constant('-Infinity', -Infinity), idx + 9];
		return matchNumber(idx);
	}

	function parseObject(start) {
		const obj = {};
		let idx = skip(start);
		if (idx > end || s[idx] !== '}') {
			for (;;) {
				if (idx > end || s[idx] !== '"')
					throw new PythonJsonError('Expecting property name enclosed in double quotes', s, idx);
				let key;
				[key, idx] = scanString(idx + 1);
				idx = skip(idx);
				if (idx > end || s[idx] !== ':')
					throw new PythonJsonError("Expecting ':' delimiter", s, idx);
				idx = skip(idx + 1);
				let value;
				[value, idx] = scanOnce(idx);
				// Plain assignment of "__proto__" would change the prototype instead.
				Object.defineProperty(obj, key, {
					value,
					enumerable: true,
					writable: true,
					configurable: true,
				});
				idx = skip(idx);
				if (idx <= end && s[idx] === '}') break;
				if (idx > end || s[idx] !== ',')
					throw new PythonJsonError("Expecting ',' delimiter", s, idx);
				idx = skip(idx + 1);
			}
		}
		return [obj, idx + 1];
	}

	function parseArray(start) {
		const arr = [];
		let idx = skip(start);
		if (idx > end || s[idx] !== ']') {
			for (;;) {
				let value;
				[value, idx] = scanOnce(idx);
				arr.push(value);
				idx = skip(idx);
				if (idx <= end && s[idx] === ']') break;
				if (idx > end || s[idx] !== ',')
					throw new PythonJsonError("Expecting ',' delimiter", s, idx);
				idx = skip(idx + 1);
			}
		}
		if (idx > end || s[idx] !== ']') throw new PythonJsonError('Expecting value', s, end);
		return [arr, idx + 1];
	}

	let value;
	let idx = skip(0);
	try {
		[value, idx] = scanOnce(idx);
	} catch (e) {
		if (e instanceof StopIteration) throw new PythonJsonError('Expecting value', s, e.idx);
		throw e;
	}
	idx = skip(idx);
	if (idx !== s.length) throw new PythonJsonError('Extra data', s, idx);
	return value;
}
