// Decoders for HTML-form request bodies: application/x-www-form-urlencoded and
// multipart/form-data. Both return the fields as ordered [name, value] pairs, because form
// fields may repeat (`projects=main&projects=second`) and order matters to some servers.
// Multipart file parts come back as { filename, contentType, data: Buffer } values.

/** Decodes one urlencoded component: `+` is a space, bad %-escapes are kept literally. */
export function decodeFormComponent(text) {
	const spaced = text.replace(/\+/g, ' ');
	try {
		return decodeURIComponent(spaced);
	} catch {
		return spaced.replace(/%([0-9a-fA-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
	}
}

/** `a=1&b=2&a=3` -> [['a','1'],['b','2'],['a','3']]; blank values are kept. */
export function parseUrlEncoded(text) {
	const pairs = [];
	for (const part of String(text).split('&')) {
		if (part === '') continue;
		const eq = part.indexOf('=');
		const name = eq < 0 ? part : part.slice(0, eq);
		const value = eq < 0 ? '' : part.slice(eq + 1);
		pairs.push([decodeFormComponent(name), decodeFormComponent(value)]);
	}
	return pairs;
}

/** The boundary parameter of a multipart Content-Type, or null. */
export function multipartBoundary(contentType) {
	const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(String(contentType ?? ''));
	return match ? (match[1] ?? match[2]) : null;
}

/**
 * Splits a multipart/form-data body into [name, value] pairs. Throws an Error with a short
 * reason when the body is not valid multipart (no boundary, no closing delimiter).
 */
export function parseMultipart(buffer, contentType) {
	const boundary = multipartBoundary(contentType);
	if (!boundary) throw new Error('Invalid boundary in multipart: None');
	const delimiter = Buffer.from(`--${boundary}`);
	const pairs = [];
	let start = buffer.indexOf(delimiter);
	if (start < 0) throw new Error('Invalid multipart body: no opening boundary');
	for (;;) {
		let partStart = start + delimiter.length;
		if (buffer.slice(partStart, partStart + 2).toString() === '--') break; // closing delimiter
		if (buffer.slice(partStart, partStart + 2).toString() === '\r\n') partStart += 2;
		const next = buffer.indexOf(delimiter, partStart);
		if (next < 0) throw new Error('Invalid multipart body: no closing boundary');
		let part = buffer.slice(partStart, next);
		if (part.slice(-2).toString() === '\r\n') part = part.slice(0, -2);
		const headerEnd = part.indexOf('\r\n\r\n');
		const headerText = headerEnd < 0 ? part.toString('utf8') : part.slice(0, headerEnd).toString();
		const data = headerEnd < 0 ? Buffer.alloc(0) : part.slice(headerEnd + 4);
		const headers = {};
		for (const line of headerText.split('\r\n')) {
			const colon = line.indexOf(':');
			if (colon > 0)
				headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
		}
		const disposition = headers['content-disposition'] ?? '';
		const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
		const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
		if (name !== undefined) {
			pairs.push([
				name,
				filename === undefined
					? data.toString('utf8')
					: { filename, contentType: headers['content-type'] ?? null, data },
			]);
		}
		start = next;
	}
	return pairs;
}
