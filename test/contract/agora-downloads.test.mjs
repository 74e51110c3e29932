// Contract tests for ZIP downloads (reference A.10, B.7, checks 7, 20, 21, 34): the streaming
// ZIP writer (emulators/lib/zip-stream.mjs) checked by an independent reader written here
// (central directory, every CRC and every byte), by `unzip -t` and Python's zipfile when the
// machine has them, ZIP64 with generated multi-GiB entries that never touch the disk; then
// both route sets of the emulator (seed 000's /download/ and the connectors' downloadfile/,
// downloadinfo/), the requests exactly as GyroTools' connectors send them, and a 1 GiB
// archive streamed from an emulator child process whose memory must stay flat.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createCipheriv, createHash, randomFillSync } from 'node:crypto';
import {
	closeSync,
	existsSync,
	ftruncateSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readFileSync,
	readdirSync,
	readlinkSync,
	rmSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { startAgoraEmulator } from '../../emulators/agora/server.mjs';
import { DEMO } from '../../emulators/agora/demo-seed.mjs';
import {
	agoraClients,
	apiKeyAuth,
	KEYS,
	tokenAuth,
	waitForTimeline,
} from '../../emulators/agora/testing.mjs';
import { createClient, pollUntil } from '../../emulators/lib/contract-client.mjs';
import { parseByteRange, planZip, zipStream } from '../../emulators/lib/zip-stream.mjs';

const SERVER = fileURLToPath(new URL('../../emulators/agora/server.mjs', import.meta.url));
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const { projects: P, folders: F, exams: E, series: S, datasets: D } = DEMO;
const sha1 = (bytes) => createHash('sha1').update(bytes).digest('hex');
const has = (tool) => spawnSync('which', [tool], { stdio: 'ignore' }).status === 0;
const HAVE_UNZIP = has('unzip');
const HAVE_PYTHON = has('python3');

let workDir;
before(() => {
	workDir = mkdtempSync(join(tmpdir(), 'agora-downloads-'));
	if (!HAVE_UNZIP) console.log('# unzip not found: the `unzip -t` sub-checks are skipped');
	if (!HAVE_PYTHON) console.log('# python3 not found: the Python zipfile sub-checks are skipped');
});
after(() => rmSync(workDir, { recursive: true, force: true }));

// ---- an independent ZIP reader (APPNOTE 6.3.x), no code shared with the writer ----

const SIG = {
	local: 0x04034b50,
	central: 0x02014b50,
	end: 0x06054b50,
	z64end: 0x06064b50,
	z64loc: 0x07064b50,
};
const MAX32 = 0xffffffff;

/** The trailer and central directory of `tail` (the archive's last bytes from `base`). */
function parseDirectory(tail, base, archiveLength) {
	const eocd = tail.length - 22; // the writer never adds a comment
	assert.equal(tail.readUInt32LE(eocd), SIG.end, 'end of central directory record');
	let count = tail.readUInt16LE(eocd + 10);
	let cdSize = tail.readUInt32LE(eocd + 12);
	let cdOffset = tail.readUInt32LE(eocd + 16);
	let zip64 = false;
	if (eocd >= 20 && tail.readUInt32LE(eocd - 20) === SIG.z64loc) {
		zip64 = true;
		const at = Number(tail.readBigUInt64LE(eocd - 12)) - base;
		assert.equal(tail.readUInt32LE(at), SIG.z64end, 'ZIP64 end record where the locator says');
		assert.equal(at + 56, eocd - 20, 'the ZIP64 end record is followed by its locator');
		count = Number(tail.readBigUInt64LE(at + 32));
		cdSize = Number(tail.readBigUInt64LE(at + 40));
		cdOffset = Number(tail.readBigUInt64LE(at + 48));
		assert.equal(cdOffset + cdSize, at + base, 'the central directory ends at the ZIP64 record');
	} else {
		assert.equal(cdOffset + cdSize, eocd + base, 'the central directory ends at the end record');
	}
	assert.equal(eocd + base + 22, archiveLength);
	const entries = [];
	let p = cdOffset - base;
	for (let i = 0; i < count; i++) {
		assert.equal(tail.readUInt32LE(p), SIG.central, `central header ${i}`);
		const flags = tail.readUInt16LE(p + 8);
		assert.equal(flags & 0x0800, 0x0800, 'UTF-8 names (flag bit 11)');
		assert.equal(tail.readUInt16LE(p + 10), 0, 'STORED');
		const nameLength = tail.readUInt16LE(p + 28);
		const extraLength = tail.readUInt16LE(p + 30);
		const commentLength = tail.readUInt16LE(p + 32);
		const e = {
			name: tail.subarray(p + 46, p + 46 + nameLength).toString('utf8'),
			crc32: tail.readUInt32LE(p + 16),
			compressed: tail.readUInt32LE(p + 20),
			size: tail.readUInt32LE(p + 24),
			offset: tail.readUInt32LE(p + 42),
			zip64: false,
		};
		// ZIP64 extra: the fields whose classic slot is 0xFFFFFFFF, in this order.
		let x = p + 46 + nameLength;
		const extraEnd = x + extraLength;
		while (x < extraEnd) {
			const id = tail.readUInt16LE(x);
			const len = tail.readUInt16LE(x + 2);
			if (id === 1) {
				let f = x + 4;
				e.zip64 = true;
				if (e.size === MAX32) ((e.size = Number(tail.readBigUInt64LE(f))), (f += 8));
				if (e.compressed === MAX32) ((e.compressed = Number(tail.readBigUInt64LE(f))), (f += 8));
				if (e.offset === MAX32) e.offset = Number(tail.readBigUInt64LE(f));
			}
			x += 4 + len;
		}
		assert.equal(e.compressed, e.size);
		entries.push(e);
		p += 46 + nameLength + extraLength + commentLength;
	}
	assert.equal(p, cdOffset - base + cdSize, 'central directory size');
	return { entries, cdOffset, cdSize, zip64 };
}

/** Parses a local header at `p`: name, sizes (ZIP64 extra included), CRC, data start. */
function parseLocal(buf, p) {
	assert.equal(buf.readUInt32LE(p), SIG.local, `local header at ${p}`);
	assert.equal(buf.readUInt16LE(p + 6) & 0x0808, 0x0800, 'UTF-8, no data descriptor');
	const nameLength = buf.readUInt16LE(p + 26);
	const extraLength = buf.readUInt16LE(p + 28);
	let size = buf.readUInt32LE(p + 22);
	let compressed = buf.readUInt32LE(p + 18);
	let x = p + 30 + nameLength;
	while (x < p + 30 + nameLength + extraLength) {
		if (buf.readUInt16LE(x) === 1) {
			assert.equal(size, MAX32, 'a local ZIP64 extra only with 0xFFFFFFFF sizes');
			size = Number(buf.readBigUInt64LE(x + 4));
			compressed = Number(buf.readBigUInt64LE(x + 12));
		}
		x += 4 + buf.readUInt16LE(x + 2);
	}
	assert.equal(compressed, size);
	return {
		name: buf.subarray(p + 30, p + 30 + nameLength).toString('utf8'),
		crc32: buf.readUInt32LE(p + 14),
		size,
		dataStart: p + 30 + nameLength + extraLength,
	};
}

/** Reads a whole archive: every entry's bytes, CRC checked, local and central headers agreeing. */
function readZip(buf) {
	const dir = parseDirectory(buf, 0, buf.length);
	let expectedOffset = 0;
	const entries = dir.entries.map((c) => {
		assert.equal(c.offset, expectedOffset, `${c.name}: entries are contiguous`);
		const l = parseLocal(buf, c.offset);
		assert.equal(l.name, c.name);
		assert.equal(l.size, c.size);
		assert.equal(l.crc32, c.crc32);
		const data = buf.subarray(l.dataStart, l.dataStart + l.size);
		assert.equal(zlib.crc32(data) >>> 0, c.crc32, `${c.name}: CRC-32`);
		expectedOffset = l.dataStart + l.size;
		return { ...c, data };
	});
	assert.equal(dir.cdOffset, expectedOffset, 'the central directory follows the last entry');
	return { entries, zip64: dir.zip64, byName: new Map(entries.map((e) => [e.name, e])) };
}

/**
 * The same checks on an archive too large to hold: a Writable that walks local headers and
 * data as they stream past (CRC per entry), keeps only the central directory and trailer,
 * and compares them at the end.
 */
class StreamingZipVerifier extends Writable {
	constructor() {
		super();
		Object.assign(this, {
			pending: Buffer.alloc(0),
			mode: 'header',
			offset: 0,
			local: [],
			tail: [],
		});
	}

	_write(chunk, _encoding, done) {
		try {
			this.consume(chunk);
			done();
		} catch (e) {
			done(e);
		}
	}

	consume(chunk) {
		if (this.mode === 'tail') return void this.tail.push(chunk);
		this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
		for (;;) {
			if (this.mode === 'data') {
				const take = Math.min(this.left, this.pending.length);
				this.current.crc = zlib.crc32(this.pending.subarray(0, take), this.current.crc);
				this.pending = this.pending.subarray(take);
				this.left -= take;
				this.offset += take;
				if (this.left > 0) return;
				assert.equal(this.current.crc >>> 0, this.current.crc32, `${this.current.name}: CRC-32`);
				this.mode = 'header';
			}
			if (this.pending.length < 4) return;
			if (this.pending.readUInt32LE(0) === SIG.central) {
				this.cdStart = this.offset;
				this.mode = 'tail';
				this.tail.push(this.pending);
				return;
			}
			if (this.pending.length < 30) return;
			const need = 30 + this.pending.readUInt16LE(26) + this.pending.readUInt16LE(28);
			if (this.pending.length < need) return;
			const l = parseLocal(this.pending, 0);
			this.current = { ...l, offset: this.offset, crc: 0 };
			this.local.push(this.current);
			this.offset += need;
			this.pending = this.pending.subarray(need);
			this.mode = 'data';
			this.left = l.size;
		}
	}

	/** Checks the directory against what streamed past; returns the entries. */
	finish() {
		assert.equal(this.mode, 'tail', 'the archive ended inside an entry');
		const tail = Buffer.concat(this.tail);
		const dir = parseDirectory(tail, this.cdStart, this.cdStart + tail.length);
		assert.equal(dir.cdOffset, this.cdStart);
		assert.equal(dir.entries.length, this.local.length);
		dir.entries.forEach((c, i) => {
			const l = this.local[i];
			assert.deepEqual([c.name, c.size, c.crc32, c.offset], [l.name, l.size, l.crc32, l.offset]);
		});
		return { entries: dir.entries, zip64: dir.zip64, length: this.cdStart + tail.length };
	}
}

/** `unzip -t` and Python's zipfile on an archive file, when installed. */
/**
 * `unzip` and Python's zipfile on an archive file, when installed: both list every entry
 * (names, sizes, CRCs from the directory) and test the CRC of every entry, or with `members`
 * only of those (reading 4 GiB costs them 10-25 s; AGORA_TEST_ZIP_HUGE=1 tests them all).
 */
function externalChecks(file, expected, { members } = {}) {
	const only = process.env.AGORA_TEST_ZIP_HUGE === '1' ? undefined : members;
	if (HAVE_UNZIP) {
		const out = execFileSync('unzip', ['-t', file, ...(only ?? [])], { encoding: 'utf8' });
		assert.match(out, /No errors detected/);
		const listing = execFileSync('unzip', ['-Z', '-l', file], { encoding: 'utf8' });
		for (const e of expected)
			assert.ok(listing.includes(` ${e.size} `) && listing.includes(e.name), `unzip -Z: ${e.name}`);
	}
	if (HAVE_PYTHON) {
		const script = [
			'import json, sys, zipfile',
			'z = zipfile.ZipFile(sys.argv[1])',
			'names = sys.argv[2:] or z.namelist()',
			'for n in names: z.read(n)  # raises BadZipFile on a CRC mismatch',
			'print(json.dumps([[i.filename, i.file_size, i.CRC] for i in z.infolist()]))',
		].join('\n');
		const out = execFileSync('python3', ['-c', script, file, ...(only ?? [])], {
			encoding: 'utf8',
		});
		assert.deepEqual(
			JSON.parse(out),
			expected.map((e) => [e.name, e.size, e.crc32]),
		);
	}
}

async function collect(readable) {
	const chunks = [];
	for await (const c of readable) chunks.push(c);
	return Buffer.concat(chunks);
}

/** A writer entry over bytes in memory. */
const memoryEntry = (name, data, mtime = '2024-01-15T08:30:00Z') => ({
	name,
	size: data.length,
	crc32: zlib.crc32(data) >>> 0,
	mtime,
	open: ({ start, end }) => Readable.from([data.subarray(start, end + 1)]),
});

/** A generated entry of `size` bytes: a 1 MiB block repeated (never held whole). */
function generatedEntry(name, size, block) {
	const bytesAt = function* (start, end) {
		for (let at = start; at <= end; ) {
			const o = at % block.length;
			const n = Math.min(block.length - o, end - at + 1);
			yield block.subarray(o, o + n);
			at += n;
		}
	};
	let crc = 0;
	for (const part of bytesAt(0, size - 1)) crc = zlib.crc32(part, crc);
	return {
		name,
		size,
		crc32: crc >>> 0,
		open: ({ start, end }) => Readable.from(bytesAt(start, end)),
	};
}

describe('ZIP writer (emulators/lib/zip-stream.mjs)', () => {
	const small = () => [
		memoryEntry('Brain MRI/T1/DICOM/IM_0001', Buffer.from('DICM one')),
		memoryEntry('Brain MRI/Überblick/Größe µ.txt', Buffer.from('UTF-8 names\n')),
		memoryEntry('empty.txt', Buffer.alloc(0)),
		memoryEntry('random.bin', randomFillSync(Buffer.alloc(70_000))),
	];

	test('a small archive: every entry, byte and CRC; unzip and Python agree', async () => {
		const entries = small();
		const layout = planZip(entries);
		const buf = await collect(zipStream(layout));
		assert.equal(buf.length, layout.totalSize, 'the announced size is exact');
		const zip = readZip(buf);
		assert.equal(zip.zip64, false);
		assert.deepEqual(
			zip.entries.map((e) => e.name),
			entries.map((e) => e.name),
		);
		for (const e of entries)
			assert.ok(
				zip.byName.get(e.name).data.equals(await collect(e.open({ start: 0, end: e.size - 1 }))),
			);
		const file = join(workDir, 'small.zip');
		writeFileSync(file, buf);
		externalChecks(file, entries);
		assert.ok((await collect(zipStream(planZip(entries)))).equals(buf), 'deterministic bytes');
		// The reader is not a rubber stamp: one flipped data byte or directory byte fails it.
		const flip = (at) => {
			const copy = Buffer.from(buf);
			copy[at] ^= 0xff;
			return copy;
		};
		assert.throws(() => readZip(flip(layout.entries[3].dataStart + 5)), /CRC-32/);
		assert.throws(() => readZip(flip(layout.cdOffset + 20)));
		assert.throws(() => readZip(buf.subarray(0, buf.length - 1)));
	});

	test('ZIP64 records with lowered limits (sizes, offsets, entry count) read everywhere', async () => {
		const entries = small();
		const layout = planZip(entries, { limits: { u32: 64, u16: 3 } });
		assert.equal(layout.zip64, true);
		assert.equal(layout.zip64End, true);
		const buf = await collect(zipStream(layout));
		assert.equal(buf.length, layout.totalSize);
		const zip = readZip(buf);
		assert.equal(zip.zip64, true);
		assert.ok(zip.entries.some((e) => e.zip64));
		assert.equal(
			buf.readUInt16LE(buf.length - 22 + 10),
			0xffff,
			'the classic count says "see ZIP64"',
		);
		const file = join(workDir, 'forced-zip64.zip');
		writeFileSync(file, buf);
		externalChecks(file, entries);
	});

	test('ranges: any slice equals the same bytes of the whole archive', async () => {
		const entries = small();
		for (const limits of [{}, { u32: 64, u16: 3 }]) {
			const layout = planZip(entries, { limits });
			const whole = await collect(zipStream(layout));
			for (let start = 0; start < whole.length; start += 997) {
				for (const length of [1, 29, 4096, 100_000]) {
					const end = Math.min(whole.length - 1, start + length - 1);
					const part = await collect(zipStream(layout, { start, end }));
					assert.ok(part.equals(whole.subarray(start, end + 1)), `bytes ${start}-${end}`);
				}
			}
		}
		assert.deepEqual(parseByteRange('bytes=10-19', 100), { start: 10, end: 19 });
		assert.deepEqual(parseByteRange('bytes=90-', 100), { start: 90, end: 99 });
		assert.deepEqual(parseByteRange('bytes=-5', 100), { start: 95, end: 99 });
		assert.deepEqual(parseByteRange('bytes=50-1000', 100), { start: 50, end: 99 });
		assert.equal(parseByteRange('bytes=100-', 100), 'unsatisfiable');
		assert.equal(parseByteRange('bytes=5-3', 100), null, 'invalid: ignored');
		assert.equal(parseByteRange('bytes=0-1,5-6', 100), null, 'several ranges: whole body');
		assert.equal(parseByteRange(undefined, 100), null);
	});

	test('back-pressure: a slow reader keeps the writer from reading ahead', async () => {
		let produced = 0;
		const block = randomFillSync(Buffer.alloc(MiB));
		const size = 64 * MiB;
		const entry = {
			name: 'big.bin',
			size,
			crc32: 0, // not checked here
			open: ({ start, end }) =>
				Readable.from(
					(function* () {
						for (let at = start; at <= end; at += MiB) {
							produced += Math.min(MiB, end - at + 1);
							yield block.subarray(0, Math.min(MiB, end - at + 1));
						}
					})(),
				),
		};
		let consumed = 0;
		let maxAhead = 0;
		await pipeline(
			zipStream(planZip([entry])),
			new Writable({
				highWaterMark: 64 * 1024,
				write(chunk, _e, done) {
					consumed += chunk.length;
					maxAhead = Math.max(maxAhead, produced - consumed);
					setImmediate(done);
				},
			}),
		);
		assert.ok(consumed > size);
		assert.ok(maxAhead < 8 * MiB, `read ${maxAhead} bytes ahead of the consumer`);
	});

	test('ZIP64 for real: a 4.1 GiB entry and offsets past 4 GiB, streamed and verified', async () => {
		const block = randomFillSync(Buffer.alloc(MiB));
		const entries = [
			memoryEntry('first.txt', Buffer.from('before the big one\n')),
			generatedEntry('huge/4.1GiB.bin', Math.round(4.1 * GiB) + 12345, block),
			memoryEntry('after.txt', Buffer.from('offset past 4 GiB\n')),
		];
		const layout = planZip(entries);
		assert.equal(layout.zip64End, true);
		const verifier = new StreamingZipVerifier();
		const started = Date.now();
		await pipeline(zipStream(layout), verifier);
		const result = verifier.finish();
		assert.ok(Date.now() - started < 30_000, 'under 30 s');
		assert.equal(result.length, layout.totalSize);
		assert.equal(result.zip64, true);
		assert.deepEqual(
			result.entries.map((e) => [e.name, e.size, e.crc32]),
			entries.map((e) => [e.name, e.size, e.crc32]),
		);
		assert.ok(result.entries[2].offset > MAX32, 'the last entry starts past 4 GiB');
		assert.equal(result.entries[2].zip64, true);
	});

	test(
		'ZIP64 for real, read by unzip and Python: a sparse 4.1 GiB archive on disk',
		{ skip: !HAVE_UNZIP && !HAVE_PYTHON ? 'neither unzip nor python3 installed' : false },
		async () => {
			// Zeros as content let the archive be a sparse file: only headers take disk space.
			const zeros = Buffer.alloc(MiB);
			const entries = [
				memoryEntry('a.txt', Buffer.from('a\n')),
				generatedEntry('zeros.bin', Math.round(4.1 * GiB), zeros),
				memoryEntry('z.txt', Buffer.from('z\n')),
			];
			const layout = planZip(entries);
			const file = join(workDir, 'sparse-zip64.zip');
			const fd = openSync(file, 'w');
			let at = 0;
			try {
				await pipeline(
					zipStream(layout),
					new Writable({
						write(chunk, _e, done) {
							if (!(chunk.length <= zeros.length && chunk.equals(zeros.subarray(0, chunk.length))))
								writeSync(fd, chunk, 0, chunk.length, at);
							at += chunk.length;
							done();
						},
					}),
				);
				ftruncateSync(fd, at);
			} finally {
				closeSync(fd);
			}
			assert.equal(at, layout.totalSize);
			try {
				externalChecks(file, entries, { members: ['a.txt', 'z.txt'] });
			} finally {
				rmSync(file, { force: true });
			}
		},
	);
});

// ---- the emulator's download routes ----

const clean = (name) =>
	name
		.replace(/[:*"<>|]/g, '')
		.replace(/[/\\]/g, '_')
		.trim();

/** Fetches binary bodies (the contract client reads text). */
async function fetchBytes(url, authorization, headers = {}) {
	const res = await fetch(url, { headers: { Authorization: authorization, ...headers } });
	return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/**
 * The entries an archive of the demo should hold, built by walking the public API (not the
 * emulator's tables) along the documented layout: name -> datafile JSON.
 */
function expectations(client) {
	const list = async (path) => {
		const res = await client.get(`${path}?no_page=1`);
		assert.equal(res.status, 200, path);
		return res.data;
	};
	const out = new Map();
	const seen = new Set();
	const dataset = async (d, prefix) => {
		for (const df of await list(`/api/v2/dataset/${d.id}/datafiles/`)) {
			if (seen.has(df.id)) continue;
			seen.add(df.id);
			out.set(`${prefix}${clean(d.name)}/${df.relative_path}`, df);
		}
	};
	const series = async (s, prefix) => {
		for (const d of await list(`/api/v2/series/${s.id}/datasets/`))
			await dataset(d, `${prefix}${clean(s.name)}/`);
	};
	const exam = async (e, prefix) => {
		for (const s of await list(`/api/v2/exam/${e.id}/series/`))
			await series(s, `${prefix}${clean(e.name)}/`);
		for (const d of await list(`/api/v2/exam/${e.id}/datasets/`))
			await dataset(d, `${prefix}${clean(e.name)}/`);
	};
	const folder = async (f, prefix, name = f.name) => {
		const here = `${prefix}${clean(name)}/`;
		for (const it of await list(`/api/v2/folder/${f.id}/items/`)) {
			const o = it.content_object;
			if (it.content_type === 'folder') await folder(o, here);
			else if (it.content_type === 'exam') await exam(o, here);
			else if (it.content_type === 'serie') await series(o, here);
			else await dataset(o, here);
		}
	};
	return {
		out,
		dataset,
		series,
		exam,
		folder,
		get: (path) => client.get(path).then((r) => r.data),
	};
}

/** Every entry's bytes equal the datafile download, and its SHA-1 the datafile's `sha1`. */
async function assertArchiveMatches(zip, expected, client) {
	assert.deepEqual([...zip.byName.keys()].sort(), [...expected.keys()].sort());
	for (const [name, df] of expected) {
		const entry = zip.byName.get(name);
		const file = await fetchBytes(`${client.url}/api/v1/datafile/${df.id}/download/`, client.auth);
		assert.ok(entry.data.equals(file.body), `${name}: the bytes of datafile ${df.id}`);
		assert.equal(sha1(entry.data), df.sha1, `${name}: sha1`);
		assert.equal(entry.data.length, df.size);
	}
}

describe('ZIP downloads over HTTP', () => {
	const STEP_MS = 20;
	let agora;
	let alice;
	let admin;
	let reader;
	let anonymous;
	let control;
	let aliceKey; // connectors' header style

	before(async () => {
		agora = await startAgoraEmulator({ stepMs: STEP_MS });
		({ alice, admin, reader, anonymous } = agoraClients(agora.url));
		alice.url = agora.url;
		alice.auth = tokenAuth('alice');
		aliceKey = createClient(agora.url, { authorization: apiKeyAuth('alice') });
		control = createClient(agora.url);
	});
	after(async () => {
		await agora?.close();
	});
	beforeEach(async () => {
		assert.equal((await control.post('/__emulator/reset')).status, 200);
		await control.post('/__emulator/config', { json: { stepMs: STEP_MS } });
		await control.post('/__emulator/downloads/settings', { json: {} });
	});

	/** Polls a download until it is finished (or failed); returns it and the states seen. */
	async function waitForDownload(
		client,
		path,
		{ until = (d) => d.state === 'FINISHED' || d.state === 'ERROR' } = {},
	) {
		const seen = [];
		let polls = 0;
		const data = await pollUntil(
			async () => {
				const res = await client.get(path);
				assert.equal(res.status, 200, `${path}: ${res.text}`);
				polls += 1;
				if (seen.at(-1) !== res.data.state) seen.push(res.data.state);
				return until(res.data) ? res.data : false;
			},
			{ timeoutMs: 10_000, intervalMs: 5, description: path },
		);
		return { data, seen, polls };
	}

	async function downloadV2(client, objects, authorization = tokenAuth('alice')) {
		const created = await client.post('/api/v2/download/', { json: objects });
		assert.equal(created.status, 201, created.text);
		const { data } = await waitForDownload(client, `/api/v2/download/${created.data.id}/`);
		assert.equal(data.state, 'FINISHED', data.error);
		const res = await fetchBytes(
			`${agora.url}/api/v2/download/${created.data.id}/stream/`,
			authorization,
		);
		assert.equal(res.status, 200);
		return { created: created.data, done: data, res, zip: readZip(res.body) };
	}

	test('7. POST /download/ -> 201; QUEUED, STARTED, FINISHED; stream is the exam as a ZIP', async () => {
		await control.post('/__emulator/config', { json: { stepMs: 60 } });
		const created = await alice.post('/api/v2/download/', {
			json: [{ object_type: 'exam', object_id: E.brainMri }],
		});
		assert.equal(created.status, 201);
		assert.ok(Number.isInteger(created.data.id) && created.data.id > 0);
		assert.equal(created.data.state, 'QUEUED');
		assert.equal(created.data.ready, false);
		assert.equal(created.data.error, null);
		assert.equal(created.data.download_name, 'Brain MRI.zip');
		assert.deepEqual(created.data.objects, [{ object_type: 'exam', object_id: E.brainMri }]);
		const early = await fetchBytes(
			`${agora.url}/api/v2/download/${created.data.id}/stream/`,
			tokenAuth('alice'),
		);
		assert.equal(early.status, 409, 'not ready yet');
		assert.deepEqual(JSON.parse(early.body), { detail: 'The download is not ready yet.' });
		const { data, seen, polls } = await waitForDownload(
			alice,
			`/api/v2/download/${created.data.id}/`,
		);
		assert.deepEqual(seen, ['QUEUED', 'STARTED', 'FINISHED']);
		assert.ok(polls >= 3, 'at least two polls saw it unfinished');
		assert.equal(data.ready, true);
		assert.equal(data.progress, 100);
		assert.equal(data.url, `${agora.url}/api/v2/download/${created.data.id}/stream/`);
		const res = await fetchBytes(data.url, tokenAuth('alice'));
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), 'application/zip');
		assert.equal(res.headers.get('content-length'), String(res.body.length));
		assert.equal(res.body.length, data.total_size, 'total_size is the archive size');
		assert.equal(res.body.length, created.data.total_size, 'and known from the start');
		assert.match(res.headers.get('content-disposition'), /^attachment; filename="Brain MRI\.zip"/);
		assert.equal(res.headers.get('accept-ranges'), 'bytes');
		const want = expectations(alice);
		await want.exam(await want.get(`/api/v2/exam/${E.brainMri}/`), '');
		assert.equal(want.out.size, 9);
		await assertArchiveMatches(readZip(res.body), want.out, alice);
		// The package is a timeline item of type download that finished with it.
		const item = (await alice.get(`/api/v2/timelineitem/${data.timeline_item}/`)).data;
		assert.equal(item.type, 'download');
		assert.equal(item.state, 'FINISHED');
		assert.equal(item.data.state, 2);
		assert.deepEqual(item.related_objects, [{ id: E.brainMri, content_type: 'exam' }]);
	});

	test('series, dataset, folder and project archives hold exactly their files', async () => {
		const cases = [
			[
				{ object_type: 'series', object_id: S.t1 },
				(w) => w.get(`/api/v2/series/${S.t1}/`).then((s) => w.series(s, '')),
				'T1 MPRAGE.zip',
			],
			[
				{ object_type: 'serie', object_id: S.t2Tse },
				(w) => w.get(`/api/v2/series/${S.t2Tse}/`).then((s) => w.series(s, '')),
				'T2 TSE sagittal.zip',
			],
			[
				{ object_type: 'dataset', object_id: D.t2ParRec },
				(w) => w.get(`/api/v2/dataset/${D.t2ParRec}/`).then((d) => w.dataset(d, '')),
				'T2 TSE PAR_REC.zip',
			],
			[
				{ object_type: 'folder', object_id: F.data },
				(w) => w.get(`/api/v2/folder/${F.data}/`).then((f) => w.folder(f, '')),
				'data.zip',
			],
			[
				{ object_type: 'project', object_id: P.shared },
				async (w) => {
					const p = await w.get(`/api/v2/project/${P.shared}/`);
					await w.folder(await w.get(`/api/v2/folder/${p.root_folder}/`), '', p.name);
				},
				'Brain Imaging Study.zip',
			],
		];
		for (const [object, build, name] of cases) {
			const { res, zip, done } = await downloadV2(alice, [object]);
			assert.equal(done.download_name, name);
			assert.match(
				res.headers.get('content-disposition'),
				new RegExp(`filename="${name.replace('.', '\\.')}"`),
			);
			const want = expectations(alice);
			await build(want);
			assert.ok(want.out.size > 0);
			await assertArchiveMatches(zip, want.out, alice);
		}
		// The dataset's name loses its path separator; the project's trashed exam is left out.
		const project = await downloadV2(alice, [{ object_type: 'project', object_id: P.shared }]);
		assert.ok(
			project.zip.byName.has(
				'Brain Imaging Study/Wrist MRI/T2 TSE sagittal/T2 TSE PAR_REC/t2_tse.par',
			),
		);
		assert.ok(![...project.zip.byName.keys()].some((n) => n.includes('Test exam')));
	});

	test('several objects make one archive; a datafile reached twice is packed once', async () => {
		const { zip, done } = await downloadV2(alice, [
			{ object_type: 'exam', object_id: E.brainMri },
			{ object_type: 'series', object_id: S.t1 },
			{ object_type: 'dataset', object_id: D.scan },
			{ object_type: 'patient', object_id: DEMO.patients.janeDoe },
		]);
		assert.equal(done.download_name, `agora-download-${done.id}.zip`);
		const want = expectations(alice);
		await want.exam(await want.get(`/api/v2/exam/${E.brainMri}/`), '');
		await want.series(await want.get(`/api/v2/series/${S.t1}/`), ''); // all seen already
		await want.dataset(await want.get(`/api/v2/dataset/${D.scan}/`), '');
		await want.exam(await want.get(`/api/v2/exam/${E.wristMri}/`), 'Jane Doe/'); // not the trashed one
		await assertArchiveMatches(zip, want.out, alice);
	});

	test('sibling name clashes get " (2)"; flat puts files at unique base names', async () => {
		// A second exam named like the first, in the same folder: "Brain MRI (2)/...".
		const copy = await alice.post(
			`/api/v2/exam/${E.brainMri}/copy_to/${P.shared}/folder/${F.sharedRoot}/`,
			{ json: {} },
		);
		assert.equal(copy.status, 200);
		await waitForTimeline(alice, copy.data.id);
		const { zip } = await downloadV2(alice, [{ object_type: 'folder', object_id: F.sharedRoot }]);
		const names = [...zip.byName.keys()];
		assert.ok(names.includes('root/Brain MRI/Exam report/report.txt'));
		assert.ok(names.includes('root/Brain MRI (2)/Exam report/report.txt'));
		assert.equal(new Set(names.map((n) => n.toLowerCase())).size, names.length);

		const created = await aliceKey.post('/api/v1/downloadfile/', {
			json: { exam_ids: [E.brainMri], flat: true },
		});
		assert.equal(created.status, 200);
		await waitForDownload(aliceKey, `/api/v1/downloadfile/${created.data.id}/`, {
			until: (d) => d.ready,
		});
		const flat = readZip(
			(
				await fetchBytes(
					`${agora.url}/api/v1/downloadfile/${created.data.id}/download/`,
					apiKeyAuth('alice'),
				)
			).body,
		);
		assert.deepEqual(
			[...flat.byName.keys()],
			[
				'IM_0001',
				'IM_0002',
				'IM_0001 (2)',
				'IM_0002 (2)',
				'IM_0003',
				't1_mprage.nii',
				'IM_0001 (3)',
				'IM_0002 (3)',
				'report.txt',
			],
		);
	});

	test('21. connector ZIP: project downloadfile with stream/compression/flat/filter, ready, download', async () => {
		const want = expectations(alice);
		await want.exam(await want.get(`/api/v2/exam/${E.brainMri}/`), '');
		const picked = [...want.out.entries()].slice(0, 2);
		const body = {
			exam_ids: [E.brainMri],
			stream: true,
			compression: false,
			flat: false,
			filter: { datafile_ids: picked.map(([, df]) => df.id) },
		};
		const created = await aliceKey.post(`/api/v1/project/${P.shared}/downloadfile/`, {
			json: body,
		});
		assert.equal(created.status, 200, 'app requires 200');
		assert.notEqual(created.data.id, 0);
		assert.equal(created.data.ready, false);
		assert.equal(created.data.error, null);
		assert.equal(typeof created.data.total_size, 'number');
		assert.equal(created.data.download_name, 'Brain MRI.zip');
		assert.equal(created.data.state, 'QUEUED', 'connector objects carry state too');
		const { data, seen } = await waitForDownload(
			aliceKey,
			`/api/v1/downloadfile/${created.data.id}/`,
			{ until: (d) => d.ready },
		);
		assert.ok(seen.length >= 2, 'ready:false seen before ready:true');
		assert.equal(data.url, `${agora.url}/api/v1/downloadfile/${created.data.id}/download/`);
		const res = await fetchBytes(data.url, apiKeyAuth('alice'));
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), 'application/zip');
		await assertArchiveMatches(readZip(res.body), new Map(picked), alice);
		// One model: the same id on the seed's route.
		assert.equal((await alice.get(`/api/v2/download/${created.data.id}/`)).data.state, 'FINISHED');
	});

	test('filters: dataset_types, regex (Python syntax), datafile_ids as a MATLAB scalar', async () => {
		const info = async (filter) => {
			const res = await aliceKey.post('/api/v1/downloadinfo/', {
				json: { exam_ids: [E.brainMri], filter },
			});
			assert.equal(res.status, 200, res.text);
			return res.data;
		};
		const all = await info(undefined);
		assert.equal(all.length, 9);
		assert.deepEqual(
			(await info({ dataset_types: [600] })).map((f) => f.filename),
			['t1_mprage.nii'],
		);
		assert.deepEqual(
			(await info({ regex: '(?i)report\\.TXT$' })).map((f) => f.filename),
			['report.txt'],
		);
		assert.deepEqual(
			(await info({ regex: '(?P<n>IM_0003)' })).map((f) => f.filename),
			['IM_0003'],
		);
		assert.deepEqual(
			(await info({ datafile_ids: all[0].id })).map((f) => f.id),
			[all[0].id],
		);
		assert.equal((await info({ dataset_types: [300], regex: 'IM_0002' })).length, 3);
		const bad = await aliceKey.post('/api/v1/downloadinfo/', {
			json: { exam_ids: [E.brainMri], filter: { regex: '(' } },
		});
		assert.equal(bad.status, 400);
		assert.ok(bad.data.filter.regex[0].startsWith('Invalid regular expression'));
	});

	test('downloadinfo: a bare array whose rel_path/filename are where the ZIP puts each file', async () => {
		const res = await aliceKey.post('/api/v1/downloadinfo/', { json: { folder_ids: [F.data] } });
		assert.equal(res.status, 200);
		assert.ok(Array.isArray(res.data));
		for (const f of res.data)
			assert.deepEqual(Object.keys(f), ['id', 'filename', 'rel_path', 'size', 'sha1']);
		const created = await aliceKey.post('/api/v1/downloadfile/', {
			json: { folder_ids: [F.data] },
		});
		await waitForDownload(aliceKey, `/api/v1/downloadfile/${created.data.id}/`, {
			until: (d) => d.ready,
		});
		const zip = readZip(
			(
				await fetchBytes(
					`${agora.url}/api/v1/downloadfile/${created.data.id}/download/`,
					apiKeyAuth('alice'),
				)
			).body,
		);
		assert.deepEqual(
			[...zip.byName.keys()],
			res.data.map((f) => `${f.rel_path}/${f.filename}`),
		);
		for (const f of res.data)
			assert.equal(sha1(zip.byName.get(`${f.rel_path}/${f.filename}`).data), f.sha1);
	});

	test("access: alice cannot package admin-only objects or see other users' downloads", async () => {
		const cine = { object_type: 'exam', object_id: E.cardiacCine };
		const res = await alice.post('/api/v2/download/', { json: [cine] });
		assert.equal(res.status, 400);
		assert.deepEqual(res.data, {
			object_id: [`Invalid pk "${E.cardiacCine}" - object does not exist.`],
		});
		for (const object of [
			{ object_type: 'project', object_id: P.cardiac },
			{ object_type: 'folder', object_id: F.reports },
			{ object_type: 'patient', object_id: DEMO.patients.heartVolunteer },
		])
			assert.equal(
				(await alice.post('/api/v2/download/', { json: [object] })).status,
				400,
				JSON.stringify(object),
			);
		const v1 = await aliceKey.post('/api/v1/downloadfile/', {
			json: { exam_ids: [E.cardiacCine] },
		});
		assert.equal(v1.status, 400);
		assert.deepEqual(v1.data, {
			exam_ids: [`Invalid pk "${E.cardiacCine}" - object does not exist.`],
		});
		assert.equal(
			(
				await aliceKey.post(`/api/v1/project/${P.cardiac}/downloadfile/`, {
					json: { exam_ids: [E.cardiacCine] },
				})
			).status,
			404,
		);
		assert.equal(
			(
				await aliceKey.post(`/api/v1/project/${P.shared}/downloadfile/`, {
					json: { exam_ids: [E.phantomQa] },
				})
			).status,
			400,
			'not in that project',
		);
		assert.equal(
			(await aliceKey.post('/api/v1/downloadinfo/', { json: { exam_ids: [E.cardiacCine] } }))
				.status,
			400,
		);
		// admin can; alice cannot see admin's download
		const mine = await admin.post('/api/v2/download/', { json: [cine] });
		assert.equal(mine.status, 201);
		assert.equal((await alice.get(`/api/v2/download/${mine.data.id}/`)).status, 404);
		assert.equal((await alice.get(`/api/v1/downloadfile/${mine.data.id}/download/`)).status, 404);
		assert.equal((await anonymous.post('/api/v2/download/', { json: [cine] })).status, 401);
		assert.equal((await anonymous.get(`/api/v2/download/${mine.data.id}/stream/`)).status, 401);
		// the read-only observer may package what it can read (a download changes nothing)
		assert.equal(
			(
				await reader.post('/api/v2/download/', {
					json: [{ object_type: 'exam', object_id: E.wristMri }],
				})
			).status,
			201,
		);
		assert.equal((await alice.get('/api/v2/download/999999/')).status, 404);
	});

	test('bad requests: DRF shapes for a non-list, an empty list, unknown types and ids', async () => {
		const post = (json) => alice.post('/api/v2/download/', { json });
		assert.deepEqual((await post({ object_type: 'exam', object_id: 1 })).data, {
			non_field_errors: ['Expected a list of items but got type "dict".'],
		});
		assert.deepEqual((await post([])).data, { non_field_errors: ['This list may not be empty.'] });
		assert.deepEqual((await post([{ object_type: 'tag', object_id: 1 }])).data, {
			object_type: ['"tag" is not a valid choice.'],
		});
		assert.deepEqual((await post([{ object_id: 1 }])).data, {
			object_type: ['This field is required.'],
		});
		assert.deepEqual((await post([{ object_type: 'exam', object_id: 'x' }])).data, {
			object_id: ['Incorrect type. Expected pk value, received str.'],
		});
		assert.deepEqual((await post([{ object_type: 'exam', object_id: 99 }])).data, {
			object_id: ['Invalid pk "99" - object does not exist.'],
		});
		for (const json of [
			{ object_type: 'exam', object_id: 1 },
			[],
			[{ object_type: 'exam', object_id: 99 }],
		])
			assert.equal((await post(json)).status, 400);
		const none = await aliceKey.post('/api/v1/downloadfile/', {
			json: { exam_ids: [], filter: {} },
		});
		assert.equal(none.status, 400);
		assert.ok(none.data.non_field_errors);
		assert.equal((await aliceKey.post('/api/v1/downloadfile/', { json: [1] })).status, 400);
		assert.deepEqual(
			(await aliceKey.post('/api/v1/downloadfile/', { json: { exam_ids: [1], flat: 'maybe' } }))
				.data,
			{ flat: ['Must be a valid boolean.'] },
		);
	});

	test('34. form-encoded requests and paths without the trailing slash', async () => {
		const v2 = await alice.post('/api/v2/download', {
			form: { object_type: ['exam', 'dataset'], object_id: [E.wristMri, D.scan] },
		});
		assert.equal(v2.status, 201, v2.text);
		assert.deepEqual(v2.data.objects, [
			{ object_type: 'exam', object_id: E.wristMri },
			{ object_type: 'dataset', object_id: D.scan },
		]);
		const v1 = await aliceKey.post('/api/v1/downloadfile', {
			form: {
				exam_ids: [E.brainMri],
				flat: 'true',
				filter: JSON.stringify({ dataset_types: [100000] }),
			},
		});
		assert.equal(v1.status, 200, v1.text);
		await waitForDownload(aliceKey, `/api/v1/downloadfile/${v1.data.id}`, {
			until: (d) => d.ready,
		});
		const zip = readZip(
			(
				await fetchBytes(
					`${agora.url}/api/v1/downloadfile/${v1.data.id}/download`,
					apiKeyAuth('alice'),
				)
			).body,
		);
		assert.deepEqual([...zip.byName.keys()], ['report.txt']);
		const info = await aliceKey.post('/api/v1/downloadinfo', { form: { dataset_ids: [D.scan] } });
		assert.deepEqual(
			info.data.map((f) => [f.rel_path, f.filename]),
			[['scan', 'scan.dcm']],
		);
	});

	test('Range: 206 slices that resume an interrupted download; 416; If-Range', async () => {
		const { created, res } = await downloadV2(alice, [
			{ object_type: 'exam', object_id: E.brainMri },
		]);
		const whole = res.body;
		const url = `${agora.url}/api/v2/download/${created.id}/stream/`;
		const etag = res.headers.get('etag');
		assert.ok(etag);
		// A client that lost the connection after 1000 bytes asks for the rest.
		const first = await fetchBytes(url, tokenAuth('alice'), { Range: 'bytes=0-999' });
		assert.equal(first.status, 206);
		assert.equal(first.headers.get('content-range'), `bytes 0-999/${whole.length}`);
		assert.equal(first.headers.get('content-length'), '1000');
		const rest = await fetchBytes(url, tokenAuth('alice'), {
			Range: 'bytes=1000-',
			'If-Range': etag,
		});
		assert.equal(rest.status, 206);
		assert.equal(
			rest.headers.get('content-range'),
			`bytes 1000-${whole.length - 1}/${whole.length}`,
		);
		assert.ok(Buffer.concat([first.body, rest.body]).equals(whole));
		const suffix = await fetchBytes(url, tokenAuth('alice'), { Range: 'bytes=-22' });
		assert.ok(suffix.body.equals(whole.subarray(-22)));
		const past = await fetchBytes(url, tokenAuth('alice'), { Range: `bytes=${whole.length}-` });
		assert.equal(past.status, 416);
		assert.equal(past.headers.get('content-range'), `bytes */${whole.length}`);
		const stale = await fetchBytes(url, tokenAuth('alice'), {
			Range: 'bytes=0-9',
			'If-Range': '"other"',
		});
		assert.equal(stale.status, 200, 'If-Range mismatch: the whole archive');
		assert.ok(stale.body.equals(whole));
		// The connectors' route answers ranges the same way.
		const v1 = await fetchBytes(
			`${agora.url}/api/v1/downloadfile/${created.id}/download/`,
			apiKeyAuth('alice'),
			{ Range: 'bytes=30-59' },
		);
		assert.equal(v1.status, 206);
		assert.ok(v1.body.equals(whole.subarray(30, 60)));
	});

	test('ERROR: missing bytes, an injected failure and a cancel; the stream answers 410', async () => {
		await control.delete(`/__emulator/datafiles/${DEMO.datafiles.scanDcm}/blob`);
		const broken = await alice.post('/api/v2/download/', {
			json: [{ object_type: 'dataset', object_id: D.scan }],
		});
		const { data } = await waitForDownload(alice, `/api/v2/download/${broken.data.id}/`);
		assert.equal(data.state, 'ERROR');
		assert.equal(data.ready, false);
		assert.match(data.error, /Datafile \d+ \(scan\/scan\.dcm\) is missing on the server\./);
		const gone = await alice.get(`/api/v2/download/${broken.data.id}/stream/`);
		assert.equal(gone.status, 410);
		assert.equal(gone.data.detail, `The download failed: ${data.error}`);
		const item = (await alice.get(`/api/v2/timelineitem/${data.timeline_item}/`)).data;
		assert.equal(item.state, 'ERROR');
		assert.equal(item.error, data.error);

		await control.post('/__emulator/config', { json: { stepMs: 5000 } });
		const failed = await aliceKey.post('/api/v1/downloadfile/', {
			json: { exam_ids: [E.wristMri] },
		});
		assert.equal(
			(
				await control.post(`/__emulator/downloads/${failed.data.id}/fail`, {
					json: { error: 'disk full' },
				})
			).status,
			200,
		);
		const after1 = (await aliceKey.get(`/api/v1/downloadfile/${failed.data.id}/`)).data;
		assert.deepEqual([after1.state, after1.ready, after1.error], ['ERROR', false, 'disk full']);
		assert.equal(
			(await aliceKey.get(`/api/v1/downloadfile/${failed.data.id}/download/`)).status,
			410,
		);

		const canceled = await alice.post('/api/v2/download/', {
			json: [{ object_type: 'exam', object_id: E.wristMri }],
		});
		await control.post('/__emulator/config', { json: { stepMs: STEP_MS } });
		assert.equal(
			(await alice.post(`/api/v2/timelineitem/${canceled.data.timeline_item}/cancel/`)).status,
			200,
		);
		const c = await waitForDownload(alice, `/api/v2/download/${canceled.data.id}/`, {
			until: (d) => d.state === 'ERROR',
		});
		assert.equal(c.data.error, 'The download was canceled.');
	});

	test('a finished download whose files changed since answers 410, not a corrupt ZIP', async () => {
		const { created } = await downloadV2(alice, [{ object_type: 'dataset', object_id: D.scan }]);
		await control.delete(`/__emulator/datafiles/${DEMO.datafiles.scanDcm}/blob`);
		const res = await alice.get(`/api/v2/download/${created.id}/stream/`);
		assert.equal(res.status, 410);
		// and a reset forgets downloads
		await control.post('/__emulator/reset');
		assert.equal((await alice.get(`/api/v2/download/${created.id}/`)).status, 404);
	});

	test(
		'a client that goes away mid-archive: the emulator closes the file it was reading',
		{ skip: existsSync('/proc/self/fd') ? false : 'no /proc/self/fd' },
		async () => {
			const made = await control.post('/__emulator/datafiles', {
				json: { dataset: D.scan, name: 'abort.bin', size: 64 * MiB, seed: 3 },
			});
			const blob = `/${made.data.id}`;
			const openBlobs = () =>
				readdirSync('/proc/self/fd').filter((fd) => {
					try {
						return readlinkSync(`/proc/self/fd/${fd}`).endsWith(blob);
					} catch {
						return false;
					}
				}).length;
			const created = await alice.post('/api/v2/download/', {
				json: [{ object_type: 'dataset', object_id: D.scan }],
			});
			await waitForDownload(alice, `/api/v2/download/${created.data.id}/`);
			const abort = new AbortController();
			const res = await fetch(`${agora.url}/api/v2/download/${created.data.id}/stream/`, {
				headers: { Authorization: tokenAuth('alice') },
				signal: abort.signal,
			});
			const reader = res.body.getReader();
			let got = 0;
			while (got < 2 * MiB) got += (await reader.read()).value.length;
			assert.equal(openBlobs(), 1, 'the big file is being read');
			abort.abort();
			await pollUntil(() => openBlobs() === 0, {
				timeoutMs: 5000,
				description: 'the emulator to close the file after the client left',
			});
		},
	);

	test('control routes: generated datafiles, internal records, ZIP64 limits for HTTP archives', async () => {
		const made = await control.post('/__emulator/datafiles', {
			json: { dataset: D.scan, name: 'gen/big.bin', size: 3 * MiB + 5, seed: 7 },
		});
		assert.equal(made.status, 200, made.text);
		const bytes = await fetchBytes(
			`${agora.url}/api/v1/datafile/${made.data.id}/download/`,
			tokenAuth('alice'),
		);
		assert.equal(bytes.body.length, 3 * MiB + 5);
		assert.ok(bytes.body.equals(seededBytes(7, 0, 3 * MiB + 5)), 'the documented generator');
		assert.equal(sha1(bytes.body), made.data.sha1);
		assert.equal(zlib.crc32(bytes.body) >>> 0, made.data.crc32);
		assert.equal(
			(await control.post('/__emulator/datafiles', { json: { dataset: 9999, name: 'x', size: 1 } }))
				.status,
			400,
		);

		await control.post('/__emulator/downloads/settings', {
			json: { zipLimits: { u32: 1000, u16: 2 } },
		});
		const { created, res, zip } = await downloadV2(alice, [
			{ object_type: 'dataset', object_id: D.scan },
		]);
		assert.equal(zip.zip64, true);
		assert.deepEqual([...zip.byName.keys()], ['scan/scan.dcm', 'scan/gen/big.bin']);
		assert.ok(zip.byName.get('scan/gen/big.bin').data.equals(bytes.body));
		const record = (await control.get(`/__emulator/downloads/${created.id}`)).data;
		assert.equal(record.zip64, true);
		assert.equal(record.total_size, res.body.length);
		assert.deepEqual(
			record.entries.map((e) => [e.name, e.size, e.crc32]),
			zip.entries.map((e) => [e.name, e.size, e.crc32]),
		);
		const file = join(workDir, 'http-zip64.zip');
		writeFileSync(file, res.body);
		externalChecks(file, record.entries);
		assert.ok((await control.get('/__emulator/downloads')).data.some((d) => d.id === created.id));
	});

	test('a restart ends unfinished downloads in ERROR (their packages were in memory)', async () => {
		const dataDir = join(workDir, 'restart-data');
		const first = await startAgoraEmulator({ stepMs: 100_000, dataDir });
		let itemId;
		try {
			const client = createClient(first.url, { authorization: tokenAuth('alice') });
			const created = await client.post('/api/v2/download/', {
				json: [{ object_type: 'exam', object_id: E.wristMri }],
			});
			itemId = created.data.timeline_item;
			assert.equal(created.data.state, 'QUEUED');
		} finally {
			await first.close();
		}
		const second = await startAgoraEmulator({ stepMs: 100_000, dataDir });
		try {
			const client = createClient(second.url, { authorization: tokenAuth('alice') });
			const item = (await client.get(`/api/v2/timelineitem/${itemId}/`)).data;
			assert.equal(item.state, 'ERROR');
			assert.equal(item.error, 'The download was lost when the emulator restarted.');
		} finally {
			await second.close();
		}
	});

	test('B.7.1 (py, go): datafile by original_filename, skipped when size and sha1 match', async () => {
		const target = join(workDir, 'py-target');
		const ds = await aliceKey.get(`/api/v1/dataset/${D.scan}/`);
		assert.equal(ds.status, 200);
		for (const df of ds.data.datafiles) {
			const path = join(target, df.original_filename);
			const res = await fetchBytes(
				`${agora.url}/api/v1/datafile/${df.id}/download/`,
				apiKeyAuth('alice'),
			);
			assert.equal(res.status, 200); // py writes only on 200
			mkdirSync(dirname(path), { recursive: true });
			writeFileSync(path, res.body);
		}
		const written = readFileSync(join(target, 'scan.dcm'));
		assert.equal(written.toString(), 'hello world');
		const [df] = ds.data.datafiles;
		assert.ok(
			written.length === df.size && sha1(written) === df.sha1,
			'the skip check holds next time',
		);
		assert.equal((await aliceKey.get('/api/v1/datafile/999999/download/')).status, 404);
	});

	test('B.7.2 m: downloadinfo, skip existing, project downloadfile, poll ready, unzip', async () => {
		// Exactly what gtagora-connector-matlab's DownloadDatasetMixin sends for an exam.
		const target = join(workDir, 'matlab-target');
		const info = await aliceKey.post('/api/v1/downloadinfo/', { json: { exam_ids: [E.brainMri] } });
		assert.equal(info.status, 200);
		// One file already present with the right size and sha1: m skips it.
		const [present, ...missing] = info.data;
		const presentBytes = (
			await fetchBytes(`${agora.url}/api/v1/datafile/${present.id}/download/`, apiKeyAuth('alice'))
		).body;
		mkdirSync(join(target, present.rel_path), { recursive: true });
		writeFileSync(join(target, present.rel_path, present.filename), presentBytes);
		const body = {
			exam_ids: [E.brainMri],
			stream: true,
			compression: false,
			filter: { datafile_ids: missing.map((f) => f.id) },
		};
		const created = await aliceKey.post(`/api/v1/project/${P.shared}/downloadfile/`, {
			json: body,
		});
		assert.equal(created.status, 200);
		let download = created.data;
		while (!download.ready) {
			await new Promise((r) => setTimeout(r, 10)); // m: pause(0.5)
			download = (await aliceKey.get(`/api/v1/downloadfile/${download.id}/`)).data;
		}
		const zipFile = join(workDir, 'm.zip');
		writeFileSync(
			zipFile,
			(
				await fetchBytes(
					`${agora.url}/api/v1/downloadfile/${download.id}/download/`,
					apiKeyAuth('alice'),
				)
			).body,
		);
		if (HAVE_UNZIP) execFileSync('unzip', ['-q', '-o', zipFile, '-d', target]);
		else
			for (const e of readZip(readFileSync(zipFile)).entries) {
				mkdirSync(dirname(join(target, e.name)), { recursive: true });
				writeFileSync(join(target, e.name), e.data);
			}
		for (const f of info.data) {
			const path = join(target, f.rel_path, f.filename); // m: fullfile(path, rel_path, filename)
			assert.ok(existsSync(path), path);
			const bytes = readFileSync(path);
			assert.equal(bytes.length, f.size);
			assert.equal(sha1(bytes), f.sha1);
		}
	});

	test('B.7.2 app: downloadfile with every id list, 200 and id != 0, download_name', async () => {
		const body = {
			exam_ids: [E.wristMri],
			series_ids: [],
			patient_ids: [],
			dataset_ids: [D.scan],
			folder_ids: [],
			filter: { datafile_ids: [] },
		};
		const created = await aliceKey.post('/api/v1/downloadfile/', { json: body });
		assert.equal(created.status, 200);
		assert.ok(created.data.id !== 0);
		const { data } = await waitForDownload(aliceKey, `/api/v1/downloadfile/${created.data.id}/`, {
			until: (d) => d.ready,
		});
		const res = await fetchBytes(
			`${agora.url}/api/v1/downloadfile/${data.id}/download/`,
			apiKeyAuth('alice'),
		);
		assert.match(
			res.headers.get('content-disposition'),
			new RegExp(`filename="${data.download_name}"`),
		);
		const zip = readZip(res.body);
		assert.equal(
			zip.entries.length,
			5,
			'four wrist files and scan.dcm (an empty id filter filters nothing)',
		);
		// AEX export: same flow, the name from download_name
		const aex = await aliceKey.post('/api/v1/downloadfile/', {
			json: { exam_ids: [E.wristMri], aex: true, compression: true },
		});
		assert.equal(aex.data.download_name, 'Wrist MRI.aex');
	});
});

