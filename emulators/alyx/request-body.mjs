// Request bodies as DRF's parsers see them (reference §1): JSON (with Python's error
// messages), urlencoded and multipart forms; anything else is 415. Parsing is lazy, like
// `request.data`: a handler that never reads the body never fails on it.
import { readBody } from '../lib/http-body.mjs';
import { BodyDecodeError, RequestData, decodeRequestBody, mediaType } from '../lib/request-data.mjs';
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

// One decoder for every emulator (emulators/lib/request-data.mjs); Alyx only adds DRF's error
// shape and its narrower JSON media type.
export { RequestData };

/** Reads and parses the body of `req` like DRF's request.data. Throws 400/415 ApiErrors. */
export async function parseRequestBody(req, { limitBytes = 64 * 1024 * 1024 } = {}) {
	const buffer = await readBody(req, { limitBytes });
	const contentType = req.headers['content-type'];
	const type = mediaType(contentType);
	// Alyx's JSONParser takes application/json only; a vendor "+json" type is unsupported.
	if (buffer.length > 0 && type !== 'application/json' && type.endsWith('+json'))
		throw drfError(415, `Unsupported media type "${contentType ?? ''}" in request.`);
	try {
		return decodeRequestBody(buffer, contentType, { strictConstants: true });
	} catch (e) {
		if (e instanceof BodyDecodeError) throw drfError(e.status, e.message);
		throw e;
	}
}
