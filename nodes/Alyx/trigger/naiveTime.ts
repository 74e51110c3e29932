/**
 * Alyx stores naive datetimes in its own time zone. The trigger never compares them with the
 * local clock: it only does arithmetic on them, treating them as UTC for that purpose.
 */
export function parseNaive(text: string): number {
	return Date.parse(`${text.replace(/Z$|[+-]\d{2}:\d{2}$/, '').slice(0, 23)}Z`);
}

export function formatNaive(ms: number): string {
	return new Date(ms).toISOString().slice(0, 19);
}
