// A streaming ZIP writer for archives of files on disk (or any byte source), with no
// compression. Why STORED only: the archive's exact size, and every entry's offset, follow
// from the entries' names and sizes alone, so a server can announce `Content-Length` (and
// `total_size`) before it sends the first byte, and can answer a `Range` request by working
// out which entry a byte offset falls in instead of regenerating the archive up to it.
// CRC-32s are computed ahead (crc32OfStream) and passed in, so local headers carry CRC and
// sizes and no data descriptors are needed. Names are UTF-8 (general purpose flag bit 11).
// ZIP64 records are written only where a value does not fit the classic fields (entries of
// 4 GiB and more, offsets past 4 GiB, 65535+ entries); tests may lower those limits.
//
//   const layout = planZip([{ name, size, crc32, mtime, open({start, end}) => Readable }]);
//   layout.totalSize                      // bytes of the whole archive
//   zipStream(layout, { start, end })     // a Readable of bytes start..end (inclusive)
//
// Memory stays flat whatever the archive size: file sources are read one after another
// through an async generator, so the consumer's back-pressure pauses the file being read.
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_ZIP64_END = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_END = 0x06054b50;
const FLAG_UTF8 = 0x0800;
const MADE_BY_UNIX_45 = (3 << 8) | 45; // host Unix (so external attributes are a mode), spec 4.5
const FILE_MODE = (0o100644 << 16) >>> 0; // regular file, rw-r--r--
const LOCAL_SIZE = 30;
const CENTRAL_SIZE = 46;
const END_SIZE = 22;
const ZIP64_END_SIZE = 56;
const ZIP64_LOCATOR_SIZE = 20;
const CD_BATCH_BYTES = 64 * 1024;

/** The classic format's limits: a value at or above one of them needs ZIP64. */
export const ZIP_LIMITS = Object.freeze({ u32: 0xffffffff, u16: 0xffff });

/**
 * MS-DOS date and time of a Date, ISO string or epoch ms, from its UTC fields (so the archive
 * does not depend on the server's time zone). Years outside 1980..2107 are clamped.
 */
export function dosDateTime(when) {
	const d = when == null ? new Date(Date.UTC(1980, 0, 1)) : new Date(when);
	if (Number.isNaN(d.getTime())) return { date: (0 << 9) | (1 << 5) | 1, time: 0 };
	const year = Math.min(2107, Math.max(1980, d.getUTCFullYear()));
	const date = ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
	const time = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
	return { date, time };
}

/**
 * Lays out an archive. Entries: `{name, size, crc32?, mtime?, open({start, end})}`; `crc32`
 * may still be missing here (sizes decide the layout) but must be set before zipStream().
 * @param {Array<object>} entries
 * @param {{limits?: {u32?: number, u16?: number}}} [options]
 */
export function planZip(entries, { limits = {} } = {}) {
	const lim = { ...ZIP_LIMITS, ...limits };
	let offset = 0;
	let cdSize = 0;
	const planned = entries.map((entry) => {
		const nameBytes = Buffer.from(entry.name, 'utf8');
		if (!entry.name || nameBytes.length > 0xffff || entry.name.includes('\0'))
			throw new Error(`invalid zip entry name ${JSON.stringify(entry.name)}`);
		if (!Number.isSafeInteger(entry.size) || entry.size < 0)
			throw new Error(`invalid size for zip entry ${entry.name}`);
		const zip64Size = entry.size >= lim.u32;
		const zip64Offset = offset >= lim.u32;
		const localLength = LOCAL_SIZE + nameBytes.length + (zip64Size ? 20 : 0);
		const centralExtra = (zip64Size ? 16 : 0) + (zip64Offset ? 8 : 0);
		const centralLength = CENTRAL_SIZE + nameBytes.length + (centralExtra ? 4 + centralExtra : 0);
		const out = {
			...entry,
			nameBytes,
			zip64Size,
			zip64Offset,
			offset,
			localLength,
			dataStart: offset + localLength,
			centralLength,
			dos: dosDateTime(entry.mtime),
		};
		offset += localLength + entry.size;
		cdSize += centralLength;
		return out;
	});
	const cdOffset = offset;
	const zip64End = planned.length >= lim.u16 || cdSize >= lim.u32 || cdOffset >= lim.u32;
	const trailerLength = (zip64End ? ZIP64_END_SIZE + ZIP64_LOCATOR_SIZE : 0) + END_SIZE;
	return {
		entries: planned,
		limits: lim,
		cdOffset,
		cdSize,
		zip64End,
		trailerLength,
		totalSize: cdOffset + cdSize + trailerLength,
		zip64: zip64End || planned.some((e) => e.zip64Size || e.zip64Offset),
	};
}

function versionNeeded(e) {
	return e.zip64Size || e.zip64Offset ? 45 : 20;
}

function crcOf(e) {
	if (!Number.isInteger(e.crc32)) throw new Error(`zip entry ${e.name} has no CRC-32 yet`);
	return e.crc32 >>> 0;
}

