// Error answers. Agora is a Django REST framework application; the connectors never parse an
// error body, so the emulator uses DRF's standard shapes (reference B.11): {"detail": ...}
// for exceptions, {"<field>": ["..."]} for validation errors. Unknown URLs get Django's HTML
// 404 page, as a Django server with DEBUG off answers.

export const NOT_FOUND_HTML =
	'\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n';

export class ApiError extends Error {
	/**
	 * @param {number} status
	 * @param {object|null} body JSON body (key order kept), or null with `html`
	 * @param {{headers?: Record<string, string>, html?: string}} [options]
	 */
	constructor(status, body, { headers = {}, html } = {}) {
		super(body?.detail ?? `HTTP ${status}`);
		this.status = status;
		this.body = body;
		this.headers = headers;
		this.html = html;
	}
}

export const detailError = (status, detail, options) => new ApiError(status, { detail }, options);

/** 401s carry WWW-Authenticate, which is why DRF answers 401 rather than 403 (TokenAuthentication). */
const unauthorized = (detail) =>
	detailError(401, detail, { headers: { 'WWW-Authenticate': 'Token' } });

export const notAuthenticated = () => unauthorized('Authentication credentials were not provided.');
export const invalidToken = (detail = 'Invalid token.') => unauthorized(detail);
export const permissionDenied = (detail = 'You do not have permission to perform this action.') =>
	detailError(403, detail);
export const notFound = () => detailError(404, 'Not found.');
export const methodNotAllowed = (method, allow) =>
	detailError(405, `Method "${method}" not allowed.`, { headers: { Allow: allow.join(', ') } });

/** A DRF ValidationError: `{field: [messages]}`; a string becomes `[string]`. */
export function validationError(errors) {
	const body = {};
	for (const [field, messages] of Object.entries(errors))
		body[field] = typeof messages === 'string' ? [messages] : messages;
	return new ApiError(400, body);
}

export const required = (field) => validationError({ [field]: 'This field is required.' });
export const invalidPk = (field, value) =>
	validationError({ [field]: `Invalid pk "${value}" - object does not exist.` });
export const badRequest = (detail) => detailError(400, detail);

export const htmlNotFound = () => new ApiError(404, null, { html: NOT_FOUND_HTML });
