/** What the shared engine needs to know about CC-Agency (reference: cc-agency.md). */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { skipLimitPagination } from '../shared/pagination';
import type { ApiRequest, ErrorExplanation, Platform } from '../shared/types';

const HTML_ENTITIES: Record<string, string> = { '&#34;': '"', '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' };

/** The text of the `<p>` of a Werkzeug error page (401/404/405/500 bodies). */
function htmlErrorText(html: string): string {
	const paragraph = /<p>([\s\S]*?)<\/p>/i.exec(html)?.[1] ?? /<title>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? html;
	return paragraph.replace(/&#34;|&quot;|&#39;|&lt;|&gt;|&amp;/g, (entity) => HTML_ENTITIES[entity]).trim();
}

/**
 * CC-Agency has four error formats: a JSON string literal ("400 Bad Request: ..."), plain
 * `Unauthorized`, a Werkzeug HTML page, and JWT errors as `{"msg": ...}`.
 */
export function ccAgencyErrorText(body: unknown): string {
	if (typeof body === 'string') {
		const trimmed = body.trim();
		if (trimmed.startsWith('<')) return htmlErrorText(trimmed);
		return trimmed.replace(/^\d{3} [A-Za-z ]+: /, '');
	}
	if (body && typeof body === 'object' && typeof (body as { msg?: unknown }).msg === 'string')
		return (body as { msg: string }).msg;
	return body === undefined || body === null ? '' : JSON.stringify(body);
}

function explain(status: number, text: string, request: ApiRequest): ErrorExplanation | undefined {
	if ((status === 401 || status === 422) && /token|signature|segments|authorization header/i.test(text)) {
		return {
			message: `CC-Agency rejected the session token: ${text}`,
			description: 'Save the credential again so n8n logs in anew, or switch it to Basic authentication.',
		};
	}
	if (status === 401) {
		const blocked = /currently blocked/i.test(text);
		return {
			message: blocked
				? `CC-Agency has blocked the account after repeated failed logins: ${text}`
				: `CC-Agency did not accept the credentials: ${text || 'Unauthorized'}`,
			description: blocked
				? 'Wait about 30 seconds for the block to lift, then fix the password in the CC-Agency credential. The node never retries a rejected login, because every failure extends the block.'
				: 'Check the username and password in the CC-Agency credential (use its Test button). The agency blocks an account for about 30 seconds after four failed logins, so the node does not retry.',
		};
	}
	if (status === 404 && /Could not find Object|Could not find batch/i.test(text)) {
		return {
			message: `CC-Agency could not find it: ${text}`,
			description:
				'Check the ID. CC-Agency also answers "not found" for experiments and batches that belong to another user.',
		};
	}
	if (status === 400 && request.path === '/red') {
		return {
			message: `CC-Agency rejected the RED document: ${text}`,
			description:
				'Fix the RED document (field "RED Document" or the input file) as the message says. Validate it locally with faice if in doubt.',
		};
	}
	if (status === 400 && /ObjectId|batch ID/i.test(text)) {
		return {
			message: `CC-Agency rejected the ID: ${text}`,
			description: 'IDs are 24-character hexadecimal strings, for example 6b021bfde01f6ca63d0b7a88.',
		};
	}
	return undefined;
}

export const ccAgency: Platform = {
	displayName: 'CC-Agency',
	credentialType: 'ccAgencyApi',
	loginPath: '/login',
	baseUrl: (credentials: ICredentialDataDecryptedObject) => String(credentials.baseUrl ?? '').replace(/\/+$/, ''),
	skipSslValidation: (credentials) => credentials.ignoreSslIssues === true,
	secretFields: ['password', 'accessToken', 'refreshToken'],
	errorText: (body) => ccAgencyErrorText(body),
	explainError: explain,
	// JWT mode: an expired access token answers 401 {"msg": "Token has expired"}; log in again once.
	sessionRenewal: {
		expirableField: 'accessToken',
		isExpired: (status, body, credentials) =>
			credentials.authentication === 'jwt' &&
			(status === 401 || status === 422) &&
			!!body &&
			typeof body === 'object' &&
			typeof (body as { msg?: unknown }).msg === 'string',
	},
	// The agency has no page cap; 1000 keeps each response small enough to parse quickly.
	pagination: skipLimitPagination(1000),
};

export const TERMINAL_STATES = ['succeeded', 'failed', 'cancelled'];
export const BATCH_STATES = ['registered', 'scheduled', 'processing', ...TERMINAL_STATES];
export const OBJECT_ID = /^[0-9a-f]{24}$/;