export function localHeader(e) {
	const b = Buffer.alloc(e.localLength);
	b.writeUInt32LE(SIG_LOCAL, 0);
	b.writeUInt16LE(versionNeeded(e), 4);
	b.writeUInt16LE(FLAG_UTF8, 6);
	b.writeUInt16LE(0, 8); // STORED
	b.writeUInt16LE(e.dos.time, 10);
	b.writeUInt16LE(e.dos.date, 12);
	b.writeUInt32LE(crcOf(e), 14);
	const size32 = e.zip64Size ? 0xffffffff : e.size;
	b.writeUInt32LE(size32, 18); // compressed size
	b.writeUInt32LE(size32, 22); // uncompressed size
	b.writeUInt16LE(e.nameBytes.length, 26);
	b.writeUInt16LE(e.zip64Size ? 20 : 0, 28);
	e.nameBytes.copy(b, 30);
	if (e.zip64Size) {
		// The local ZIP64 extra must hold both sizes (APPNOTE 4.5.3).
		const x = 30 + e.nameBytes.length;
		b.writeUInt16LE(0x0001, x);
		b.writeUInt16LE(16, x + 2);
		b.writeBigUInt64LE(BigInt(e.size), x + 4);
		b.writeBigUInt64LE(BigInt(e.size), x + 12);
	}
	return b;
}

export function centralHeader(e) {
	const b = Buffer.alloc(e.centralLength);
	b.writeUInt32LE(SIG_CENTRAL, 0);
	b.writeUInt16LE(MADE_BY_UNIX_45, 4);
	b.writeUInt16LE(versionNeeded(e), 6);
	b.writeUInt16LE(FLAG_UTF8, 8);
	b.writeUInt16LE(0, 10);
	b.writeUInt16LE(e.dos.time, 12);
	b.writeUInt16LE(e.dos.date, 14);
	b.writeUInt32LE(crcOf(e), 16);
	const size32 = e.zip64Size ? 0xffffffff : e.size;
	b.writeUInt32LE(size32, 20);
	b.writeUInt32LE(size32, 24);
	b.writeUInt16LE(e.nameBytes.length, 28);
	const extra = e.centralLength - CENTRAL_SIZE - e.nameBytes.length;
	b.writeUInt16LE(extra, 30);
	b.writeUInt16LE(0, 32); // comment length
	b.writeUInt16LE(0, 34); // disk number start
	b.writeUInt16LE(0, 36); // internal attributes
	b.writeUInt32LE(FILE_MODE, 38);
	b.writeUInt32LE(e.zip64Offset ? 0xffffffff : e.offset, 42);
	e.nameBytes.copy(b, 46);
	if (extra) {
		// Only the fields whose classic slot holds 0xFFFFFFFF, in the order of APPNOTE 4.5.3.
		let x = 46 + e.nameBytes.length;
		b.writeUInt16LE(0x0001, x);
		b.writeUInt16LE(extra - 4, x + 2);
		x += 4;
		if (e.zip64Size) {
			b.writeBigUInt64LE(BigInt(e.size), x);
			b.writeBigUInt64LE(BigInt(e.size), x + 8);
			x += 16;
		}
		if (e.zip64Offset) b.writeBigUInt64LE(BigInt(e.offset), x);
	}
	return b;
}

/** ZIP64 end record and locator (when needed) and the classic end record. */
export function trailer(layout) {
	const { entries, cdOffset, cdSize, zip64End, limits } = layout;
	const b = Buffer.alloc(layout.trailerLength);
	let x = 0;
	if (zip64End) {
		b.writeUInt32LE(SIG_ZIP64_END, 0);
		b.writeBigUInt64LE(BigInt(ZIP64_END_SIZE - 12), 4); // size of the rest of the record
		b.writeUInt16LE(MADE_BY_UNIX_45, 12);
		b.writeUInt16LE(45, 14);
		b.writeUInt32LE(0, 16); // this disk
		b.writeUInt32LE(0, 20); // disk with the central directory
		b.writeBigUInt64LE(BigInt(entries.length), 24);
		b.writeBigUInt64LE(BigInt(entries.length), 32);
		b.writeBigUInt64LE(BigInt(cdSize), 40);
		b.writeBigUInt64LE(BigInt(cdOffset), 48);
		b.writeUInt32LE(SIG_ZIP64_LOCATOR, 56);
		b.writeUInt32LE(0, 60);
		b.writeBigUInt64LE(BigInt(cdOffset + cdSize), 64); // where the ZIP64 end record starts
		b.writeUInt32LE(1, 72); // total disks
		x = ZIP64_END_SIZE + ZIP64_LOCATOR_SIZE;
	}
	const count = entries.length >= limits.u16 ? 0xffff : entries.length;
	b.writeUInt32LE(SIG_END, x);
	b.writeUInt16LE(0, x + 4);
	b.writeUInt16LE(0, x + 6);
	b.writeUInt16LE(count, x + 8);
	b.writeUInt16LE(count, x + 10);
	b.writeUInt32LE(cdSize >= limits.u32 ? 0xffffffff : cdSize, x + 12);
	b.writeUInt32LE(cdOffset >= limits.u32 ? 0xffffffff : cdOffset, x + 16);
	b.writeUInt16LE(0, x + 20); // comment length
	return b;
}

