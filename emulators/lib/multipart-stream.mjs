// A streaming multipart/form-data reader, for request bodies too large to buffer (flow.js
// chunks of 100 MiB and more). The fields come back as strings; the first file part goes
// straight to a file on disk while it is hashed, so memory stays flat whatever the size.
//
// Two layers: `MultipartParser` is a pure state machine (push bytes, get events) so the
// boundary search across buffer borders can be unit-tested by splitting a body at every
// offset; `receiveMultipart()` drives it from a stream with backpressure and owns the file.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { multipartBoundary } from './form-body.mjs';

export class MultipartError extends Error {
	constructor(message) {
		super(message);
		this.name = 'MultipartError';
	}
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Events, in order: `{type:'part', name, filename, contentType, headers}`, zero or more
 * `{type:'data', data}` (slices of the pushed bytes, valid until the caller drops them),
 * `{type:'partEnd'}`; the closing delimiter ends parsing (anything after it is ignored).
 */
export class MultipartParser {
	constructor(boundary, { maxHeaderBytes = 16 * 1024 } = {}) {
		// Parts are separated by CRLF--boundary; the very first delimiter has no CRLF in front,
		// so the parser starts as if it had just seen one.
		this.delimiter = Buffer.from(`\r\n--${boundary}`);
		this.carry = CRLF;
		this.state = 'preamble';
		this.maxHeaderBytes = maxHeaderBytes;
	}

	get done() {
		return this.state === 'done';
	}

	push(chunk) {
		const events = [];
		if (this.state === 'done') return events;
		let buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
		const dlen = this.delimiter.length;
		for (;;) {
			if (this.state === 'preamble' || this.state === 'body') {
				const at = buf.indexOf(this.delimiter);
				if (at >= 0) {
					if (this.state === 'body') {
						if (at > 0) events.push({ type: 'data', data: buf.subarray(0, at) });
						events.push({ type: 'partEnd' });
					}
					buf = buf.subarray(at + dlen);
					this.state = 'boundary';
					continue;
				}
				// No delimiter: everything but a possible delimiter prefix at the end is data.
				const safe = buf.length - (dlen - 1);
				if (safe > 0) {
					if (this.state === 'body') events.push({ type: 'data', data: buf.subarray(0, safe) });
					buf = buf.subarray(safe);
				}
				break;
			}
			if (this.state === 'boundary') {
				// After a delimiter: `--` closes the body, CRLF starts a part; RFC 2046 allows
				// spaces and tabs in between (transport padding).
				let i = 0;
				while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
				if (buf.length - i < 2) {
					buf = buf.subarray(i);
					break;
				}
				if (buf[i] === 0x2d && buf[i + 1] === 0x2d) {
					this.state = 'done';
					buf = Buffer.alloc(0);
					break;
				}
				if (buf[i] !== 0x0d || buf[i + 1] !== 0x0a)
					throw new MultipartError('Invalid multipart body: bad boundary line');
				buf = buf.subarray(i + 2);
				this.state = 'headers';
				continue;
			}
			if (this.state === 'headers') {
				let headerText;
				if (buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a) {
					headerText = ''; // a part without headers
					buf = buf.subarray(2);
				} else {
					const end = buf.indexOf(HEADER_END);
					if (end < 0) {
						if (buf.length > this.maxHeaderBytes)
							throw new MultipartError('Invalid multipart body: part headers too long');
						break;
					}
					headerText = buf.subarray(0, end).toString('utf8');
					buf = buf.subarray(end + 4);
				}
				events.push({ type: 'part', ...parsePartHeaders(headerText) });
				this.state = 'body';
				continue;
			}
			break;
		}
		// Keep the undecided tail (a copy, so the caller's chunk can be released).
		this.carry = Buffer.from(buf);
		return events;
	}

