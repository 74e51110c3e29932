import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';
import type { ApiRequest, ErrorExplanation, Platform } from './types';
import type { Redactor } from './redact';

/** Thrown by validation code; the engine adds the node and item index. */
export class InvalidParameterError extends Error {
	constructor(
		readonly field: string,
		message: string,
		readonly fix: string,
	) {
		super(message);
	}
}

/** Stop before any request: `field` is the parameter's display name, `fix` says what to do. */
export function invalidParameter(field: string, message: string, fix: string): never {
	throw new InvalidParameterError(field, `${field}: ${message}`, fix);
}

export function toOperationError(node: INode, error: InvalidParameterError, itemIndex: number) {
	return new NodeOperationError(node, error.message, { itemIndex, description: error.fix });
}

/** Generic advice per status class, used when a platform has nothing more specific. */
function genericExplanation(platform: Platform, status: number, serverText: string): ErrorExplanation {
	const said = serverText ? `: ${serverText}` : '';
	if (status === 400 || status === 422)
		return {
			message: `${platform.displayName} rejected the request${said}`,
			description: 'Check the values of the fields named in the message and run the node again.',
		};
	if (status === 401)
		return {
			message: `${platform.displayName} did not accept the credentials${said}`,
			description: `Check the username, password or key in the ${platform.displayName} credential (use its Test button).`,
		};
	if (status === 403)
		return {
			message: `${platform.displayName} refused access${said}`,
			description: 'The account lacks the permission for this action. Ask an administrator, or use an account that has it.',
		};
	if (status === 404)
		return {
			message: `${platform.displayName} could not find it${said}`,
			description: 'Check the ID or name. It may have been deleted, or it belongs to a user this account cannot see.',
		};
	if (status === 429)
		return {
			message: `${platform.displayName} is rate limiting requests${said}`,
			description: 'Space out the requests (for example with a Wait node) or lower the number of items per run.',
		};
	if (status >= 500)
		return {
			message: `${platform.displayName} failed with HTTP ${status}${said}`,
			description: 'The server had an internal failure. Try again later; if it persists, ask the server administrator to check its logs.',
		};
	return {
		message: `${platform.displayName} answered HTTP ${status}${said}`,
		description: 'Check the request parameters and the server.',
	};
}

/**
 * n8n replaces messages that mention a network code (ECONNREFUSED, ...) with a generic text;
 * ours already say what happened and where, so they are put back.
 */
function keepMessage<E extends NodeApiError | NodeOperationError>(error: E, message: string): E {
	error.message = message;
	return error;
}

/** A NodeOperationError whose message stays as written, even when it names a network error code. */
export function operationError(node: INode, message: string, options: { itemIndex?: number; description?: string }): NodeOperationError {
	return keepMessage(new NodeOperationError(node, message, options), message);
}

export function httpError(
	node: INode,
	platform: Platform,
	request: ApiRequest,
	status: number,
	serverText: string,
	redactor: Redactor,
	itemIndex?: number,
): NodeApiError {
	const safeText = redactor.text(serverText);
	const explanation =
		platform.explainError?.(status, safeText, request) ?? genericExplanation(platform, status, safeText);
	const errorResponse: JsonObject = {
		message: redactor.text(explanation.message),
		httpCode: String(status),
		request: `${request.method} ${request.path}`,
		serverMessage: safeText,
	};
	return keepMessage(
		new NodeApiError(node, errorResponse, {
			message: redactor.text(explanation.message),
			description: explanation.description ? redactor.text(explanation.description) : undefined,
			httpCode: String(status),
			itemIndex,
		}),
		redactor.text(explanation.message),
	);
}

const NETWORK_ADVICE: Record<string, string> = {
	ECONNREFUSED: 'Nothing is listening at that address. Check the Base URL (host and port) in the credential and that the server is running.',
	ENOTFOUND: 'The host name does not resolve. Check the Base URL in the credential.',
	EAI_AGAIN: 'The host name could not be resolved right now. Check the Base URL and the DNS of the n8n host.',
	ECONNRESET: 'The server closed the connection. Try again; if it persists, check proxies between n8n and the server.',
	ETIMEDOUT: 'The server did not answer in time. Check that it is reachable from the n8n host, or raise the timeout.',
	ECONNABORTED: 'The request took longer than the timeout. Raise the timeout or try again later.',
	CERT_HAS_EXPIRED: 'The server certificate has expired. Renew it, or enable "Ignore SSL Issues" in the credential.',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'The server uses a self-signed certificate. Enable "Ignore SSL Issues" in the credential if you trust it.',
	SELF_SIGNED_CERT_IN_CHAIN: 'The server certificate chain is self-signed. Enable "Ignore SSL Issues" in the credential if you trust it.',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'The server certificate cannot be verified. Enable "Ignore SSL Issues" in the credential if you trust it.',
};

const NETWORK_CODE = /\b(E[A-Z]{3,}|CERT_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\b/;

/** The low-level code (ECONNRESET, ...) of a failure, looking through n8n's wrappers. */
export function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const candidate = current as { code?: unknown; httpCode?: unknown; cause?: unknown; message?: unknown; messages?: unknown };
		// NodeApiError files a network code such as ECONNRESET under httpCode.
		for (const code of [candidate.code, candidate.httpCode]) {
			if (typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code) && code !== 'ERR_BAD_REQUEST') return code;
		}
		// n8n's NodeApiError drops an Error cause (a class field shadows it) but keeps the
		// original message, e.g. "connect ECONNREFUSED 127.0.0.1:9", in `messages`.
		const texts = [candidate.message, ...(Array.isArray(candidate.messages) ? candidate.messages : [])];
		for (const text of texts) {
			if (typeof text !== 'string') continue;
			const found = NETWORK_CODE.exec(text);
			if (found) return found[1];
		}
		current = candidate.cause;
	}
	return undefined;
}

export function networkError(
	node: INode,
	platform: Platform,
	url: string,
	error: unknown,
	redactor: Redactor,
	itemIndex?: number,
): NodeApiError {
	const code = networkErrorCode(error) ?? 'UNKNOWN';
	const raw = error instanceof Error ? error.message : String(error);
	const message = redactor.text(`Could not reach ${platform.displayName} at ${url} (${code}): ${raw}`);
	return keepMessage(
		new NodeApiError(node, { message, networkCode: code } as JsonObject, {
			message,
			description: NETWORK_ADVICE[code] ?? 'Check the Base URL in the credential and the network between n8n and the server.',
			itemIndex,
		}),
		message,
	);
}

/**
 * The HTTP status of a failure that happened before the request was sent: n8n runs the
 * credential's login (preAuthentication) inside its request helper and wraps its HTTP error.
 */
export function loginFailure(error: unknown): { status: number; body: unknown } | undefined {
	const candidate = error as { httpCode?: unknown; context?: { data?: unknown }; response?: { status?: number; data?: unknown }; description?: unknown };
	const code = typeof candidate?.httpCode === 'string' ? Number(candidate.httpCode) : candidate?.response?.status;
	if (typeof code !== 'number' || !Number.isInteger(code) || code < 400 || code > 599) return undefined;
	return { status: code, body: candidate.context?.data ?? candidate.response?.data ?? candidate.description ?? '' };
}
