/**
 * The credential's "Automatic" route set (reference agora.md Part C, "Credential test" and
 * "Path prefix"): whether an Agora server serves the documented v2 routes of the manual is not
 * known (no public client calls them), while every release serves the routes GyroTools'
 * connectors use. So the node asks once for the documented current user, `GET /api/v2/user/me/`:
 * an answer means the documented routes, a 404 means the connectors' routes. Any other failure
 * (wrong key, server down) is the user's real problem and is reported as such, not cached.
 */
import { NodeApiError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, JsonObject } from 'n8n-workflow';
import { apiRequest } from '../shared/transport';
import type { Platform, RequestContext } from '../shared/types';

type RouteSet = 'documented' | 'connector';

/** The path whose presence decides, in the documented form that the node's operations declare. */
const PROBE_PATH = '/api/v2/user/me/';

/** A server upgrade can add routes; ten minutes keeps the probe to one request per workflow run. */
const KEEP_MS = 10 * 60 * 1000;

const detected = new Map<string, { routeSet: Promise<RouteSet>; until: number }>();

async function probe(ctx: RequestContext, platform: Platform, itemIndex?: number): Promise<RouteSet> {
	try {
		await apiRequest(ctx, platform, { method: 'GET', path: PROBE_PATH }, itemIndex);
		return 'documented';
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '404') return 'connector';
		throw new NodeApiError(ctx.getNode(), error as JsonObject); // the same error: apiRequest threw a NodeApiError
	}
}

/**
 * Replaces `routeSet: 'auto'` with the detected set. `platform` must be the Agora platform
 * without its `resolveCredentials` hook (the probe's own request would otherwise ask again).
 * The result is kept per server origin, so parallel items share one probe.
 */
export async function resolveRouteSet(
	ctx: RequestContext,
	platform: Platform,
	credentials: ICredentialDataDecryptedObject,
	itemIndex?: number,
): Promise<ICredentialDataDecryptedObject> {
	if (credentials.routeSet !== 'auto') return credentials;
	const key = platform.baseUrl(credentials);
	let entry = detected.get(key);
	if (!entry || entry.until < Date.now()) {
		entry = { routeSet: probe(ctx, platform, itemIndex), until: Date.now() + KEEP_MS };
		detected.set(key, entry);
		// A failed probe is not an answer about the routes: the next request asks again.
		const mine = entry;
		mine.routeSet.catch(() => detected.get(key) === mine && detected.delete(key));
	}
	return { ...credentials, routeSet: await entry.routeSet };
}

/** For tests: forget what was detected. */
export function forgetDetectedRoutes(): void {
	detected.clear();
}
