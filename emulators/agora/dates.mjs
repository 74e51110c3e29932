// Timestamps as Django REST framework renders them with USE_TZ and UTC: ISO 8601 with a `Z`,
// microseconds only when they are not zero ("2024-01-15T08:00:00Z",
// "2024-01-15T08:00:00.123000Z"). Fixed width within a second's precision class, so strings
// of the same kind also compare in time order (the timeline filters rely on that).

export function isoAt(ms) {
	const d = new Date(ms);
	const base = d.toISOString().slice(0, 19);
	const millis = d.getUTCMilliseconds();
	return millis ? `${base}.${String(millis).padStart(3, '0')}000Z` : `${base}Z`;
}

export const isoNow = () => isoAt(Date.now());

/** Parses a filter or AQL date: `2024`, `2024-01-15`, `2024-01-15T08:00`, with or without Z. */
export function parseDateInput(text) {
	const s = String(text).trim();
	if (!/^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/.test(s))
		return null;
	let normal = s.replace(' ', 'T');
	if (/^\d{4}$/.test(normal)) normal += '-01-01';
	if (/^\d{4}-\d{2}$/.test(normal)) normal += '-01';
	if (normal.includes('T') && !/(Z|[+-]\d{2}:?\d{2})$/.test(normal)) normal += 'Z';
	const ms = Date.parse(normal);
	return Number.isFinite(ms) ? ms : null;
}

/** Date parts used by `__year`-style filters and AQL (`exam.start_time.year`). */
export function dateParts(value) {
	if (value == null) return null;
	const ms = typeof value === 'number' ? value : Date.parse(value);
	if (!Number.isFinite(ms)) return null;
	const d = new Date(ms);
	const day = d.getUTCDay(); // 0 = Sunday
	return {
		year: d.getUTCFullYear(),
		month: d.getUTCMonth() + 1,
		day: d.getUTCDate(),
		hour: d.getUTCHours(),
		minute: d.getUTCMinutes(),
		second: d.getUTCSeconds(),
		week_day: day + 1, // Django: 1 = Sunday ... 7 = Saturday
		date: d.toISOString().slice(0, 10),
		time: d.toISOString().slice(11, 19),
		ms,
	};
}
