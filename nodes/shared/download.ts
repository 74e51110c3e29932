/**
 * A file download straight into n8n's binary storage: the response is streamed (never held in
 * memory), hashed on the way, and fetched again from the start when the connection breaks
 * mid-transfer (a partial file is never handed on).
 */
import { sleep } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';
import { networkErrorCode, operationError } from './errors';
import { storeStream } from './binaryFiles';
import type { Readable, StoredDownload } from './binaryFiles';
import { backoffMs, RETRYABLE_NETWORK_CODES, TRANSFER_RETRY_POLICY } from './retry';
import { apiRequest } from './transport';
import type { Platform } from './types';

export interface DownloadOptions {
	path: string;
	/** File name to store; falls back to the server's Content-Disposition name, then `fallbackName`. */
	fileName?: string;
	fallbackName: string;
	mimeType?: string;
	/** Digests to compute while storing, e.g. ['sha1']. */
	algorithms?: string[];
	/** Whole-download attempts when the stream breaks (each starts from byte 0). */
	attempts?: number;
	itemIndex: number;
}

export interface Downloaded extends StoredDownload {
	fileName: string;
	/** Content-Length the server announced, when it did. */
	announcedBytes?: number;
}

/** The file name of a Content-Disposition header (RFC 6266 / 5987), if any. */
export function contentDispositionName(header: unknown): string | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string') return undefined;
	const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(value);
	if (extended) {
		try {
			return decodeURIComponent(extended[1].trim());
		} catch {
			// fall through to the plain name
		}
	}
	const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(value);
	return plain ? (plain[2] ?? plain[1]).trim() : undefined;
}

export async function downloadToBinary(ctx: IExecuteFunctions, platform: Platform, options: DownloadOptions): Promise<Downloaded> {
	const attempts = Math.max(1, options.attempts ?? TRANSFER_RETRY_POLICY.maxRetries + 1);
	for (let attempt = 1; ; attempt++) {
		const response = await apiRequest<Readable>(ctx, platform, { method: 'GET', path: options.path, encoding: 'stream', headers: { Accept: '*/*' }, timeoutMs: 600000 }, options.itemIndex, TRANSFER_RETRY_POLICY);
		const fileName = options.fileName || contentDispositionName(response.headers['content-disposition']) || options.fallbackName;
		const length = Number(response.headers['content-length']);
		const mimeType = options.mimeType ?? (String(response.headers['content-type'] ?? '').split(';')[0] || undefined);
		try {
			const stored = await storeStream(ctx, response.body, fileName, mimeType, options.algorithms);
			const announcedBytes = Number.isFinite(length) ? length : undefined;
			if (announcedBytes !== undefined && stored.bytes !== announcedBytes)
				throw Object.assign(new Error(`the connection ended after ${stored.bytes} of ${announcedBytes} bytes`), { code: 'ECONNRESET' });
			return { ...stored, fileName, announcedBytes };
		} catch (error) {
			const code = networkErrorCode(error) ?? (error as { code?: string }).code;
			if (attempt >= attempts || !code || !RETRYABLE_NETWORK_CODES.has(code)) {
				const message = `${platform.displayName} download of ${options.path} failed after ${attempt} attempt(s): ${(error as Error).message}`;
				throw operationError(ctx.getNode(), message, {
					itemIndex: options.itemIndex,
					description: code ? 'The connection kept breaking. Check the network between n8n and the server, then run the node again.' : 'n8n could not store the file: check the free space of n8n\'s binary data storage.',
				});
			}
			const delay = backoffMs(attempt - 1, TRANSFER_RETRY_POLICY);
			ctx.logger.warn(`${platform.displayName} download ${options.path} broke off (${code}); starting again in ${delay} ms (attempt ${attempt + 1} of ${attempts})`);
			await sleep(delay);
		}
	}
}
