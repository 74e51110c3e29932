/** What the shared engine needs to know about GyroTools Agora (reference: agora.md, Part C). */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { drfErrorText } from '../shared/drf';
import { limitOffsetPagination } from '../shared/pagination';
import type { ApiRequest, ErrorExplanation, Platform } from '../shared/types';
import { resolveRouteSet } from './routeDetection';

/**
 * Documented v2 routes (the default) and the routes GyroTools' connectors use instead, for
 * servers that only serve those. Operations declare the documented path; this table rewrites
 * it when the credential asks for connector-compatible routes. First match wins.
 */
const CONNECTOR_ROUTES: Array<[RegExp, string]> = [
	[/^\/api\/v2\/user\/me\/$/, '/api/v1/user/current/'],
	[/^\/api\/v2\/user\//, '/api/v1/user/'],
	[/^\/api\/v2\/group\//, '/api/v1/groups/'],
	[/^\/api\/v2\/folder\/(\d+)\/(items|new|breadcrumb)\/$/, '/api/v1/folder/$1/$2/'],
	[/^\/api\/v2\/exam\/(\d+)\/datasets\/$/, '/api/v2/exam/$1/datasets/'],
	[/^\/api\/v2\/exam\/(\d+)\/link_to\/(\d+)\/$/, '/api/v1/exam/$1/link_to/$2/'],
	[/^\/api\/v2\/exam\/((?:\d+\/)?(?:series\/)?)$/, '/api/v1/exam/$1'],
	[/^\/api\/v2\/series\/((?:\d+\/)?(?:datasets\/)?)$/, '/api/v1/serie/$1'],
	[/^\/api\/v2\/dataset\/((?:\d+\/)?)$/, '/api/v1/dataset/$1'],
	[/^\/api\/v2\/patient\/((?:\d+\/)?(?:exams\/)?)$/, '/api/v1/patient/$1'],
	[/^\/api\/v2\/folderitem\/(\d+)\/$/, '/api/v1/folderitem/$1/'],
	[/^\/api\/v2\/timelineitem\/((?:\d+\/)?)$/, '/api/v2/timeline/$1'],
	[/^\/api\/v2\/task\/(\d+)\/$/, '/api/v1/taskdefinition/$1/'],
];

export function connectorPath(path: string): string {
	for (const [pattern, replacement] of CONNECTOR_ROUTES) {
		if (pattern.test(path)) return path.replace(pattern, replacement);
	}
	return path;
}

function explain(status: number, text: string, request: ApiRequest): ErrorExplanation | undefined {
	if (status === 401 || (status === 403 && /credentials|token/i.test(text)))
		return {
			message: `Agora did not accept the credentials: ${text}`,
			description:
				'Check the API key (Agora: Profile → API Key) or the username and password in the Agora credential. If the key is right, switch "Header Style" between Token and X-Agora-Api-Key.',
		};
	if (status === 403)
		return {
			message: `Agora refused access: ${text}`,
			description: 'The account lacks the permission for this object or action; ask a project manager for access.',
		};
	if (status === 404)
		return {
			message: `Agora could not find it: ${text} (${request.method} ${request.path})`,
			description: 'Check the ID, or pick the object from the list. If every request fails this way, set Routes to "Automatic" in the credential.',
		};
	return undefined;
}

/** Origin only: Agora serves the API at the host root. */
function origin(credentials: ICredentialDataDecryptedObject): string {
	const text = String(credentials.baseUrl ?? '').trim();
	const match = /^(https?:\/\/[^/]+)/i.exec(text);
	return (match ? match[1] : text).replace(/\/+$/, '');
}

/** Agora as the engine sees it, before the credential's route set is known. */
const withoutDetection: Platform = {
	displayName: 'Agora',
	credentialType: 'agoraApi',
	loginPath: '/api/v1/rest-auth/login/',
	baseUrl: origin,
	resolvePath: (path, credentials) => (credentials.routeSet === 'connector' ? connectorPath(path) : path),
	skipSslValidation: (credentials) => credentials.ignoreSslIssues === true,
	secretFields: ['apiKey', 'password', 'sessionToken'],
	errorText: (body) => drfErrorText(body),
	explainError: explain,
	// Password mode: an expired or deleted session key → log in again once.
	sessionRenewal: {
		expirableField: 'sessionToken',
		isExpired: (status, body, credentials) =>
			credentials.authentication === 'password' &&
			(status === 401 || status === 403) &&
			/invalid token|credentials were not provided/i.test(String((body as IDataObject | undefined)?.detail ?? '')),
	},
	// Agora lists are DRF limit/offset pages (the connectors send limit=…); some routes answer
	// bare arrays, which the style reads as a single complete page.
	pagination: limitOffsetPagination(1000),
};

export const agora: Platform = {
	...withoutDetection,
	// "Automatic" routes: ask the server once which set it serves (routeDetection.ts).
	resolveCredentials: (ctx, credentials, itemIndex) => resolveRouteSet(ctx, withoutDetection, credentials, itemIndex),
};

/** Agora's v1 name for series is "serie" (content types, dataset fields); outputs say "series". */
export function normaliseContentType(value: unknown): string {
	return value === 'serie' ? 'series' : String(value ?? '');
}