// ---- 1 GiB from a child process: flat memory, the bytes the writer promises ----

/** The control route's documented generator, re-implemented: AES-128-CTR keystream. */
function seededBytes(seed, offset, length) {
	const key = createHash('sha256').update(`agora-emulator-seed:${seed}`).digest().subarray(0, 16);
	const iv = Buffer.alloc(16);
	iv.writeBigUInt64BE(BigInt(Math.floor(offset / 16)), 8);
	const c = createCipheriv('aes-128-ctr', key, iv);
	return c.update(Buffer.alloc(length + (offset % 16))).subarray(offset % 16);
}

/** DOS date/time, written here independently of the writer. */
function dos(iso) {
	const d = new Date(iso);
	return {
		time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
		date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
	};
}

/**
 * SHA-256 of the archive the writer promises for these entries (no ZIP64 needed under
 * 4 GiB): local header + data per entry, central directory, end record, per APPNOTE.
 */
function expectedZipSha256(entries, dataOf) {
	const hash = createHash('sha256');
	const central = [];
	let offset = 0;
	for (const e of entries) {
		const name = Buffer.from(e.name);
		const { time, date } = dos(e.mtime);
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt16LE(0x0800, 6);
		local.writeUInt16LE(time, 10);
		local.writeUInt16LE(date, 12);
		local.writeUInt32LE(e.crc32, 14);
		local.writeUInt32LE(e.size, 18);
		local.writeUInt32LE(e.size, 22);
		local.writeUInt16LE(name.length, 26);
		hash.update(local).update(name);
		for (const chunk of dataOf(e)) hash.update(chunk);
		const c = Buffer.alloc(46);
		c.writeUInt32LE(0x02014b50, 0);
		c.writeUInt16LE((3 << 8) | 45, 4);
		c.writeUInt16LE(20, 6);
		c.writeUInt16LE(0x0800, 8);
		c.writeUInt16LE(time, 12);
		c.writeUInt16LE(date, 14);
		c.writeUInt32LE(e.crc32, 16);
		c.writeUInt32LE(e.size, 20);
		c.writeUInt32LE(e.size, 24);
		c.writeUInt16LE(name.length, 28);
		c.writeUInt32LE((0o100644 << 16) >>> 0, 38);
		c.writeUInt32LE(offset, 42);
		central.push(c, name);
		offset += 30 + name.length + e.size;
	}
	const cd = Buffer.concat(central);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(entries.length, 8);
	end.writeUInt16LE(entries.length, 10);
	end.writeUInt32LE(cd.length, 12);
	end.writeUInt32LE(offset, 16);
	return hash.update(cd).update(end).digest('hex');
}

