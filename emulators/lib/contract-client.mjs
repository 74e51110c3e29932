// Helpers for emulator contract tests (node:test): a fetch wrapper that keeps the raw body
// next to the parsed one, Basic-auth headers, and a bounded poll loop.

export const basicAuth = (username, password) =>
	`Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/**
 * @param {string} baseUrl like http://127.0.0.1:PORT
 * @param {{authorization?: string}} defaults header sent unless a request overrides it
 */
export function createClient(baseUrl, defaults = {}) {
	async function request(
		method,
		path,
		{ authorization = defaults.authorization, headers = {}, json, form, body, contentType } = {},
	) {
		const h = { ...headers };
		if (authorization) h.Authorization = authorization;
		let payload = body;
		if (form !== undefined) {
			// An HTML form body; values that are arrays repeat their key (`ids=1&ids=2`).
			const params = new URLSearchParams();
			const entries = Array.isArray(form) ? form : Object.entries(form);
			for (const [key, value] of entries)
				for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
			payload = params.toString();
			h['Content-Type'] = contentType ?? 'application/x-www-form-urlencoded';
		} else if (json !== undefined) {
			payload = JSON.stringify(json);
			h['Content-Type'] = contentType ?? 'application/json';
		} else if (contentType) {
			h['Content-Type'] = contentType;
		}
		const res = await fetch(baseUrl + path, { method, headers: h, body: payload });
		const text = await res.text();
		const type = res.headers.get('content-type') ?? '';
		let data;
		if (type.startsWith('application/json') && text !== '') {
			try {
				data = JSON.parse(text);
			} catch {
				data = undefined;
			}
		}
		return { status: res.status, headers: res.headers, contentType: type, text, data };
	}
	return {
		request,
		get: (path, options) => request('GET', path, options),
		post: (path, options) => request('POST', path, options),
		delete: (path, options) => request('DELETE', path, options),
		put: (path, options) => request('PUT', path, options),
		patch: (path, options) => request('PATCH', path, options),
		withAuth: (authorization) => createClient(baseUrl, { ...defaults, authorization }),
	};
}

/**
 * Calls `probe` until it returns a truthy value, at most `timeoutMs`. Returns that value or
 * throws with `description` and the last value seen.
 */
export async function pollUntil(
	probe,
	{ timeoutMs = 5000, intervalMs = 5, description = 'condition' } = {},
) {
	const deadline = Date.now() + timeoutMs;
	let last;
	for (;;) {
		last = await probe();
		if (last) return last;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}
