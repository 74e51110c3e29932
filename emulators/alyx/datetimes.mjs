// Alyx runs with USE_TZ=False: datetimes are naive, stored and shown as
// `YYYY-MM-DDTHH:MM:SS[.ffffff]` (Python's isoformat: no fraction when the microseconds are 0).
// Internally the emulator keeps exactly that string, so ordering is plain string ordering.
// Input parsing follows Django 5 on Python 3.12 (`fromisoformat`, then Django's regex); an
// aware input is converted to UTC and made naive, as DRF does (reference §1).

const pad = (n, width = 2) => String(n).padStart(width, '0');

let lastMicros = 0;
/** Microseconds since the epoch, strictly increasing between calls (creation order is kept). */
function nowMicros() {
	const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
	lastMicros = Math.max(micros, lastMicros + 1);
	return lastMicros;
}

export function formatMicros(micros) {
	const ms = Math.floor(micros / 1000);
	const d = new Date(ms);
	const frac = micros - ms * 1000 + d.getUTCMilliseconds() * 1000;
	const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(
		d.getUTCHours(),
	)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
	return frac ? `${base}.${pad(frac, 6)}` : base;
}

/** The server's "now" (UTC, naive), e.g. `2026-11-21T22:36:49.681694`. */
export const nowNaive = () => formatMicros(nowMicros());

/** `now` minus `seconds` (may be fractional). */
export const naiveSecondsAgo = (seconds) => formatMicros(nowMicros() - Math.round(seconds * 1e6));

/** Today's date in the server's time zone (UTC). */
export const today = () => nowNaive().slice(0, 10);

export const dateOf = (naive) => (naive == null ? null : String(naive).slice(0, 10));

function daysInMonth(year, month) {
	return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validDate(y, m, d) {
	return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** `YYYY-MM-DD` -> same string; Django's parse_date forms; null when invalid. */
export function parseDateInput(value) {
	if (typeof value !== 'string') return null;
	let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(value);
	m ??= /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
	if (!m) return null;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	if (!validDate(y, mo, d)) return null;
	return `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
}

const ISO_DATETIME =
	/^(\d{4})-?(\d{2})-?(\d{2})(?:[Tt ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,6})\d*)?)?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/;
const DJANGO_DATETIME =
	/^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,6})\d{0,6})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parses a datetime input to the naive UTC string, or null when it is not a datetime. */
export function parseDatetimeInput(value) {
	if (typeof value !== 'string') return null;
	const m = ISO_DATETIME.exec(value.trim()) ?? DJANGO_DATETIME.exec(value.trim());
	if (!m) return null;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
	const micro = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
	if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;
	let offsetSeconds = 0;
	const tz = m[8];
	if (tz && tz.toUpperCase() !== 'Z') {
		const sign = tz[0] === '-' ? -1 : 1;
		const digits = tz.slice(1).replace(/:/g, '');
		const oh = Number(digits.slice(0, 2));
		const om = Number(digits.slice(2, 4) || 0);
		const os = Number(digits.slice(4, 6) || 0);
		if (oh > 23 || om > 59 || os > 59) return null;
		offsetSeconds = sign * (oh * 3600 + om * 60 + os);
	}
	const ms = Date.UTC(y, mo - 1, d, h, mi, s) - offsetSeconds * 1000;
	if (y < 100) return null; // Date.UTC maps two-digit years; Alyx data never has them
	return formatMicros(ms * 1000 + micro);
}

/** Adds `days` to a `YYYY-MM-DD` date. */
export function addDays(date, days) {
	const [y, m, d] = date.split('-').map(Number);
	const t = new Date(Date.UTC(y, m - 1, d + days));
	return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** Whole days from date `a` to date `b` (`YYYY-MM-DD`). */
export function daysBetween(a, b) {
	const toDays = (x) => {
		const [y, m, d] = x.split('-').map(Number);
		return Date.UTC(y, m - 1, d) / 86400000;
	};
	return Math.round(toDays(b) - toDays(a));
}
