// Request bodies the way Django REST framework's parsers see them (`request.data`): JSON,
// application/x-www-form-urlencoded and multipart/form-data decode to one accessor, anything
// else is a 415. Why one accessor: DRF views read `request.data['ids']` whatever the client
// sent, and clients of the same server mix encodings (GyroTools' Python connector sends forms
// where its MATLAB connector sends JSON), so an emulator must answer both the same way.
// JSON errors carry CPython's messages because DRF echoes them ("JSON parse error - ...").
import { parseMultipart, parseUrlEncoded } from './form-body.mjs';
import { parsePythonJson } from './python-json.mjs';

/** A body that cannot be decoded; `status` is 400 (malformed) or 415 (unsupported type). */
export class BodyDecodeError extends Error {
	constructor(status, message) {
		super(message);
		this.name = 'BodyDecodeError';
		this.status = status;
	}
}

export function mediaType(contentType) {
	return String(contentType ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
}

/** What `request.data` holds: a JSON value, or a form (QueryDict: ordered, repeatable keys). */
export class RequestData {
	/** @param {'json'|'form'} kind @param {unknown} value JSON value, or [name, value] pairs */
	constructor(kind, value) {
		this.kind = kind;
		this.value = value;
	}

	static empty() {
		return new RequestData('json', {});
	}

	get isForm() {
		return this.kind === 'form';
	}

	/** True when the body is a mapping (a JSON object or a form). */
	get isMapping() {
		if (this.isForm) return true;
		return this.value !== null && typeof this.value === 'object' && !Array.isArray(this.value);
	}

	has(name) {
		if (this.isForm) return this.value.some(([k]) => k === name);
		return this.isMapping && Object.prototype.hasOwnProperty.call(this.value, name);
	}

	/** The value; a form's last value for the key (QueryDict.__getitem__). */
	get(name) {
		if (this.isForm) {
			const hits = this.value.filter(([k]) => k === name);
			return hits.length ? hits[hits.length - 1][1] : undefined;
		}
		return this.has(name) ? this.value[name] : undefined;
	}

	/** A form's repeated values (QueryDict.getlist); a JSON array as is, a JSON scalar as [x]. */
	getList(name) {
		if (this.isForm) return this.value.filter(([k]) => k === name).map(([, v]) => v);
		const v = this.get(name);
		if (v === undefined) return [];
		return Array.isArray(v) ? v : [v];
	}

	keys() {
		if (this.isForm) return [...new Set(this.value.map(([k]) => k))];
		return this.isMapping ? Object.keys(this.value) : [];
	}

	/** A plain object: JSON as is; a form with each key's last value (file parts included). */
	toObject() {
		if (!this.isForm) return this.isMapping ? { ...this.value } : {};
		const out = {};
		for (const [k, v] of this.value) out[k] = v;
		return out;
	}
}

/**
 * Decodes a complete body. An empty body is an empty mapping (DRF skips parsing then).
 * @param {Buffer} buffer
 * @param {string|undefined} contentType
 * @param {{strictConstants?: boolean}} [options] reject NaN/Infinity like DRF's JSONParser
 * @returns {RequestData}
 */
export function decodeRequestBody(buffer, contentType, { strictConstants = true } = {}) {
	const type = mediaType(contentType);
	if (buffer.length === 0) {
		return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data'
			? new RequestData('form', [])
			: RequestData.empty();
	}
	if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) {
		let text;
		try {
			text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
		} catch {
			const bad = buffer.findIndex((b) => b >= 0x80);
			throw new BodyDecodeError(
				400,
				`JSON parse error - 'utf-8' codec can't decode byte 0x${buffer[bad].toString(16)} in position ${bad}: invalid start byte`,
			);
		}
		try {
			return new RequestData('json', parsePythonJson(text, { strictConstants }));
		} catch (e) {
			throw new BodyDecodeError(400, `JSON parse error - ${e.message}`);
		}
	}
	if (type === 'application/x-www-form-urlencoded')
		return new RequestData('form', parseUrlEncoded(buffer.toString('utf8')));
	if (type === 'multipart/form-data') {
		try {
			return new RequestData('form', parseMultipart(buffer, contentType));
		} catch (e) {
			throw new BodyDecodeError(400, `Multipart form parse error - ${e.message}`);
		}
	}
	throw new BodyDecodeError(415, `Unsupported media type "${contentType ?? ''}" in request.`);
}

/**
 * A short, JSON-safe description of a body for request logs: text bodies (JSON, forms,
 * text/*) up to `maxText` characters, multipart as its fields with file parts reduced to
 * name, filename and size, anything else as its size only.
 */
export function describeBody(buffer, contentType, { maxText = 8192 } = {}) {
	if (!buffer || buffer.length === 0) return null;
	const type = mediaType(contentType);
	const out = { contentType: contentType ?? null, size: buffer.length };
	if (type === 'multipart/form-data') {
		try {
			out.fields = parseMultipart(buffer, contentType).map(([name, value]) =>
				typeof value === 'string'
					? { name, value: value.length > maxText ? `${value.slice(0, maxText)}…` : value }
					: { name, filename: value.filename, size: value.data.length },
			);
		} catch {
			/* not valid multipart: size only */
		}
		return out;
	}
	const textual =
		type === '' ||
		type.startsWith('text/') ||
		type === 'application/x-www-form-urlencoded' ||
		type.endsWith('json') ||
		type.endsWith('xml');
	if (textual) {
		const text = buffer.subarray(0, maxText * 4).toString('utf8');
		out.text = text.length > maxText ? `${text.slice(0, maxText)}…` : text;
	}
	return out;
}
