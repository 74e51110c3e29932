// Route registration for both API versions (reference Part C "Path prefix": the documented
// v2 routes and the connectors' v1/v2 mix are both served). A route is declared once with
// the versions it exists under; its pattern (`/api/v2/exam/:id/`) is its name in statistics.
// Path parameters are integers unless named in `text`, so `/exam/abc/` is a routing 404.
// Route options:
//   auth: false            no authentication (version, login)
//   readOnlyAllowed: true  read-only users may call it although it is not a GET
import { createRouter } from '../lib/router.mjs';

export const V1 = ['v1'];
export const V2 = ['v2'];
export const BOTH = ['v1', 'v2'];

/** Both spellings of the series resource: v1's model name `serie` and v2's `series`. */
export const SERIES_NAMES = ['serie', 'series'];

export function createApiRouter() {
	const router = createRouter();

	function add(method, versions, path, handler, options = {}) {
		const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);
		const params = {};
		for (const name of names) if (!(options.text ?? []).includes(name)) params[name] = 'int';
		for (const version of versions) {
			router.add(method, `/api/${version}${path}`, handler, {
				params,
				meta: {
					version,
					auth: options.auth ?? true,
					readOnlyAllowed: options.readOnlyAllowed ?? false,
				},
			});
		}
	}

	return {
		router,
		add,
		get: (versions, path, handler, options) => add('GET', versions, path, handler, options),
		post: (versions, path, handler, options) => add('POST', versions, path, handler, options),
		put: (versions, path, handler, options) => add('PUT', versions, path, handler, options),
		patch: (versions, path, handler, options) => add('PATCH', versions, path, handler, options),
		delete: (versions, path, handler, options) => add('DELETE', versions, path, handler, options),
	};
}
