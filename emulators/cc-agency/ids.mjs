// Identifiers and clocks in the shapes CC-Agency uses.
import { randomBytes, randomUUID } from 'node:crypto';

// MongoDB ObjectId layout: 4-byte big-endian seconds, 5 random bytes fixed per process,
// 3-byte counter starting at a random value. Sorting by id therefore roughly sorts by time.
const processRandom = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);

export function objectId(atSeconds = Date.now() / 1000) {
	counter = (counter + 1) % 0x1000000;
	const time = Math.floor(atSeconds).toString(16).padStart(8, '0').slice(-8);
	return time + processRandom + counter.toString(16).padStart(6, '0');
}

/** bson's ObjectId(str) accepts exactly 24 hex digits, in either case. */
export function isObjectId(value) {
	return typeof value === 'string' && /^[0-9a-fA-F]{24}$/.test(value);
}

export const uuid4 = () => randomUUID();

/**
 * Float Unix seconds like Python's time.time(). Uses the monotonic clock so history entries
 * written in quick succession keep their order, and never returns a whole number (Python
 * would print 1795300328.0, JavaScript would print 1795300328).
 */
export function nowSeconds() {
	const t = (performance.timeOrigin + performance.now()) / 1000;
	return Number.isInteger(t) ? t + 0.000001 : t;
}
