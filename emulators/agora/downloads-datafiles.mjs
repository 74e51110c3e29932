// Large datafiles for download tests and benchmarks (`POST /__emulator/datafiles`), written
// to the BlobStore as a stream: 1 MiB at a time, with SHA-1 (the datafile's `sha1`) and
// CRC-32 (handed to the download CRC cache) computed on the way, so a 1 GiB file costs a few
// seconds and no memory. The bytes are the AES-128-CTR keystream of a key derived from the
// seed, which is fast (AES-NI), deterministic and seekable, so a test can regenerate any
// part of the file on its own:
//   key   = SHA-256("agora-emulator-seed:<seed>"), first 16 bytes
//   bytes = AES-128-CTR(key, counter block 0 = sixteen zero bytes) applied to zeros
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import zlib from 'node:zlib';

const CHUNK = 1024 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

/** A cipher producing the seed's bytes from `offset` on (call `.update(zeros)`). */
export function seededCipher(seed, offset = 0) {
	const key = createHash('sha256').update(`agora-emulator-seed:${seed}`).digest().subarray(0, 16);
	const iv = Buffer.alloc(16);
	iv.writeBigUInt64BE(BigInt(Math.floor(offset / 16)), 8);
	const cipher = createCipheriv('aes-128-ctr', key, iv);
	if (offset % 16) cipher.update(ZEROS.subarray(0, offset % 16));
	return cipher;
}

/** Writes `size` seeded bytes to `path`; returns their sha1 and crc32. */
export async function writeSeededFile(path, size, seed) {
	const cipher = seededCipher(seed);
	const sha1 = createHash('sha1');
	let crc = 0;
	const fh = await open(path, 'w');
	try {
		for (let left = size; left > 0; left -= CHUNK) {
			const bytes = cipher.update(ZEROS.subarray(0, Math.min(CHUNK, left)));
			sha1.update(bytes);
			crc = zlib.crc32(bytes, crc);
			await fh.write(bytes); // one chunk in flight: memory stays flat
		}
	} finally {
		await fh.close();
	}
	return { sha1: sha1.digest('hex'), crc32: crc >>> 0 };
}

/**
 * Creates a datafile of `size` seeded bytes in a dataset. The bytes go to a temporary file
 * first and the row is inserted only when they are complete, so no download ever sees half
 * a file. Returns the row and the CRC-32.
 */
export async function createSeededDatafile(
	{ store, blobs, model },
	{ dataset, name, size, seed = 0, mimeType = 'application/octet-stream' },
) {
	const t = store.t;
	const ds = t.datasets.get(dataset);
	if (!ds || ds.trashed) throw new Error(`no dataset ${dataset}`);
	if (typeof name !== 'string' || !name.trim()) throw new Error('name must be a file name');
	if (!Number.isSafeInteger(size) || size < 0) throw new Error('size must be an integer >= 0');
	if (!Number.isSafeInteger(seed)) throw new Error('seed must be an integer');
	const tmp = join(blobs.dir, `.generating-${randomBytes(6).toString('hex')}`);
	let written;
	try {
		written = await writeSeededFile(tmp, size, seed);
	} catch (e) {
		await rm(tmp, { force: true });
		throw e;
	}
	const df = model.addDatafileFromFile(ds.id, { path: name, file: tmp, size, sha1: written.sha1, mime_type: mimeType });
	return { datafile: df, crc32: written.crc32 };
}
