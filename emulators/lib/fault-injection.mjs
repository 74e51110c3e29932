// Injects transient 503 responses so clients' retry logic can be exercised against an emulator.
// `routes` are path prefixes; none means every (non-control) path.

export function createFaultInjector({ random = Math.random } = {}) {
	let rate503 = 0;
	let routes = [];
	let injected = 0;
	return {
		configure(options = {}) {
			const rate = Number(options.rate503 ?? 0);
			if (!Number.isFinite(rate) || rate < 0 || rate > 1)
				throw new Error('rate503 must be a number from 0 to 1');
			if (options.routes != null && !Array.isArray(options.routes))
				throw new Error('routes must be an array of path prefixes');
			rate503 = rate;
			routes = (options.routes ?? []).map(String);
			return this.snapshot();
		},
		/** Decides, per request, whether to answer 503 instead of handling it. */
		shouldInject(pathname) {
			if (rate503 <= 0) return false;
			if (routes.length && !routes.some((prefix) => pathname.startsWith(prefix))) return false;
			const hit = random() < rate503;
			if (hit) injected += 1;
			return hit;
		},
		snapshot() {
			return { injected, rate503, routes: [...routes] };
		},
		reset() {
			rate503 = 0;
			routes = [];
			injected = 0;
		},
	};
}
