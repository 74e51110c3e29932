/**
 * The one request helper for all three platforms. Every HTTP call of every node, trigger,
 * list search and multi-step operation goes through `apiRequest`:
 * authentication via the credential type, timeout, retries with capped exponential backoff
 * that honour Retry-After (transient failures of idempotent requests only), one session
 * renewal when a platform says its token was rejected, error mapping and secret redaction.
 */
import { sleep } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	IAdditionalCredentialOptions,
} from 'n8n-workflow';
import { httpError, loginFailure, networkError, networkErrorCode } from './errors';
import { Redactor } from './redact';
import {
	DEFAULT_RETRY_POLICY,
	RETRYABLE_NETWORK_CODES,
	RETRYABLE_STATUSES,
	backoffMs,
	isIdempotentMethod,
	retryAfterMs,
} from './retry';
import type { RetryPolicy } from './retry';
import type { ApiRequest, ApiResponse, Platform, RequestContext } from './types';

const DEFAULT_TIMEOUT_MS = 60000;

function isStream(body: unknown): boolean {
	return !!body && typeof body === 'object' && typeof (body as { pipe?: unknown }).pipe === 'function';
}

function isEmptyObject(body: unknown): boolean {
	return !!body && typeof body === 'object' && !Array.isArray(body) && !isStream(body) && !Buffer.isBuffer(body) && Object.keys(body).length === 0;
}

function plainHeaders(headers: unknown): ApiResponse['headers'] {
	const out: ApiResponse['headers'] = {};
	if (headers && typeof headers === 'object') {
		for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
			if (typeof value === 'string' || Array.isArray(value)) out[key.toLowerCase()] = value as string | string[];
			else if (value !== undefined && value !== null) out[key.toLowerCase()] = String(value);
		}
	}
	return out;
}

export async function loadCredentials(ctx: RequestContext, platform: Platform, itemIndex?: number) {
	const credentials = (await (ctx.getCredentials as (type: string, index?: number) => Promise<ICredentialDataDecryptedObject>)(
		platform.credentialType,
		itemIndex,
	)) as ICredentialDataDecryptedObject;
	return platform.resolveCredentials ? await platform.resolveCredentials(ctx, credentials, itemIndex) : credentials;
}

export function redactorFor(platform: Platform, credentials: ICredentialDataDecryptedObject): Redactor {
	return new Redactor(platform.secretFields.map((field) => credentials[field] as string)).withBasic(
		credentials.username,
		credentials.password,
	);
}

