// DRF's content negotiation (DefaultContentNegotiation) with Alyx's two renderers, JSON and
// the browsable API (HTML). Runs before authentication, so a vendor Accept header gets 406
// even without a token (reference §1, §9).
import { drfError } from './errors.mjs';

export const RENDERERS = {
	json: { mediaType: 'application/json', format: 'json' },
	html: { mediaType: 'text/html', format: 'api' },
};

function parseMediaType(text) {
	const [type, ...rawParams] = text.split(';');
	const [main = '', sub = ''] = type.trim().split('/');
	const params = {};
	for (const p of rawParams) {
		const eq = p.indexOf('=');
		if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
	}
	return { main: main.trim(), sub: sub.trim(), params, text: text.trim() };
}

function precedence(m) {
	if (m.main === '*') return 0;
	if (m.sub === '*') return 1;
	const keys = Object.keys(m.params);
	if (keys.length === 0 || (keys.length === 1 && keys[0] === 'q')) return 2;
	return 3;
}

/** DRF's _MediaType.match: does the renderer type `lhs` satisfy the accepted type `rhs`? */
function matches(lhs, rhs) {
	for (const key of Object.keys(lhs.params))
		if (key !== 'q' && rhs.params[key] !== lhs.params[key]) return false;
	if (lhs.sub !== '*' && rhs.sub !== '*' && rhs.sub !== lhs.sub) return false;
	if (lhs.main !== '*' && rhs.main !== '*' && rhs.main !== lhs.main) return false;
	return true;
}

/**
 * Picks the renderer for a request. Returns `{ renderer: 'json'|'html', contentType }`;
 * throws 404 for an unknown `?format=` and 406 when nothing in Accept can be served.
 * @param {string|undefined} accept the Accept header
 * @param {string|null} format the `format` query parameter
 * @param {string[]} available renderer names of the view, in priority order
 */
export function negotiate(accept, format, available = ['json', 'html']) {
	let renderers = available;
	if (format != null) {
		renderers = available.filter((r) => RENDERERS[r].format === format);
		if (renderers.length === 0) throw drfError(404, 'Not found.');
	}
	const accepted = (accept && accept.trim() ? accept : '*/*')
		.split(',')
		.map((t) => t.trim())
		.filter(Boolean)
		.map(parseMediaType);
	for (const level of [3, 2, 1, 0]) {
		const set = accepted.filter((m) => precedence(m) === level);
		for (const name of renderers) {
			const renderer = parseMediaType(RENDERERS[name].mediaType);
			for (const media of set) {
				if (!matches(renderer, media)) continue;
				// DRF returns the more specific of the two as the response's content type.
				const contentType =
					precedence(renderer) > precedence(media)
						? [
								RENDERERS[name].mediaType,
								...Object.entries(media.params).map(([k, v]) => `${k}=${v}`),
							].join(';')
						: media.text;
				return {
					renderer: name,
					contentType: name === 'html' ? 'text/html; charset=utf-8' : contentType,
				};
			}
		}
	}
	throw drfError(406, 'Could not satisfy the request Accept header.');
}
