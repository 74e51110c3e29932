// A tiny path router. Patterns use `:name` segments ("/batches/:id/:file").
// Like Werkzeug, a static segment beats a parameter ("/batches/count" wins over "/batches/:id"
// for GET), a path that exists under another method reports its allowed methods (for 405 and
// OPTIONS), and HEAD falls back to the GET handler.

export function createRouter() {
	const routes = [];

	function matchPath(route, segments) {
		if (route.segments.length !== segments.length) return null;
		const params = {};
		for (let i = 0; i < segments.length; i++) {
			const want = route.segments[i];
			if (want.startsWith(':')) {
				if (segments[i] === '') return null;
				params[want.slice(1)] = segments[i];
			} else if (want !== segments[i]) {
				return null;
			}
		}
		return params;
	}

	function splitPath(pathname) {
		return pathname
			.split('/')
			.slice(1)
			.map((s) => {
				try {
					return decodeURIComponent(s);
				} catch {
					return s;
				}
			});
	}

	return {
		/** Registers a handler. `pattern` is also the route's name in statistics. */
		add(method, pattern, handler) {
			const segments = pattern.split('/').slice(1);
			const staticCount = segments.filter((s) => !s.startsWith(':')).length;
			routes.push({ method: method.toUpperCase(), pattern, segments, staticCount, handler });
			return this;
		},

		/**
		 * Returns `{ route, params }` on a match, `{ allowed: [...], pattern }` when the path exists
		 * only under other methods, or `null` when no route has this path.
		 */
		match(method, pathname) {
			const segments = splitPath(pathname);
			const candidates = [];
			for (const route of routes) {
				const params = matchPath(route, segments);
				if (params) candidates.push({ route, params });
			}
			if (candidates.length === 0) return null;
			const wanted = method.toUpperCase();
			const pick = (m) =>
				candidates
					.filter((c) => c.route.method === m)
					.sort((a, b) => b.route.staticCount - a.route.staticCount)[0];
			const hit = pick(wanted) ?? (wanted === 'HEAD' ? pick('GET') : undefined);
			if (hit) return hit;
			return {
				allowed: allowedMethods(candidates.map((c) => c.route.method)),
				pattern: candidates[0].route.pattern,
			};
		},

		/** Methods a path answers to, with HEAD and OPTIONS added the way Flask does. */
		allowedFor(pathname) {
			const segments = splitPath(pathname);
			const methods = routes.filter((r) => matchPath(r, segments)).map((r) => r.method);
			return methods.length ? allowedMethods(methods) : [];
		},

		routes,
	};
}

function allowedMethods(methods) {
	const set = new Set(methods);
	if (set.has('GET')) set.add('HEAD');
	set.add('OPTIONS');
	return [...set].sort();
}
