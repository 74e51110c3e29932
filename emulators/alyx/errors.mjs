// Error answers of Alyx 3.6.1 (reference §9). Alyx's exception handler appends an integer
// `status_code` to every DRF error body ({"detail": ..., "status_code": N} or field errors
// plus status_code), and turns any other exception into 500 {"status_code": 500, "detail":
// str(exc)} (status_code first). Routing 404s are Django's HTML page.

export const NOT_FOUND_HTML =
	'\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n';

export class ApiError extends Error {
	/**
	 * @param {number} status
	 * @param {object|null} body JSON body (key order is kept), or null with `html`
	 * @param {{headers?: Record<string,string>, html?: string}} [options]
	 */
	constructor(status, body, { headers = {}, html } = {}) {
		super(body?.detail ?? body?.error ?? `HTTP ${status}`);
		this.status = status;
		this.body = body;
		this.headers = headers;
		this.html = html;
	}
}

/** A DRF APIException: {"detail": ..., "status_code": N}. */
export const drfError = (status, detail, options) =>
	new ApiError(status, { detail, status_code: status }, options);

/** DRF ValidationError with field -> messages (plus status_code). */
export const validationError = (errors) => new ApiError(400, { ...errors, status_code: 400 });

/** Any non-DRF exception: Alyx answers 500 with the exception's message. */
export const serverError = (message) => new ApiError(500, { status_code: 500, detail: message });

/** Django's routing 404 (unknown path, trailing slash, non-UUID id). */
export const htmlNotFound = () => new ApiError(404, null, { html: NOT_FOUND_HTML });

/** get_object_or_404 on a detail route. */
export const objectNotFound = (model) => drfError(404, `No ${model} matches the given query.`);

export const methodNotAllowed = (method, allow) =>
	drfError(405, `Method "${method}" not allowed.`, { headers: { Allow: allow.join(', ') } });

/** Django's MultipleObjectsReturned for get() on a non-unique slug. */
export const multipleReturned = (model, count) =>
	serverError(`get() returned more than one ${model} -- it returned ${count}!`);

/** A Django FieldError from a bad lookup in a filter: 500 with Django's message. */
export class FieldLookupError extends ApiError {
	constructor(message) {
		super(500, { status_code: 500, detail: message });
	}
}
