// Injects faults so clients' retry and resume logic can be exercised against an emulator:
//   rate503    transient 503 responses (Retry-After: 0)
//   rateReset  the connection is destroyed without any response, decided before the body is read
//   routes     path prefixes both rates apply to; none means every (non-control) path. An
//              entry starting with ^ is a regular expression (e.g. ^/api/v2/importsession/\d+/
//              for the chunk routes of every session but not the route that creates one)
//   resetRoutes where resets apply, when they should hit fewer routes than 503s (default: routes)
//   crash points for upload tests (emulators that opt in with `extended: true`):
//     crashAtChunk N    the N-th chunk upload counted from when it was configured
//     crashAtChunks [n] chunk uploads counted over the lifetime of the data directory; the
//                       count and the points already used are kept through `persist`, so a
//                       restarted emulator does not crash at the same point again
//     crashWhen         'before' (the chunk is not stored), 'after' (stored, not answered) or
//                       'random' (one of the two, per crash)
// The emulator decides what a crash is (exit the process, or drop every socket in-process).

const CRASH_WHEN = ['before', 'after', 'random'];

function rate(name, value) {
	const n = Number(value ?? 0);
	if (!Number.isFinite(n) || n < 0 || n > 1)
		throw new Error(`${name} must be a number from 0 to 1`);
	return n;
}

function chunkPoint(name, value) {
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be integers >= 1`);
	return n;
}

/** `3,7,12`, `[3, 7, 12]` or one number -> sorted unique integers. */
export function parseChunkPoints(value) {
	if (value == null || value === '') return [];
	const list = Array.isArray(value) ? value : String(value).split(',');
	return [...new Set(list.map((v) => chunkPoint('crashAtChunks', String(v).trim())))].sort(
		(a, b) => a - b,
	);
}

/**
 * @param {{random?: () => number, extended?: boolean,
 *   persist?: {load: () => object|null, save: (state: object) => void}}} options
 *   `extended` adds the new keys to snapshot() (kept out otherwise, so existing emulators
 *   answer exactly as before); `persist` keeps the lifetime chunk count (crashAtChunks).
 */
export function createFaultInjector({
	random = Math.random,
	extended = false,
	persist = null,
} = {}) {
	let rate503 = 0;
	let rateReset = 0;
	let routes = [];
	let resetRoutes = null;
	let injected = 0;
	let resets = 0;
	let crashAtChunk = null;
	let crashWhen = 'before';
	let chunksSinceConfigured = 0;
	let crashAtChunks = [];
	const lifetime = { chunkRequests: 0, usedCrashPoints: [], ...(persist?.load() ?? {}) };

	const matches = (list, pathname) =>
		!list.length ||
		list.some((entry) =>
			entry.startsWith('^') ? new RegExp(entry).test(pathname) : pathname.startsWith(entry),
		);
	const onRoute = (pathname) => matches(routes, pathname);

	return {
		/**
		 * Replaces the settings (missing keys fall back to their defaults), except
		 * `crashAtChunks`, which stays unless given: it belongs to the data directory.
		 */
		configure(options = {}) {
			const next503 = rate('rate503', options.rate503);
			const nextReset = rate('rateReset', options.rateReset);
			if (options.routes != null && !Array.isArray(options.routes))
				throw new Error('routes must be an array of path prefixes');
			if (options.resetRoutes != null && !Array.isArray(options.resetRoutes))
				throw new Error('resetRoutes must be an array of path prefixes');
			const nextCrash =
				options.crashAtChunk == null ? null : chunkPoint('crashAtChunk', options.crashAtChunk);
			const nextWhen = options.crashWhen ?? 'before';
			if (!CRASH_WHEN.includes(nextWhen))
				throw new Error(`crashWhen must be one of ${CRASH_WHEN.join(', ')}`);
			const nextPoints =
				options.crashAtChunks === undefined
					? crashAtChunks
					: parseChunkPoints(options.crashAtChunks);
			rate503 = next503;
			rateReset = nextReset;
			routes = (options.routes ?? []).map(String);
			resetRoutes = options.resetRoutes == null ? null : options.resetRoutes.map(String);
			crashAtChunk = nextCrash;
			crashWhen = nextWhen;
			chunksSinceConfigured = 0;
			crashAtChunks = nextPoints;
			return this.snapshot();
		},
		/** Decides, per request, whether to answer 503 instead of handling it. */
		shouldInject(pathname) {
			if (rate503 <= 0 || !onRoute(pathname)) return false;
			const hit = random() < rate503;
			if (hit) injected += 1;
			return hit;
		},
		/** Per request, before the body is read: 'reset' (drop the connection), '503' or null. */
		decide(pathname) {
			if (rateReset > 0 && matches(resetRoutes ?? routes, pathname) && random() < rateReset) {
				resets += 1;
				return 'reset';
			}
			return this.shouldInject(pathname) ? '503' : null;
		},
		/**
		 * Counts one chunk upload request; returns 'before' or 'after' when this request is a
		 * crash point, else null. The lifetime count is saved before returning, so the crash that
		 * follows cannot be repeated after a restart.
		 */
		chunkArrival() {
			chunksSinceConfigured += 1;
			let crash = crashAtChunk !== null && chunksSinceConfigured === crashAtChunk;
			if (crashAtChunks.length) {
				lifetime.chunkRequests += 1;
				const n = lifetime.chunkRequests;
				if (crashAtChunks.includes(n) && !lifetime.usedCrashPoints.includes(n)) {
					lifetime.usedCrashPoints.push(n);
					crash = true;
				}
				persist?.save({ ...lifetime });
			}
			if (!crash) return null;
			if (crashWhen !== 'random') return crashWhen;
			return random() < 0.5 ? 'before' : 'after';
		},
		snapshot() {
			const base = { injected, rate503, routes: [...routes] };
			if (!extended) return base;
			return {
				...base,
				resets,
				rateReset,
				resetRoutes: resetRoutes ? [...resetRoutes] : null,
				crashAtChunk,
				crashWhen,
				chunksSinceConfigured,
				crashAtChunks: [...crashAtChunks],
				lifetimeChunkRequests: lifetime.chunkRequests,
				usedCrashPoints: [...lifetime.usedCrashPoints],
			};
		},
		reset() {
			rate503 = 0;
			rateReset = 0;
			routes = [];
			resetRoutes = null;
			injected = 0;
			resets = 0;
			crashAtChunk = null;
			crashWhen = 'before';
			chunksSinceConfigured = 0;
		},
	};
}
