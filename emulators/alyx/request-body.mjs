// Request bodies as DRF's parsers see them (reference §1): JSON (with Python's error
// messages), urlencoded and multipart forms; anything else is 415. Parsing is lazy, like
// `request.data`: a handler that never reads the body never fails on it.
import { readBody } from '../lib/http-body.mjs';
import { parseMultipart, parseUrlEncoded } from '../lib/form-body.mjs';
import { parsePythonJson } from '../lib/python-json.mjs';
import { drfError } from './errors.mjs';

/** Python type names used in DRF messages ("Expected a dictionary, but got str."). */
export function pythonTypeName(value) {
	if (value === null) return 'NoneType';
	if (Array.isArray(value)) return 'list';
	if (typeof value === 'string') return 'str';
	if (typeof value === 'boolean') return 'bool';
	if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
	return 'dict';
}

/** What `request.data` holds: a JSON value or a form (QueryDict with repeatable keys). */
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

	/** The value (a form's last value for the key, like QueryDict.__getitem__). */
	get(name) {
		if (this.isForm) {
			const hits = this.value.filter(([k]) => k === name);
			return hits.length ? hits[hits.length - 1][1] : undefined;
		}
		return this.has(name) ? this.value[name] : undefined;
	}

	/** A form's repeated values (QueryDict.getlist); a JSON value as is. */
	getList(name) {
		if (this.isForm) return this.value.filter(([k]) => k === name).map(([, v]) => v);
		return this.get(name);
	}

	keys() {
		if (this.isForm) return [...new Set(this.value.map(([k]) => k))];
		return this.isMapping ? Object.keys(this.value) : [];
	}
}

function mediaType(contentType) {
	return String(contentType ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
}

/** Reads and parses the body of `req` like DRF's request.data. Throws 400/415 ApiErrors. */
export async function parseRequestBody(req, { limitBytes = 64 * 1024 * 1024 } = {}) {
	const buffer = await readBody(req, { limitBytes });
	const contentType = req.headers['content-type'];
	const type = mediaType(contentType);
	// DRF skips parsing when the body is empty; a body without Content-Type matches no parser.
	if (buffer.length === 0) {
		return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data'
			? new RequestData('form', [])
			: RequestData.empty();
	}
	if (type === 'application/json') {
		let text;
		try {
			text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
		} catch {
			const bad = buffer.findIndex((b) => b >= 0x80);
			throw drfError(
				400,
				`JSON parse error - 'utf-8' codec can't decode byte 0x${buffer[bad].toString(16)} in position ${bad}: invalid start byte`,
			);
		}
		try {
			return new RequestData('json', parsePythonJson(text, { strictConstants: true }));
		} catch (e) {
			throw drfError(400, `JSON parse error - ${e.message}`);
		}
	}
	if (type === 'application/x-www-form-urlencoded')
		return new RequestData('form', parseUrlEncoded(buffer.toString('utf8')));
	if (type === 'multipart/form-data') {
		try {
			return new RequestData('form', parseMultipart(buffer, contentType));
		} catch (e) {
			throw drfError(400, `Multipart form parse error - ${e.message}`);
		}
	}
	throw drfError(415, `Unsupported media type "${contentType ?? ''}" in request.`);
}
