// Python's URL quoting, for links that Python servers build: Django REST framework's
// pagination links re-encode the query with `urlencode(sorted(...), doseq=True)`
// (quote_plus: space -> '+', ',' -> '%2C'). Same rules as emulators/alyx/url-encoding.mjs,
// kept here for any emulator of a DRF application.
import { parseUrlEncoded } from './form-body.mjs';

const ALWAYS_SAFE = /[A-Za-z0-9_.\-~]/;

/** Python urllib.parse.quote(text, safe). */
export function pyQuote(text, safe = '/') {
	let out = '';
	for (const byte of Buffer.from(String(text), 'utf8')) {
		const ch = String.fromCharCode(byte);
		if (byte < 128 && (ALWAYS_SAFE.test(ch) || safe.includes(ch))) out += ch;
		else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
	}
	return out;
}

/** Python quote_plus(text): like quote with safe='' but spaces become '+'. */
export const pyQuotePlus = (text) => pyQuote(String(text), ' ').replace(/ /g, '+');

/**
 * DRF's replace_query_param/remove_query_param: the query re-encoded with keys sorted;
 * `changes` maps a key to a value (set) or undefined (removed).
 */
export function rebuildQuery(rawQuery, changes) {
	const grouped = new Map();
	for (const [key, value] of parseUrlEncoded(rawQuery)) {
		if (!grouped.has(key)) grouped.set(key, []);
		grouped.get(key).push(value);
	}
	for (const [key, value] of Object.entries(changes)) {
		if (value === undefined) grouped.delete(key);
		else grouped.set(key, [String(value)]);
	}
	const keys = [...grouped.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	return keys
		.flatMap((key) => grouped.get(key).map((v) => `${pyQuotePlus(key)}=${pyQuotePlus(v)}`))
		.join('&');
}
