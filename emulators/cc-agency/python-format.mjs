// Python-compatible text: repr() of JSON values, json.dumps of a string (ensure_ascii), type
// names, and the traceback flattening of cc_core's exception_format(). Several CC-Agency
// error bodies embed these, so the emulator has to produce them the same way.

/** repr() of a JSON-decoded value as CPython prints it (dict order = insertion order). */
export function pyRepr(value) {
	if (value === null || value === undefined) return 'None';
	if (value === true) return 'True';
	if (value === false) return 'False';
	if (typeof value === 'number') return pyNumberRepr(value);
	if (typeof value === 'string') return pyStrRepr(value);
	if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
	return `{${Object.entries(value)
		.map(([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v)}`)
		.join(', ')}}`;
}

/** str() of a value as used in format strings ('{}'.format(x)). */
export function pyStr(value) {
	return typeof value === 'string' ? value : pyRepr(value);
}

function pyNumberRepr(n) {
	if (Number.isNaN(n)) return 'nan';
	if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
	// JSON cannot tell 5 from 5.0 once parsed; integers print as Python ints.
	if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
	const [mantissa, expText] = n.toExponential().split('e');
	const exp = Number(expText);
	if (exp < -4 || exp >= 16) {
		return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
	}
	return String(n);
}

function pyStrRepr(s) {
	const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
	let out = quote;
	for (const ch of s) {
		const cp = ch.codePointAt(0);
		if (ch === quote || ch === '\\') out += `\\${ch}`;
		else if (ch === '\n') out += '\\n';
		else if (ch === '\r') out += '\\r';
		else if (ch === '\t') out += '\\t';
		else if (cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp === 0xad)
			out += `\\x${cp.toString(16).padStart(2, '0')}`;
		else if ((cp >= 0xd800 && cp <= 0xdfff) || cp === 0x2028 || cp === 0x2029)
			out += `\\u${cp.toString(16).padStart(4, '0')}`;
		else out += ch;
	}
	return out + quote;
}

/** type(value).__name__ for a JSON-decoded value. */
export function pyTypeName(value) {
	if (value === null || value === undefined) return 'NoneType';
	if (typeof value === 'boolean') return 'bool';
	if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
	if (typeof value === 'string') return 'str';
	if (Array.isArray(value)) return 'list';
	return 'dict';
}

/** Python truthiness of a JSON value (`not request.json`). */
export function pyTruthy(value) {
	if (value === null || value === undefined || value === false || value === 0 || value === '')
		return false;
	if (Array.isArray(value)) return value.length > 0;
	if (typeof value === 'object') return Object.keys(value).length > 0;
	return true;
}

/** json.dumps(text) with Python's defaults (ensure_ascii=True). No trailing newline. */
export function pyJsonDumpsString(text) {
	return JSON.stringify(String(text)).replace(
		/[^\x20-\x7e]/g,
		(ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}

/**
 * What cc_core.commons.exceptions.exception_format() makes of a traceback: secret values
 * masked, every quote character removed, trailing blanks stripped, leading indentation
 * divided by four, empty lines dropped. Returns the lines joined with "\n".
 *
 * @param {{file: string, line: number, func: string, code: string}[]} frames innermost last
 * @param {string} exceptionLine e.g. "cc_core.commons.exceptions.EngineError: message"
 * @param {unknown[]} secretValues values found under protected keys
 */
export function formatTraceback(frames, exceptionLine, secretValues = []) {
	let text = 'Traceback (most recent call last):\n';
	for (const f of frames)
		text += `  File "${f.file}", line ${f.line}, in ${f.func}\n    ${f.code}\n`;
	text += `${exceptionLine}\n`;
	for (const secret of secretValues) {
		// Upstream joins the values into one regex; literal replacement avoids its pitfalls
		// (an empty secret there would mask between every character).
		if (typeof secret === 'string' && secret !== '') text = text.split(secret).join('********');
	}
	return text
		.split('\n')
		.filter((line) => line !== '')
		.map((line) => {
			const cleaned = line.replace(/["']/g, '').trimEnd();
			const stripped = cleaned.trimStart();
			return ' '.repeat(Math.floor((cleaned.length - stripped.length) / 4)) + stripped;
		})
		.filter((line) => line !== '')
		.join('\n');
}

/** json.dumps(value) with Python's default separators (", ", ": "), insertion order, ensure_ascii. */
export function pyJsonDumps(value) {
	if (value === null || value === undefined) return 'null';
	if (typeof value === 'string') return pyJsonDumpsString(value);
	if (typeof value !== 'object') return JSON.stringify(value);
	if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
	return `{${Object.entries(value)
		.map(([k, v]) => `${pyJsonDumpsString(k)}: ${pyJsonDumps(v)}`)
		.join(', ')}}`;
}
