/**
 * The newest change time of the records matching a query, found with count-only requests
 * (`limit=1` and a `django=<field>__gte,<t>` lookup), for fields Alyx filters on but does not
 * return (a session's or weighing's `auto_datetime`). Exponential probing up from a known lower
 * bound, then bisection down to a one-minute resolution: ~10 to 25 tiny requests, and only on
 * a poll that found something new.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { apiJson } from '../../shared/transport';
import { addDjango } from '../fields';
import { alyx } from '../platform';
import { formatNaive } from './naiveTime';

const MINUTE = 60_000;
/** Far enough back for any Alyx database (the project started in 2016). */
const EPOCH = Date.parse('2010-01-01T00:00:00Z');

async function anyChangedSince(ctx: IPollFunctions, path: string, qs: IDataObject, field: string, ms: number): Promise<boolean> {
	const page = await apiJson<{ count: number }>(ctx, alyx, {
		method: 'GET',
		path,
		qs: { ...addDjango(qs, [`${field}__gte,${formatNaive(ms)}`]), limit: 1 },
	});
	return page.count > 0;
}

/** Latest change (ms, minute resolution, never later than the true value), or undefined if none. */
export async function latestChange(
	ctx: IPollFunctions,
	path: string,
	qs: IDataObject,
	field: string,
	knownLowerBound?: number,
): Promise<number | undefined> {
	let low = knownLowerBound ?? EPOCH;
	if (!(await anyChangedSince(ctx, path, qs, field, low))) return knownLowerBound;
	// Find an upper bound with nothing at or after it.
	let step = 64 * MINUTE;
	let high = low + step;
	while (await anyChangedSince(ctx, path, qs, field, high)) {
		low = high;
		step *= 4;
		high = low + step;
	}
	// Invariant: something changed at or after `low`, nothing at or after `high`.
	while (high - low > MINUTE) {
		const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
		if (await anyChangedSince(ctx, path, qs, field, middle)) low = middle;
		else high = middle;
	}
	return low;
}
