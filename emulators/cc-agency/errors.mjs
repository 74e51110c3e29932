// The four error-body formats of CC-Agency 9.3 (reference §2):
//  1. any 400: a JSON *string literal* "400 Bad Request: <description>" (application/json)
//  2. 401 without credentials on a protected route: plain `Unauthorized` + WWW-Authenticate
//  3. 401 for bad Basic credentials and every 404/405/500: Werkzeug's HTML error page
//  4. JWT errors: {"msg": "..."} with 401 or 422 (flask-jwt-extended)
import { stringifySorted } from '../lib/http-send.mjs';
import { pyJsonDumpsString } from './python-format.mjs';

export const WWW_AUTHENTICATE = 'Basic realm="Please fill in username and password"';

const STATUS_NAMES = {
	400: 'Bad Request',
	401: 'Unauthorized',
	404: 'Not Found',
	405: 'Method Not Allowed',
	413: 'Request Entity Too Large',
	422: 'Unprocessable Entity',
	500: 'Internal Server Error',
	503: 'Service Unavailable',
};

// Werkzeug 2.2's default descriptions, used when an exception is raised without one.
export const DEFAULT_DESCRIPTIONS = {
	400: 'The browser (or proxy) sent a request that this server could not understand.',
	401: "The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials required.",
	404: 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
	405: 'The method is not allowed for the requested URL.',
	413: 'The data value transmitted exceeds the capacity limit.',
	500: 'The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.',
	503: 'The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.',
};

export class HttpError extends Error {
	/**
	 * @param {number} status
	 * @param {string|undefined} description  Werkzeug description (or the JWT msg)
	 * @param {{kind?: 'werkzeug'|'plain-unauthorized'|'jwt', headers?: Record<string,string>}} [options]
	 */
	constructor(status, description, { kind = 'werkzeug', headers = {} } = {}) {
		super(description ?? DEFAULT_DESCRIPTIONS[status] ?? STATUS_NAMES[status] ?? 'error');
		this.status = status;
		this.description = description ?? DEFAULT_DESCRIPTIONS[status] ?? '';
		this.kind = kind;
		this.headers = headers;
	}
}

export const badRequest = (description) => new HttpError(400, description);
export const notFound = (description) => new HttpError(404, description);
export const internalServerError = (description) => new HttpError(500, description);
export const payloadTooLarge = () => new HttpError(413);
/** Werkzeug Unauthorized raised by the agency's auth module: HTML page + WWW-Authenticate. */
export const unauthorized = (description) =>
	new HttpError(401, description, { headers: { 'WWW-Authenticate': WWW_AUTHENTICATE } });
/** The bare `Unauthorized` answer for a protected route reached without usable credentials. */
export const plainUnauthorized = () =>
	new HttpError(401, 'Unauthorized', {
		kind: 'plain-unauthorized',
		headers: { 'WWW-Authenticate': WWW_AUTHENTICATE },
	});
export const jwtError = (status, msg) => new HttpError(status, msg, { kind: 'jwt' });
export const methodNotAllowed = (allowed) =>
	new HttpError(405, undefined, { headers: { Allow: allowed.join(', ') } });

/** markupsafe.escape: the five characters Werkzeug escapes; quotes become &#34; and &#39;. */
export function escapeHtml(text) {
	return String(text)
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&#34;')
		.replace(/'/g, '&#39;');
}

/** Werkzeug 2.2 HTTPException.get_body(). */
export function werkzeugHtmlPage(status, description) {
	const name = escapeHtml(STATUS_NAMES[status] ?? 'Unknown Error');
	const body = escapeHtml(description ?? DEFAULT_DESCRIPTIONS[status] ?? '').replace(/\n/g, '<br>');
	return `<!doctype html>\n<html lang=en>\n<title>${status} ${name}</title>\n<h1>${name}</h1>\n<p>${body}</p>\n`;
}

/** Turns an HttpError into `{ status, contentType, body, headers }`. */
export function renderError(err) {
	const headers = { ...err.headers };
	if (err.kind === 'plain-unauthorized') {
		return { status: 401, contentType: 'text/html; charset=utf-8', body: 'Unauthorized', headers };
	}
	if (err.kind === 'jwt') {
		return {
			status: err.status,
			contentType: 'application/json',
			body: `${stringifySorted({ msg: err.description }, { asciiOnly: true })}\n`,
			headers,
		};
	}
	if (err.status === 400) {
		// The agency's BadRequest handler: response.data = json.dumps(str(e)) -> no trailing newline
		return {
			status: 400,
			contentType: 'application/json',
			body: pyJsonDumpsString(`400 Bad Request: ${err.description}`),
			headers,
		};
	}
	return {
		status: err.status,
		contentType: 'text/html; charset=utf-8',
		body: werkzeugHtmlPage(err.status, err.description),
		headers,
	};
}