const rssKiB = (pid) =>
	Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

describe('a 1 GiB archive from an emulator child process', () => {
	let child;
	let url;
	let dataDir;
	before(async () => {
		dataDir = join(workDir, 'child-data');
		child = spawn(
			process.execPath,
			[SERVER, '--port', '0', '--data-dir', dataDir, '--step-ms', '50'],
			{ stdio: ['ignore', 'pipe', 'pipe'] },
		);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		await pollUntil(() => stdout.includes('\n'), {
			timeoutMs: 10_000,
			description: `the ready line (${stderr})`,
		});
		url = JSON.parse(stdout.split('\n')[0]).url;
	});
	after(async () => {
		// Wait for the exit: the emulator saves its state on SIGTERM, into the directory
		// the file's last hook removes.
		if (!child || child.exitCode !== null) return;
		const exited = once(child, 'exit');
		child.kill('SIGTERM');
		await exited;
	});

	test(
		"streamed with the emulator's memory flat; SHA-256 equals the promised archive",
		{ skip: existsSync('/proc/self/status') ? false : 'no /proc: cannot read VmRSS' },
		async () => {
			const control = createClient(url);
			const alice = createClient(url, { authorization: `Token ${KEYS.alice}` });
			const peak = { value: 0 };
			const sample = () => (peak.value = Math.max(peak.value, rssKiB(child.pid)));
			const sampler = setInterval(sample, 20);
			try {
				const baseline = rssKiB(child.pid);
				const started = Date.now();
				const made = await control.post('/__emulator/datafiles', {
					json: { dataset: D.scan, name: 'big.bin', size: GiB, seed: 42 },
				});
				assert.equal(made.status, 200, made.text);
				const writeMs = Date.now() - started;
				const created = await alice.post('/api/v2/download/', {
					json: [{ object_type: 'dataset', object_id: D.scan }],
				});
				assert.equal(created.status, 201);
				const done = await pollUntil(
					async () => {
						const d = (await alice.get(`/api/v2/download/${created.data.id}/`)).data;
						return d.state === 'FINISHED' || d.state === 'ERROR' ? d : false;
					},
					{ timeoutMs: 60_000, intervalMs: 20, description: 'the 1 GiB package' },
				);
				assert.equal(done.state, 'FINISHED', done.error);
				const record = (await control.get(`/__emulator/downloads/${created.data.id}`)).data;
				assert.deepEqual(
					record.entries.map((e) => e.name),
					['scan/scan.dcm', 'scan/big.bin'],
				);

				peak.value = 0;
				const res = await fetch(`${url}/api/v2/download/${created.data.id}/stream/`, {
					headers: { Authorization: `Token ${KEYS.alice}` },
				});
				assert.equal(res.status, 200);
				assert.equal(Number(res.headers.get('content-length')), done.total_size);
				const hash = createHash('sha256');
				let received = 0;
				const streamStarted = Date.now();
				for await (const chunk of res.body) {
					hash.update(chunk);
					received += chunk.length;
				}
				const streamMs = Date.now() - streamStarted;
				sample();
				assert.equal(received, done.total_size);
				const expected = expectedZipSha256(record.entries, function* (e) {
					if (e.name === 'scan/scan.dcm') yield Buffer.from('hello world');
					else
						for (let at = 0; at < e.size; at += 64 * MiB)
							yield seededBytes(42, at, Math.min(64 * MiB, e.size - at));
				});
				assert.equal(hash.digest('hex'), expected);
				const peakMiB = peak.value / 1024;
				console.log(
					`# 1 GiB: datafile written in ${writeMs} ms, archive streamed in ${streamMs} ms; emulator RSS ${Math.round(baseline / 1024)} MiB before, ${Math.round(peakMiB)} MiB peak while streaming`,
				);
				assert.ok(peakMiB < 120, `the emulator's RSS reached ${peakMiB} MiB`);
			} finally {
				clearInterval(sampler);
			}
		},
	);
});