/**
 * The archive bytes `start..end` (inclusive; default: all) as a Readable. Each part of the
 * archive (a local header, an entry's data, the central directory, the trailer) is produced
 * only when the range overlaps it; an entry's data is read with open({start, end}) relative
 * to the entry, and a source that delivers more or fewer bytes than its size fails the stream.
 */
export function zipStream(layout, { start = 0, end = layout.totalSize - 1, highWaterMark } = {}) {
	if (start < 0 || end >= layout.totalSize || (start > end && layout.totalSize > 0))
		throw new RangeError(`range ${start}-${end} outside the archive (${layout.totalSize} bytes)`);
	for (const e of layout.entries) crcOf(e); // fail before the first byte, not midway
	return Readable.from(zipParts(layout, start, end), {
		objectMode: false,
		highWaterMark: highWaterMark ?? 256 * 1024,
	});
}

async function* zipParts(layout, start, end) {
	// Yields the slice of [at, at + buffer.length) that lies inside the wanted range.
	function* clip(at, buffer) {
		const from = Math.max(start, at);
		const to = Math.min(end + 1, at + buffer.length);
		if (from < to) yield buffer.subarray(from - at, to - at);
	}
	const overlaps = (from, length) => length > 0 && from <= end && from + length > start;

	for (const e of layout.entries) {
		if (e.offset > end) break;
		if (overlaps(e.offset, e.localLength)) yield* clip(e.offset, localHeader(e));
		if (!overlaps(e.dataStart, e.size)) continue;
		const from = Math.max(start, e.dataStart) - e.dataStart;
		const to = Math.min(end, e.dataStart + e.size - 1) - e.dataStart;
		let got = 0;
		for await (const chunk of e.open({ start: from, end: to })) {
			got += chunk.length;
			if (got > to - from + 1) break; // too many bytes: fails below
			yield chunk;
		}
		if (got !== to - from + 1)
			throw new Error(`zip entry ${e.name}: source gave ${got} bytes, expected ${to - from + 1}`);
	}
	if (overlaps(layout.cdOffset, layout.cdSize)) {
		// Central records are small: batch them so a big directory is not thousands of chunks.
		let at = layout.cdOffset;
		let batch = [];
		let batchAt = at;
		let batchLength = 0;
		for (const e of layout.entries) {
			if (at + e.centralLength > start && at <= end) {
				if (!batch.length) batchAt = at;
				const header = centralHeader(e);
				batch.push(header);
				batchLength += header.length;
				if (batchLength >= CD_BATCH_BYTES) {
					yield* clip(batchAt, Buffer.concat(batch, batchLength));
					batch = [];
					batchLength = 0;
				}
			}
			at += e.centralLength;
			if (at > end) break;
		}
		if (batch.length) yield* clip(batchAt, Buffer.concat(batch, batchLength));
	}
	const trailerAt = layout.cdOffset + layout.cdSize;
	if (overlaps(trailerAt, layout.trailerLength)) yield* clip(trailerAt, trailer(layout));
}

/**
 * CRC-32 (the ZIP one, zlib.crc32) of a Readable, chunk by chunk, never buffering it whole.
 * `onBytes(n)` reports progress; `signal` aborts.
 */
export async function crc32OfStream(readable, { onBytes, signal } = {}) {
	let crc = 0;
	let size = 0;
	for await (const chunk of readable) {
		if (signal?.aborted) {
			readable.destroy();
			throw signal.reason ?? new Error('aborted');
		}
		crc = zlib.crc32(chunk, crc);
		size += chunk.length;
		onBytes?.(chunk.length);
	}
	return { crc32: crc >>> 0, size };
}

/**
 * Parses a `Range` header against a size: `{start, end}` for one satisfiable range, `null`
 * when the header is absent, malformed or names several ranges (RFC 9110 lets a server
 * ignore those and send everything), `'unsatisfiable'` for a 416.
 */
export function parseByteRange(header, size) {
	if (!header) return null;
	const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
	if (!m || (m[1] === '' && m[2] === '')) return null;
	if (m[1] === '') {
		const suffix = Number(m[2]);
		if (suffix === 0 || size === 0) return 'unsatisfiable';
		return { start: Math.max(0, size - suffix), end: size - 1 };
	}
	const start = Number(m[1]);
	if (m[2] !== '' && Number(m[2]) < start) return null; // invalid: the header is ignored
	if (start >= size) return 'unsatisfiable';
	return { start, end: m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1) };
}
