// A small, independent ZIP reader for tests: lists the entries of an archive from its central
// directory (ZIP64 included) and checks each entry's CRC-32 against its bytes. Only STORED
// entries are read back (Agora's archives are uncompressed); others are listed.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { crc32 } from 'node:zlib';

function readAt(fd, position, length) {
	const buffer = Buffer.alloc(length);
	readSync(fd, buffer, 0, length, position);
	return buffer;
}

/** The entries of a ZIP file: [{name, size, crc32, method, dataOffset}]. */
export function listZip(path) {
	const fd = openSync(path, 'r');
	try {
		const size = fstatSync(fd).size;
		const tail = readAt(fd, Math.max(0, size - 65557), Math.min(size, 65557));
		const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
		if (eocd < 0) throw new Error('not a ZIP file (no end of central directory)');
		let count = tail.readUInt16LE(eocd + 10);
		let cdSize = tail.readUInt32LE(eocd + 12);
		let cdOffset = tail.readUInt32LE(eocd + 16);
		const locator = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x07]), eocd);
		if (locator >= 0) {
			const zip64 = readAt(fd, Number(tail.readBigUInt64LE(locator + 8)), 56);
			count = Number(zip64.readBigUInt64LE(32));
			cdSize = Number(zip64.readBigUInt64LE(40));
			cdOffset = Number(zip64.readBigUInt64LE(48));
		}
		const cd = readAt(fd, cdOffset, cdSize);
		const entries = [];
		let at = 0;
		for (let i = 0; i < count; i++) {
			if (cd.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
			const method = cd.readUInt16LE(at + 10);
			const crc = cd.readUInt32LE(at + 16);
			let compressed = cd.readUInt32LE(at + 20);
			let uncompressed = cd.readUInt32LE(at + 24);
			const nameLength = cd.readUInt16LE(at + 28);
			const extraLength = cd.readUInt16LE(at + 30);
			const commentLength = cd.readUInt16LE(at + 32);
			let localOffset = cd.readUInt32LE(at + 42);
			const name = cd.toString('utf8', at + 46, at + 46 + nameLength);
			// ZIP64 extra field: the 64-bit values of the fields that are 0xffffffff, in order.
			let extra = at + 46 + nameLength;
			const extraEnd = extra + extraLength;
			while (extra + 4 <= extraEnd) {
				const id = cd.readUInt16LE(extra);
				const len = cd.readUInt16LE(extra + 2);
				if (id === 0x0001) {
					let p = extra + 4;
					if (uncompressed === 0xffffffff) (uncompressed = Number(cd.readBigUInt64LE(p))), (p += 8);
					if (compressed === 0xffffffff) (compressed = Number(cd.readBigUInt64LE(p))), (p += 8);
					if (localOffset === 0xffffffff) localOffset = Number(cd.readBigUInt64LE(p));
				}
				extra += 4 + len;
			}
			const local = readAt(fd, localOffset, 30);
			const dataOffset = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
			entries.push({ name, size: uncompressed, compressedSize: compressed, crc32: crc, method, dataOffset });
			at += 46 + nameLength + extraLength + commentLength;
		}
		return entries;
	} finally {
		closeSync(fd);
	}
}

/** Reads a STORED entry's bytes (small entries only) and checks its CRC-32. */
export function readEntry(path, entry) {
	if (entry.method !== 0) throw new Error(`${entry.name}: compressed entries are not read here`);
	const fd = openSync(path, 'r');
	try {
		const bytes = readAt(fd, entry.dataOffset, entry.size);
		if (crc32(bytes) !== entry.crc32) throw new Error(`${entry.name}: CRC-32 mismatch`);
		return bytes;
	} finally {
		closeSync(fd);
	}
}
