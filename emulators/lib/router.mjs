// A tiny path router. Patterns use `:name` segments ("/batches/:id/:file").
// Like Werkzeug, a static segment beats a parameter ("/batches/count" wins over "/batches/:id"
// for GET), a path that exists under another method reports its allowed methods (for 405 and
// OPTIONS), and HEAD falls back to the GET handler.
// Optional per-parameter constraints (`add(m, p, h, { params: { id: 'uuid' } })`) make a
// segment that fails them count as "no such path", like Django's `<uuid:pk>` converter: a
// non-UUID id is then a routing 404 rather than a lookup 404.

/** Named constraints usable in `params`; a RegExp or a predicate function also works. */
export const PARAM_CONSTRAINTS = {
	uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
	int: /^[0-9]+$/,
};

function compileConstraint(constraint) {
	if (constraint == null) return null;
	if (typeof constraint === 'function') return constraint;
	const regex = typeof constraint === 'string' ? PARAM_CONSTRAINTS[constraint] : constraint;
	if (!(regex instanceof RegExp))
		throw new Error(`unknown route parameter constraint ${constraint}`);
	return (value) => regex.test(value);
}

export function createRouter() {
	const routes = [];

	function matchPath(route, segments) {
		if (route.segments.length !== segments.length) return null;
		const params = {};
		for (let i = 0; i < segments.length; i++) {
			const want = route.segments[i];
			if (want.startsWith(':')) {
				if (segments[i] === '') return null;
				const check = route.constraints[want.slice(1)];
				if (check && !check(segments[i])) return null;
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
		/**
		 * Registers a handler. `pattern` is also the route's name in statistics. `options.params`
		 * maps parameter names to constraints ('uuid', 'int', a RegExp or a predicate);
		 * `options.meta` is kept on the route for the caller.
		 */
		add(method, pattern, handler, options = {}) {
			const segments = pattern.split('/').slice(1);
			const staticCount = segments.filter((s) => !s.startsWith(':')).length;
			const constraints = {};
			for (const [name, constraint] of Object.entries(options.params ?? {}))
				constraints[name] = compileConstraint(constraint);
			routes.push({
				method: method.toUpperCase(),
				pattern,
				segments,
				staticCount,
				handler,
				constraints,
				meta: options.meta,
			});
			return this;
		},

		/**
		 * Returns `{ route, params }` on a match, `{ allowed: [...], pattern, params, meta }` when the
		 * path exists only under other methods, or `null` when no route has this path.
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
				params: candidates[0].params,
				meta: candidates[0].route.meta,
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
