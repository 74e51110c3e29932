/**
 * Sends one file into an import session as flow.js chunks (agora.md B.6.2): 1-based chunk
 * numbers, one flowIdentifier per file, each chunk read from n8n's binary storage straight
 * into its request body. The next chunk is read and hashed while the current one is on the
 * wire, so at most two chunks are in memory. A chunk that fails is sent again as the same
 * chunk (the request is repeatable: the server overwrites a chunk it already has).
 */
import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { BinaryFile } from '../../../shared/binaryFiles';
import { ChunkReader } from '../../../shared/chunkReader';
import { MULTIPART_OVERHEAD, multipartWithFile } from '../../../shared/multipart';
import type { MultipartBody } from '../../../shared/multipart';
import type { RetryPolicy } from '../../../shared/retry';
import { apiRequest } from '../../../shared/transport';
import { agora } from '../../platform';
import type { UploadProgress } from './progress';
import type { ImportRoutes } from './routes';

export interface ChunkSettings {
	importId: number;
	routes: ImportRoutes;
	chunkSize: number;
	/** Send each chunk's SHA-256 (`flowChunkHash`) so the server can reject a damaged chunk. */
	chunkHashes: boolean;
	/** Ask the server which chunks it has and send only the others (resuming an import). */
	resume: boolean;
	policy: RetryPolicy;
	itemIndex: number;
}

export interface SentFile {
	path: string;
	size: number;
	sha1: string;
	identifier: string;
	totalChunks: number;
	chunksSent: number;
	chunksSkipped: number;
}

/** A file whose upload stopped: how far it got and why. */
export interface StoppedFile {
	stopped: true;
	path: string;
	chunk: number;
	totalChunks: number;
	reason: string;
}

/**
 * The flowIdentifier of a file in an import: derived from the import, the target path and the
 * size, so a later run resuming the import finds the chunks the server already holds without
 * the node keeping any state of its own. Shaped like the UUID4 the connectors send.
 */
export function flowIdentifier(importId: number, path: string, size: number): string {
	const hex = createHash('sha256').update(`${importId}\u0000${path}\u0000${size}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The chunk numbers the server holds for a file (empty when it has never seen it). */
export async function chunksOnServer(ctx: IExecuteFunctions, routes: ImportRoutes, identifier: string, itemIndex: number, policy: RetryPolicy): Promise<Set<number>> {
	const response = await apiRequest<IDataObject>(ctx, agora, { method: 'GET', path: routes.flowFile(identifier), acceptError: (status) => status === 404 }, itemIndex, policy);
	if (response.statusCode === 404 || !response.body || typeof response.body !== 'object') return new Set();
	const body = response.body;
	if (Array.isArray(body.chunks)) {
		const numbers = (body.chunks as unknown[]).map((c) => Number(typeof c === 'object' && c ? ((c as IDataObject).number ?? (c as IDataObject).chunk_number ?? (c as IDataObject).flowChunkNumber) : c));
		return new Set(numbers.filter((n) => Number.isInteger(n) && n > 0));
	}
	// Only a count: the server received chunks in order (as every connector sends them).
	const count = Number(body.total_chunks_uploaded ?? 0);
	return new Set(Array.from({ length: Number.isInteger(count) && count > 0 ? count : 0 }, (_, i) => i + 1));
}

interface PreparedChunk {
	number: number;
	request: MultipartBody;
	chunkHash?: string;
}

export async function sendFile(ctx: IExecuteFunctions, file: BinaryFile, path: string, settings: ChunkSettings, progress: UploadProgress): Promise<SentFile | StoppedFile> {
	const { importId, routes, chunkSize, itemIndex } = settings;
	const identifier = flowIdentifier(importId, path, file.size);
	const totalChunks = Math.ceil(file.size / chunkSize);
	const onServer = settings.resume && totalChunks > 0 ? await chunksOnServer(ctx, routes, identifier, itemIndex, settings.policy) : new Set<number>();
	const sha1 = createHash('sha1');
	const reader = new ChunkReader(await file.open());
	const baseName = path.split('/').pop() || path;

	// Two bodies, used in turn: one on the wire while the next is read into the other.
	const bodies = [0, 1].map(() => Buffer.allocUnsafe(Math.min(chunkSize, file.size) + MULTIPART_OVERHEAD));

	const prepare = async (number: number): Promise<PreparedChunk> => {
		const length = Math.min(chunkSize, file.size - (number - 1) * chunkSize);
		const fields: Record<string, string | number> = {
			description: '',
			flowChunkNumber: number,
			flowChunkSize: chunkSize,
			flowCurrentChunkSize: length,
			flowTotalSize: file.size,
			flowIdentifier: identifier,
			flowFilename: path,
			flowRelativePath: path,
			flowTotalChunks: totalChunks,
		};
		// The hash field must precede the file part, so the bytes are read first into a
		// body laid out for it (the field's value has a fixed length: 64 hex digits).
		if (settings.chunkHashes) fields.flowChunkHash = '0'.repeat(64);
		const request = multipartWithFile(fields, { field: 'file', fileName: baseName, size: length, contentType: file.mimeType }, bodies[number % 2]);
		// Hashed piece by piece as the pieces arrive, so no hash holds the event loop for a whole
		// chunk while the previous chunk is still going out on the socket.
		const chunkSha256 = settings.chunkHashes ? createHash('sha256') : undefined;
		const read = await reader.fill(request.file, (piece) => {
			sha1.update(piece);
			chunkSha256?.update(piece);
		});
		if (read !== length)
			throw new Error(`"${path}" ended after ${reader.position} bytes although n8n recorded ${file.size}; the binary data changed or is damaged`);
		let chunkHash: string | undefined;
		if (chunkSha256) {
			chunkHash = chunkSha256.digest('hex');
			writeHashField(request.body, chunkHash);
		}
		return { number, request, chunkHash };
	};

	let chunksSent = 0;
	let chunksSkipped = 0;
	try {
		let next: Promise<PreparedChunk> | undefined = totalChunks > 0 ? prepare(1) : undefined;
		while (next) {
			const chunk: PreparedChunk = await next;
			next = chunk.number < totalChunks ? prepare(chunk.number + 1) : undefined;
			// A read error of the next chunk surfaces when it is awaited, not as an unhandled rejection.
			next?.catch(() => undefined);
			const length = chunk.request.file.length;
			if (onServer.has(chunk.number)) {
				chunksSkipped += 1;
				progress.skipped(length);
				continue;
			}
			try {
				await apiRequest(
					ctx,
					agora,
					{
						method: 'POST',
						path: routes.upload(importId),
						body: chunk.request.body,
						headers: { 'Content-Type': chunk.request.contentType },
						idempotent: true,
						timeoutMs: 600000,
					},
					itemIndex,
					settings.policy,
				);
			} catch (error) {
				return { stopped: true, path, chunk: chunk.number, totalChunks, reason: (error as Error).message };
			}
			chunksSent += 1;
			progress.sent(length);
		}
	} finally {
		await reader.close();
	}
	return { path, size: file.size, sha1: sha1.digest('hex'), identifier, totalChunks, chunksSent, chunksSkipped };
}

const HASH_PLACEHOLDER = Buffer.from(`name="flowChunkHash"\r\n\r\n${'0'.repeat(64)}`);

/** Puts the real chunk hash into the placeholder written by multipartWithFile. */
function writeHashField(body: Buffer, hash: string): void {
	const at = body.indexOf(HASH_PLACEHOLDER);
	body.write(hash, at + HASH_PLACEHOLDER.length - 64, 'latin1');
}
