// Unpacking the connectors' upload archives (reference B.6.1): py and go pack small files into
// `*.agora_upload` ZIPs (stored, entry names = target paths) and the server imports the
// entries instead of the archive (inferred). `*.zip` files are unpacked too when complete/
// says `extract_zip_files`. Read from the central directory (ZIP64 included), each entry
// streamed to its own file while hashed; stored and deflated entries, nothing else.
import { createHash } from 'node:crypto';
import {
	closeSync,
	createReadStream,
	createWriteStream,
	fstatSync,
	openSync,
	readSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';

export function isArchive(path, extractZipFiles = false) {
	const lower = path.toLowerCase();
	return lower.endsWith('.agora_upload') || (extractZipFiles && lower.endsWith('.zip'));
}

function readAt(fd, position, length) {
	const buf = Buffer.alloc(length);
	const n = readSync(fd, buf, 0, length, position);
	return buf.subarray(0, n);
}

/** Entries of the central directory: {name, method, csize, size, offset}. */
export function listZipEntries(path) {
	const fd = openSync(path, 'r');
	try {
		const fileSize = fstatSync(fd).size;
		const tailLength = Math.min(fileSize, 22 + 65535);
		const tail = readAt(fd, fileSize - tailLength, tailLength);
		const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
		if (eocd < 0) throw new Error('no end of central directory');
		let count = tail.readUInt16LE(eocd + 10);
		let cdSize = tail.readUInt32LE(eocd + 12);
		let cdOffset = tail.readUInt32LE(eocd + 16);
		if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
			// ZIP64: the locator sits right before the classic record.
			const locator = tail.subarray(eocd - 20, eocd);
			if (locator.readUInt32LE(0) !== 0x07064b50) throw new Error('missing ZIP64 locator');
			const record = readAt(fd, Number(locator.readBigUInt64LE(8)), 56);
			if (record.readUInt32LE(0) !== 0x06064b50) throw new Error('bad ZIP64 record');
			count = Number(record.readBigUInt64LE(32));
			cdSize = Number(record.readBigUInt64LE(40));
			cdOffset = Number(record.readBigUInt64LE(48));
		}
		const cd = readAt(fd, cdOffset, cdSize);
		const entries = [];
		let p = 0;
		for (let i = 0; i < count; i++) {
			if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
			const flags = cd.readUInt16LE(p + 8);
			const method = cd.readUInt16LE(p + 10);
			let csize = cd.readUInt32LE(p + 20);
			let size = cd.readUInt32LE(p + 24);
			const nameLength = cd.readUInt16LE(p + 28);
			const extraLength = cd.readUInt16LE(p + 30);
			const commentLength = cd.readUInt16LE(p + 32);
			let offset = cd.readUInt32LE(p + 42);
			const nameBytes = cd.subarray(p + 46, p + 46 + nameLength);
			const name = nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1');
			// ZIP64 extended information: only the fields that overflowed, in this order.
			let e = p + 46 + nameLength;
			const extraEnd = e + extraLength;
			while (e + 4 <= extraEnd) {
				const id = cd.readUInt16LE(e);
				const len = cd.readUInt16LE(e + 2);
				if (id === 0x0001) {
					let q = e + 4;
					if (size === 0xffffffff) ((size = Number(cd.readBigUInt64LE(q))), (q += 8));
					if (csize === 0xffffffff) ((csize = Number(cd.readBigUInt64LE(q))), (q += 8));
					if (offset === 0xffffffff) offset = Number(cd.readBigUInt64LE(q));
				}
				e += 4 + len;
			}
			entries.push({ name, method, csize, size, offset });
			p = extraEnd + commentLength;
		}
		// Where each entry's data starts (after its local header).
		for (const entry of entries) {
			const local = readAt(fd, entry.offset, 30);
			if (local.readUInt32LE(0) !== 0x04034b50)
				throw new Error(`bad local header of ${entry.name}`);
			entry.dataStart = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
		}
		return entries;
	} finally {
		closeSync(fd);
	}
}

/** A safe relative target path from an entry name, or null for directories. */
function entryPath(name) {
	const parts = name
		.replace(/\\/g, '/')
		.split('/')
		.filter((s) => s && s !== '.');
	if (!parts.length || name.endsWith('/')) return null;
	if (parts.includes('..')) throw new Error(`unsafe entry name "${name}"`);
	return parts.join('/');
}

/** Writes every file entry to `dir`; returns [{path, file, size, sha1, sha256}]. */
export async function expandArchive(archive, dir) {
	const out = [];
	let i = 0;
	for (const entry of listZipEntries(archive)) {
		const path = entryPath(entry.name);
		if (!path) continue;
		if (entry.method !== 0 && entry.method !== 8)
			throw new Error(`entry "${entry.name}" uses compression method ${entry.method}`);
		const file = join(dir, `${basename(archive)}-entry-${(i += 1)}`);
		const sha1 = createHash('sha1');
		const sha256 = createHash('sha256');
		let size = 0;
		const source =
			entry.csize === 0
				? [] // createReadStream cannot read an empty range
				: createReadStream(archive, {
						start: entry.dataStart,
						end: entry.dataStart + entry.csize - 1,
					});
		const sink = createWriteStream(file);
		const stages = entry.method === 8 ? [source, createInflateRaw()] : [source];
		await pipeline(
			...stages,
			async function* (chunks) {
				for await (const buf of chunks) {
					sha1.update(buf);
					sha256.update(buf);
					size += buf.length;
					yield buf;
				}
			},
			sink,
		);
		if (size !== entry.size)
			throw new Error(`entry "${entry.name}" has ${size} bytes, expected ${entry.size}`);
		out.push({ path, file, size, sha1: sha1.digest('hex'), sha256: sha256.digest('hex') });
	}
	return out;
}