	/** Call at the end of the input; throws when the closing delimiter never came. */
	end() {
		if (this.state !== 'done')
			throw new MultipartError('Invalid multipart body: no closing boundary');
		return [];
	}
}

/** Headers of one part: Content-Disposition's name and filename (also RFC 5987 filename*). */
export function parsePartHeaders(text) {
	const headers = {};
	for (const line of text.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon > 0)
			headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	const params = {};
	const re = /;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
	for (const m of (headers['content-disposition'] ?? '').matchAll(re)) {
		let value = m[2].trim();
		if (value.startsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
		params[m[1].toLowerCase()] = value;
	}
	let filename = params.filename;
	const extended = /^([\w-]+)'[^']*'(.*)$/.exec(params['filename*'] ?? '');
	if (extended) {
		try {
			filename = decodeURIComponent(extended[2]);
		} catch {
			/* keep the plain filename */
		}
	}
	return {
		name: params.name,
		filename,
		contentType: headers['content-type'] ?? null,
		headers,
	};
}

/**
 * Reads a multipart body from `source` (an async iterable of Buffers, e.g. a request).
 * The first file part is written to a new file in `tmpDir` while its SHA-256 is computed;
 * further file parts are counted and dropped. Fields larger than `maxFieldBytes` are an error.
 * On any error the file is removed and the error rethrown.
 * @returns {Promise<{fields: [string, string][], file: null|{field, filename, contentType,
 *   path, size, sha256}, skippedFiles: {field, filename, size}[], bytes: number}>}
 */
export async function receiveMultipart(
	source,
	contentType,
	{ tmpDir, maxFieldBytes = 1024 * 1024 } = {},
) {
	const boundary = multipartBoundary(contentType);
	if (!boundary) throw new MultipartError('Invalid boundary in multipart: None');
	const parser = new MultipartParser(boundary);
	const fields = [];
	const skippedFiles = [];
	let file = null;
	let current = null; // {kind: 'field'|'file'|'skip', ...}
	let out = null;
	let writeError = null;
	let bytes = 0;

	async function handle(ev) {
		if (ev.type === 'part') {
			if (ev.name === undefined) current = { kind: 'skip', field: null, filename: null, size: 0 };
			else if (ev.filename === undefined)
				current = { kind: 'field', name: ev.name, chunks: [], size: 0 };
			else if (file) current = { kind: 'skip', field: ev.name, filename: ev.filename, size: 0 };
			else {
				const path = join(tmpDir, `part-${randomBytes(8).toString('hex')}`);
				file = {
					field: ev.name,
					filename: ev.filename,
					contentType: ev.contentType,
					path,
					size: 0,
					sha256: '',
				};
				current = { kind: 'file', hash: createHash('sha256') };
				out = createWriteStream(path);
				out.on('error', (e) => {
					writeError = e;
				});
			}
			return;
		}
		if (ev.type === 'data') {
			current.size = (current.size ?? 0) + ev.data.length;
			if (current.kind === 'field') {
				if (current.size > maxFieldBytes)
					throw new MultipartError(`field "${current.name}" is larger than ${maxFieldBytes} bytes`);
				current.chunks.push(Buffer.from(ev.data));
			} else if (current.kind === 'file') {
				current.hash.update(ev.data);
				file.size += ev.data.length;
				if (writeError) throw writeError;
				// Backpressure: stop pulling from the socket until the disk caught up.
				if (!out.write(ev.data)) await once(out, 'drain');
			}
			return;
		}
		// partEnd
		if (current.kind === 'field')
			fields.push([current.name, Buffer.concat(current.chunks).toString('utf8')]);
		else if (current.kind === 'skip')
			skippedFiles.push({ field: current.field, filename: current.filename, size: current.size });
		else if (current.kind === 'file') {
			file.sha256 = current.hash.digest('hex');
			out.end();
			await once(out, 'close');
			if (writeError) throw writeError;
			out = null;
		}
		current = null;
	}

	try {
		for await (const chunk of source) {
			bytes += chunk.length;
			for (const ev of parser.push(chunk)) await handle(ev);
		}
		parser.end();
		return { fields, file, skippedFiles, bytes };
	} catch (e) {
		// Wait for the file to be closed (it may still be opening) before removing it.
		if (out && !out.closed) {
			const closed = new Promise((resolve) => out.once('close', resolve));
			out.destroy();
			await closed;
		}
		if (file) rmSync(file.path, { force: true });
		throw e;
	}
}