/** Sends one request, with the retry and renewal rules above. Throws NodeApiError on failure. */
export async function apiRequest<T = unknown>(
	ctx: RequestContext,
	platform: Platform,
	request: ApiRequest,
	itemIndex?: number,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<ApiResponse<T>> {
	const credentials = await loadCredentials(ctx, platform, itemIndex);
	const redactor = redactorFor(platform, credentials);
	const url = `${platform.baseUrl(credentials)}${platform.resolvePath?.(request.path, credentials) ?? request.path}`;
	const node = ctx.getNode();
	const streamingBody = isStream(request.body);
	const mayRepeat = (request.idempotent ?? isIdempotentMethod(request.method)) && !streamingBody;

	const options: IHttpRequestOptions = {
		method: request.method,
		url,
		qs: request.qs,
		headers: { Accept: 'application/json', ...request.headers },
		ignoreHttpStatusErrors: true,
		returnFullResponse: true,
		timeout: request.timeoutMs ?? platform.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS,
		skipSslCertificateValidation: platform.skipSslValidation?.(credentials) ?? false,
	};
	if (isEmptyObject(request.body)) {
		// n8n's HTTP layer drops an empty object body; servers that expect JSON get a literal {}.
		options.body = '{}';
		options.headers = { ...options.headers, 'Content-Type': 'application/json' };
	} else if (request.body !== undefined) options.body = request.body as IHttpRequestOptions['body'];
	if (request.encoding === 'stream' || request.encoding === 'text' || request.encoding === 'arraybuffer')
		options.encoding = request.encoding;

	let credentialOptions: IAdditionalCredentialOptions | undefined;
	let renewed = false;
	for (let attempt = 0; ; attempt++) {
		const started = Date.now();
		let response: IN8nHttpFullResponse;
		try {
			response = (await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				platform.credentialType,
				{ ...options },
				credentialOptions,
			)) as IN8nHttpFullResponse;
		} catch (error) {
			const login = loginFailure(error);
			if (login) {
				const text = platform.errorText(login.body, {});
				throw httpError(node, platform, { method: 'POST', path: platform.loginPath ?? '(login)' }, login.status, text, redactor, itemIndex);
			}
			const code = networkErrorCode(error);
			if (mayRepeat && code && RETRYABLE_NETWORK_CODES.has(code) && attempt < policy.maxRetries) {
				const delay = backoffMs(attempt, policy);
				ctx.logger.warn(
					`${platform.displayName} ${request.method} ${request.path}: ${code}, retry ${attempt + 1} of ${policy.maxRetries} in ${delay} ms`,
				);
				await sleep(delay);
				continue;
			}
			throw networkError(node, platform, url, error, redactor, itemIndex);
		}

		const status = response.statusCode;
		ctx.logger.debug(`${platform.displayName} ${request.method} ${request.path} -> ${status} in ${Date.now() - started} ms`);

		if (
			!renewed &&
			!streamingBody &&
			platform.sessionRenewal?.isExpired(status, response.body, credentials)
		) {
			// Clearing the expirable field makes n8n run the credential's preAuthentication again
			// (a fresh login) and store the new token, whatever n8n version hosts the node.
			renewed = true;
			const stored = node.credentials?.[platform.credentialType];
			credentialOptions = {
				credentialsDecrypted: {
					id: stored?.id ?? '',
					name: stored?.name ?? platform.credentialType,
					type: platform.credentialType,
					data: { ...credentials, [platform.sessionRenewal.expirableField]: '' },
				},
			};
			ctx.logger.info(`${platform.displayName}: session token rejected, logging in again`);
			continue;
		}

		const refused = (status === 429 || status === 503) && request.retryWhenRefused === true && !streamingBody;
		if (RETRYABLE_STATUSES.has(status) && (mayRepeat || refused) && attempt < policy.maxRetries) {
			const wanted = retryAfterMs(response.headers?.['retry-after']);
			if (wanted === undefined || wanted <= policy.maxRetryAfterMs) {
				const delay = wanted ?? backoffMs(attempt, policy);
				ctx.logger.warn(
					`${platform.displayName} ${request.method} ${request.path}: HTTP ${status}, retry ${attempt + 1} of ${policy.maxRetries} in ${delay} ms`,
				);
				await sleep(delay);
				continue;
			}
		}

		const headers = plainHeaders(response.headers);
		if (status >= 400) {
			const text = await errorBodyText(platform, response.body, headers);
			if (request.acceptError?.(status, text)) return { statusCode: status, headers, body: text as T };
			throw httpError(node, platform, request, status, text, redactor, itemIndex);
		}
		return { statusCode: status, headers, body: response.body as T };
	}
}

async function errorBodyText(platform: Platform, body: unknown, headers: ApiResponse['headers']): Promise<string> {
	let value = body;
	if (isStream(body)) value = await readSmallStream(body as AsyncIterable<Buffer>, 64 * 1024);
	else if (Buffer.isBuffer(value)) value = value.toString('utf8');
	else if (value instanceof ArrayBuffer) value = Buffer.from(value).toString('utf8');
	if (typeof value === 'string' && /json/i.test(String(headers['content-type'] ?? ''))) {
		try {
			value = JSON.parse(value);
		} catch {
			// keep the raw text
		}
	}
	return platform.errorText(value, headers).slice(0, 4000);
}

/** Reads at most `limit` bytes of an error stream; the rest is discarded. */
async function readSmallStream(stream: AsyncIterable<Buffer>, limit: number): Promise<string> {
	const parts: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		if (size < limit) parts.push(chunk);
		size += chunk.length;
	}
	return Buffer.concat(parts).toString('utf8').slice(0, limit);
}

/** Convenience: the body of a successful request. */
export async function apiJson<T = unknown>(
	ctx: RequestContext,
	platform: Platform,
	request: ApiRequest,
	itemIndex?: number,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<T> {
	return (await apiRequest<T>(ctx, platform, request, itemIndex, policy)).body;
}
