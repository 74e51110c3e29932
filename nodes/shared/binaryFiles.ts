/**
 * Files in and out of n8n's binary data without whole-file buffers: uploads read the stored
 * file as a stream (`getBinaryStream`), downloads hand the response stream to
 * `prepareBinaryData`, which writes it to n8n's binary storage, and hash it on the way.
 */
import { createHash } from 'crypto';
import type { Hash } from 'crypto';
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { invalidParameter } from './errors';

/** Node's Readable, named through n8n's types (the cloud lint allows no `stream` import). */
export type Readable = Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>>;

/** Bytes per read from n8n's binary storage: small pieces keep transient garbage small. */
const READ_SIZE = 1024 * 1024;

/**
 * How far a download may run ahead of n8n's binary storage. Storage writes a stream with
 * `fs.promises.writeFile`, one awaited 512 KiB write at a time; at Node's default high-water
 * mark (16 KiB on Node 20) the socket pauses during every write, so network and disk take
 * turns, 64 KiB at a time. With room to read ahead the socket keeps reading while a write is
 * under way. More room is not faster: each write's completion waits for the main thread, which
 * also reads the socket, and a large room lets one burst of socket reads hold it longer. In
 * real n8n 2.8.4 (1 GiB ZIP, 12 interleaved runs, stored files removed between runs) 1 MiB gave
 * a median of 702 MiB/s against 625 for 4 MiB, at a quarter of the memory; `npm run bench`
 * measures it against curl and a plain Node client.
 */
export const DOWNLOAD_READ_AHEAD = 1024 * 1024;

/** One file of an input item, ready to be read as a stream. */
export interface BinaryFile {
	itemIndex: number;
	field: string;
	fileName: string;
	mimeType: string;
	/** Directory the file came from, when the producing node recorded it (e.g. Read Files from Disk). */
	directory?: string;
	size: number;
	/** A fresh stream of the file's bytes (each call starts at the beginning). */
	open(): Promise<AsyncIterable<Buffer>>;
}

/** The binary field names of an item that a "Binary Fields" parameter selects ("*" = all). */
export function selectBinaryFields(ctx: IExecuteFunctions, itemIndex: number, spec: string, parameter: string): string[] {
	const names = spec
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	if (names.length === 0) invalidParameter(parameter, 'no binary field named', 'Enter the name of the binary field holding the file (usually "data"), several separated by commas, or * for all of them.');
	if (!names.includes('*')) return names;
	const available = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {});
	if (available.length === 0)
		invalidParameter(parameter, `input item ${itemIndex} has no binary data`, 'Make sure the previous node outputs files (for example Read Files from Disk or HTTP Request with a file response).');
	return available;
}

/** Opens one binary field of an item; explains what to do when it is missing. */
export async function binaryFile(ctx: IExecuteFunctions, itemIndex: number, field: string, parameter: string): Promise<BinaryFile> {
	let binary: IBinaryData;
	try {
		binary = ctx.helpers.assertBinaryData(itemIndex, field);
	} catch {
		const available = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {});
		return invalidParameter(
			parameter,
			`input item ${itemIndex} has no binary field "${field}"`,
			available.length
				? `Use one of the item's binary fields: ${available.join(', ')} (or * for all of them).`
				: 'The item has no files: make sure the previous node outputs binary data.',
		);
	}
	const fileName = binary.fileName ?? field;
	const mimeType = binary.mimeType || 'application/octet-stream';
	if (binary.id) {
		const id = binary.id;
		const size = typeof binary.bytes === 'number' ? binary.bytes : (await ctx.helpers.getBinaryMetadata(id)).fileSize;
		return {
			itemIndex,
			field,
			fileName,
			mimeType,
			directory: binary.directory,
			size,
			open: async () => (await ctx.helpers.getBinaryStream(id, READ_SIZE)) as unknown as AsyncIterable<Buffer>,
		};
	}
	// Inline binary data (n8n 1.x memory mode): the bytes are already in the item.
	return { ...bufferAsFile(Buffer.from(binary.data, 'base64'), fileName, mimeType, itemIndex), field, directory: binary.directory };
}

/** Small generated content (e.g. a JSON template) as a file to upload. */
export function bufferAsFile(bytes: Buffer, fileName: string, mimeType: string, itemIndex: number): BinaryFile {
	async function* once() {
		yield bytes;
	}
	return { itemIndex, field: '', fileName, mimeType, size: bytes.length, open: async () => once() };
}

/** SHA-1 of a file, read as a stream. */
export async function sha1OfFile(file: BinaryFile): Promise<string> {
	const hash = createHash('sha1');
	for await (const piece of await file.open()) hash.update(piece);
	return hash.digest('hex');
}

export interface StoredDownload {
	binary: IBinaryData;
	bytes: number;
	/** Hex digests of the bytes stored, by algorithm. */
	digests: Record<string, string>;
}

/**
 * Stores a response stream as n8n binary data, hashing it as n8n reads it.
 *
 * Why a 'data' listener on a paused stream: Node emits 'data' for every chunk the consumer
 * takes, in flowing and in paused mode (`read()` emits it too). Pausing right after attaching
 * keeps the stream from flowing before n8n's storage starts reading, so no chunk can reach the
 * hash without also reaching the file, and nothing is buffered beyond the stream's own pieces.
 */
export async function storeStream(
	ctx: IExecuteFunctions,
	stream: Readable,
	fileName: string,
	mimeType: string | undefined,
	algorithms: string[] = [],
): Promise<StoredDownload> {
	const hashes: Array<[string, Hash]> = algorithms.map((name) => [name, createHash(name)]);
	allowReadAhead(stream, DOWNLOAD_READ_AHEAD);
	let bytes = 0;
	stream.on('data', (chunk: Buffer) => {
		bytes += chunk.length;
		for (const [, hash] of hashes) hash.update(chunk);
	});
	stream.pause();
	// Storage in filesystem mode pipes the stream, which resumes it. n8n 1.x's in-memory mode
	// (the default there) only listens for 'data', which leaves a paused stream paused: the
	// download would wait forever. So the first 'data' listener storage adds resumes it (the
	// flow starts on the next tick, after the listener is attached).
	const resumeForStorage = (event: string | symbol) => {
		if (event !== 'data') return;
		stream.removeListener('newListener', resumeForStorage);
		stream.resume();
	};
	stream.on('newListener', resumeForStorage);
	const binary = await ctx.helpers.prepareBinaryData(stream, fileName, mimeType);
	const digests = Object.fromEntries(hashes.map(([name, hash]) => [name, hash.digest('hex')]));
	return { binary, bytes, digests };
}

/**
 * Raises a stream's high-water mark. Node has no public setter and the cloud lint allows no
 * 'stream' import (for a PassThrough), so this sets the readable state's field, which Node
 * reads on every push (checked on Node 20 and 24). Should the field ever move, nothing breaks:
 * the download keeps Node's default and is only slower.
 */
function allowReadAhead(stream: Readable, bytes: number): void {
	const state = (stream as unknown as { _readableState?: { highWaterMark?: unknown } })._readableState;
	if (state && typeof state.highWaterMark === 'number' && state.highWaterMark < bytes) state.highWaterMark = bytes;
}

/** Throughput for summaries, one decimal: bytes over seconds in MiB/s. */
export function mibPerSecond(bytes: number, seconds: number): number {
	return Math.round((bytes / 1024 / 1024 / Math.max(0.001, seconds)) * 10) / 10;
}

/** "12.3 MiB" for log lines and summaries. */
export function formatBytes(bytes: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit += 1;
	}
	return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
