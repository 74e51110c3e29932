// The plumbing of the test/benchmark control routes under /__emulator/ (no auth, not part of
// any emulated platform): JSON in, JSON out, 404/405 for unknown routes, 400 for bad input.
// Handlers return `{status?, json}` and throw ControlError for a 400.
import { BodyTooLargeError, readBody } from './http-body.mjs';
import { sendJson } from './http-send.mjs';

export class ControlError extends Error {}

/** Wraps a handler so any Error it throws becomes a 400 ControlError with its message. */
export const controlHandler = (fn) => async (ctx) => {
	try {
		return await fn(ctx);
	} catch (e) {
		throw e instanceof ControlError ? e : new ControlError(e.message);
	}
};

/** Answers one control request with the routes of `router` (lib/router.mjs). */
export async function handleControlRequest(
	router,
	req,
	res,
	url,
	{ limitBytes = 1024 * 1024 } = {},
) {
	const match = router.match(req.method, url.pathname);
	if (!match || match.allowed) {
		sendJson(res, match ? 405 : 404, { error: `no control route ${req.method} ${url.pathname}` });
		return;
	}
	const ctx = {
		req,
		query: url.searchParams,
		params: match.params,
		jsonBody: async () => {
			const raw = (await readBody(req, { limitBytes })).toString('utf8');
			if (!raw.trim()) return {};
			try {
				return JSON.parse(raw);
			} catch {
				throw new ControlError('body must be JSON');
			}
		},
	};
	try {
		const result = await match.route.handler(ctx);
		sendJson(res, result.status ?? 200, result.json);
	} catch (err) {
		if (!(err instanceof ControlError || err instanceof BodyTooLargeError)) throw err;
		sendJson(res, 400, { error: err.message });
	}
}
