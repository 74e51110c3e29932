// Response writers shared by the emulators: JSON (optionally with sorted keys, like Flask's
// jsonify), text and HTML. HEAD requests get the headers and Content-Length but no body.

/**
 * JSON.stringify with object keys sorted recursively (Python `sort_keys=True`).
 * `asciiOnly` escapes every non-ASCII character as \uXXXX, like Python's `ensure_ascii=True`
 * (Flask's default), so byte-for-byte comparisons with the real server hold.
 */
export function stringifySorted(value, { asciiOnly = false } = {}) {
	const text = writeSorted(value);
	return asciiOnly ? escapeNonAscii(text) : text;
}

function writeSorted(value) {
	if (value === null || typeof value !== 'object') {
		// undefined/functions never reach here from our documents; map them to null like Python would fail
		return value === undefined ? 'null' : JSON.stringify(value);
	}
	if (Array.isArray(value)) return `[${value.map(writeSorted).join(',')}]`;
	if (typeof value.toJSON === 'function') return writeSorted(value.toJSON());
	const keys = Object.keys(value)
		.filter((k) => value[k] !== undefined)
		.sort();
	return `{${keys.map((k) => `${JSON.stringify(k)}:${writeSorted(value[k])}`).join(',')}}`;
}

/** Escapes what Python's ensure_ascii escapes beyond JSON.stringify: DEL and all non-ASCII. */
export function escapeNonAscii(jsonText) {
	return jsonText.replace(
		/[^\x20-\x7e\n\r\t]/g,
		(ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}

/** Writes a complete response. `chunked` omits Content-Length (Node then uses chunked encoding). */
export function sendBody(res, status, body, contentType, { headers = {}, chunked = false } = {}) {
	const buffer = Buffer.isBuffer(body) ? body : Buffer.from(String(body ?? ''), 'utf8');
	res.statusCode = status;
	if (contentType) res.setHeader('Content-Type', contentType);
	for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
	if (!chunked) res.setHeader('Content-Length', buffer.length);
	if (res.req?.method === 'HEAD' || buffer.length === 0) {
		res.end();
		return;
	}
	if (chunked) res.write(buffer);
	res.end(chunked ? undefined : buffer);
}

/** Sends JSON. Defaults follow Flask's jsonify: compact, sorted keys, trailing newline. */
export function sendJson(
	res,
	status,
	value,
	{ headers, sortKeys = true, asciiOnly = false, trailingNewline = true } = {},
) {
	let text = sortKeys ? stringifySorted(value, { asciiOnly }) : JSON.stringify(value);
	if (!sortKeys && asciiOnly) text = escapeNonAscii(text);
	if (trailingNewline) text += '\n';
	sendBody(res, status, text, 'application/json', { headers });
}

export function sendText(
	res,
	status,
	text,
	{ headers, contentType = 'text/plain; charset=utf-8', chunked } = {},
) {
	sendBody(res, status, text, contentType, { headers, chunked });
}

export function sendHtml(res, status, html, { headers } = {}) {
	sendBody(res, status, html, 'text/html; charset=utf-8', { headers });
}
