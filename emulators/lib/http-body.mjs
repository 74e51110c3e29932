// Reads a request body into one Buffer, with a size limit.
// Why drain instead of destroying the stream on overflow: destroying the socket would also kill
// the error response we still want to send (413), so extra bytes are read and thrown away.

export class BodyTooLargeError extends Error {
	constructor(limitBytes) {
		super(`request body larger than ${limitBytes} bytes`);
		this.name = 'BodyTooLargeError';
		this.limitBytes = limitBytes;
	}
}

/** Resolves with the whole body as a Buffer; rejects with BodyTooLargeError past `limitBytes`. */
export function readBody(req, { limitBytes = 16 * 1024 * 1024 } = {}) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > limitBytes) tooLarge = true;
			if (!tooLarge) chunks.push(chunk);
		});
		req.on('end', () => {
			if (tooLarge) reject(new BodyTooLargeError(limitBytes));
			else resolve(Buffer.concat(chunks, size));
		});
		req.on('error', reject);
	});
}

/** True when a Content-Type header names JSON (`application/json` or `application/*+json`). */
export function isJsonContentType(contentType) {
	const mime = String(contentType ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}
