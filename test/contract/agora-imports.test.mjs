// Contract tests for the Agora emulator, part 4: import sessions (reference A.9, B.4.9, B.6,
// Part C "Upload session", "Upload status", "Integrity"; checks 5, 6, 17, 18, 19, 34), the
// streaming multipart reader they rely on, durability across crashes and injected faults.
// Everything runs against a real emulator: in-process, or a child process where a crash or
// the process's memory is what is tested.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, deflateRawSync } from 'node:zlib';
import { startAgoraChild, stopAgoraChild } from '../lib/agora-child.mjs';
import { startAgoraEmulator } from '../../emulators/agora/server.mjs';
import { apiKeyAuth, KEYS, tokenAuth } from '../../emulators/agora/testing.mjs';
import { createClient, pollUntil } from '../../emulators/lib/contract-client.mjs';
import {
	MultipartError,
	MultipartParser,
	receiveMultipart,
} from '../../emulators/lib/multipart-stream.mjs';

const sha1 = (b) => createHash('sha1').update(b).digest('hex');
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

let workDir;
before(() => {
	workDir = mkdtempSync(join(tmpdir(), 'agora-imports-'));
});
after(() => {
	rmSync(workDir, { recursive: true, force: true });
});

// ---- request helpers ----

/**
 * A multipart body as a stream of Buffers: `fields` first, then the file part (a Buffer or an
 * async iterable of Buffers, never collected), then `fieldsAfter`, the way python-requests
 * lays out `data=` and `files=`.
 */
async function* multipartBody(boundary, { fields = [], file = null, fieldsAfter = [] }) {
	const field = (name, value) =>
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
		);
	for (const [name, value] of fields) yield field(name, value);
	if (file) {
		yield Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="${file.name ?? 'file'}"; filename="${file.filename}"\r\n` +
				`Content-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
		);
		if (Buffer.isBuffer(file.data)) yield file.data;
		else for await (const chunk of file.data) yield chunk;
		yield Buffer.from('\r\n');
	}
	const late = typeof fieldsAfter === 'function' ? fieldsAfter() : fieldsAfter;
	for (const [name, value] of late) yield field(name, value);
	yield Buffer.from(`--${boundary}--\r\n`);
}

/** POST a multipart body with node:http (streamed; Content-Length when it is known). */
function postMultipart(baseUrl, path, { authorization, parts, contentLength, boundary }) {
	const b = boundary ?? `----agoratest${randomBytes(8).toString('hex')}`;
	const url = new URL(path, baseUrl);
	return new Promise((resolve, reject) => {
		const headers = { 'Content-Type': `multipart/form-data; boundary=${b}` };
		if (authorization) headers.Authorization = authorization;
		if (contentLength !== undefined) headers['Content-Length'] = String(contentLength);
		const req = httpRequest(
			{ method: 'POST', host: url.hostname, port: url.port, path: url.pathname, headers },
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let data;
					try {
						data = text ? JSON.parse(text) : undefined;
					} catch {
						data = undefined;
					}
					resolve({ status: res.statusCode, text, data });
				});
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		pipeline(Readable.from(multipartBody(b, parts)), req).catch(reject);
	});
}

/** flow.js fields of one chunk (B.6.2), in the connectors' order. */
function flowFields({ number, chunkSize, current, totalSize, identifier, path, totalChunks }) {
	return [
		['description', ''],
		['flowChunkNumber', String(number)],
		['flowChunkSize', String(chunkSize)],
		['flowCurrentChunkSize', String(current)],
		['flowTotalSize', String(totalSize)],
		['flowIdentifier', identifier],
		['flowFilename', path],
		['flowRelativePath', path],
		['flowTotalChunks', String(totalChunks)],
	];
}

/** One chunk of `bytes` (1-based `number`) as flow.js would send it. */
function sendChunk(baseUrl, sessionPath, bytes, options) {
	const {
		number,
		chunkSize,
		identifier,
		path,
		authorization = tokenAuth('alice'),
		hashField = null,
		override = {},
		data,
	} = options;
	const totalChunks = options.totalChunks ?? Math.ceil(bytes.length / chunkSize);
	const part = data ?? bytes.subarray((number - 1) * chunkSize, number * chunkSize);
	let fields = flowFields({
		number,
		chunkSize,
		current: part.length,
		totalSize: bytes.length,
		identifier,
		path,
		totalChunks,
	});
	if (hashField) fields.push([hashField, sha256(part)]);
	fields = fields.map(([k, v]) => [k, k in override ? String(override[k]) : v]);
	return postMultipart(baseUrl, `${sessionPath}upload/`, {
		authorization,
		parts: { fields, file: { filename: path.split('/').at(-1), data: part } },
	});
}

/** Every chunk of a file, in order; asserts 200 `{}` for each. */
async function uploadFile(baseUrl, sessionPath, bytes, options) {
	const chunkSize = options.chunkSize ?? Math.max(1, bytes.length);
	const total = Math.ceil(bytes.length / chunkSize);
	for (let n = 1; n <= total; n++) {
		const res = await sendChunk(baseUrl, sessionPath, bytes, { ...options, chunkSize, number: n });
		assert.equal(res.status, 200, `chunk ${n} of ${options.path}: ${res.text}`);
		assert.deepEqual(res.data, {});
	}
}

/** A whole file as one `file` part without flow fields (seed 000). */
const sendWholeFile = (baseUrl, sessionPath, bytes, filename, authorization = tokenAuth('alice')) =>
	postMultipart(baseUrl, `${sessionPath}upload/`, {
		authorization,
		parts: { file: { filename, data: bytes } },
	});

/** Polls `progress/` until 5/100 or -1; returns the last answer and the states seen. */
async function waitForImport(client, sessionPath, { timeoutMs = 15_000 } = {}) {
	const seen = [];
	const last = await pollUntil(
		async () => {
			const res = await client.get(`${sessionPath}progress`);
			assert.equal(res.status, 200, res.text);
			const key = `${res.data.state}/${res.data.progress}`;
			if (seen.at(-1) !== key) seen.push(key);
			if (res.data.state === -1 || (res.data.state === 5 && res.data.progress === 100))
				return res.data;
			return false;
		},
		{ timeoutMs, intervalMs: 3, description: `import ${sessionPath}` },
	);
	return { last, seen };
}

/** Creates a session, uploads files ({path, bytes, chunkSize?}), completes, waits. */
async function importFiles(agora, client, files, { create = {}, complete = {}, v1 = false } = {}) {
	const base = v1 ? '/api/v1/import/' : '/api/v2/importsession/';
	const created = await client.post(base, { json: create });
	assert.equal(created.status, 201, created.text);
	const sessionPath = `${base}${created.data.id}/`;
	for (const f of files)
		await uploadFile(agora.url, sessionPath, f.bytes, {
			path: f.path,
			identifier: f.identifier ?? randomBytes(16).toString('hex'),
			chunkSize: f.chunkSize,
			authorization: client.authorization,
		});
	const done = await client.post(`${sessionPath}complete/`, { json: complete });
	assert.equal(done.status, 204, done.text);
	const { last } = await waitForImport(client, sessionPath);
	const result = await client.get(`${sessionPath}result/`);
	return { id: created.data.id, sessionPath, last, result: result.data };
}

function clientFor(agora, user = 'alice', style = 'token') {
	const authorization = style === 'token' ? tokenAuth(user) : apiKeyAuth(user);
	const client = createClient(agora.url, { authorization });
	client.authorization = authorization;
	return client;
}

// ---- the streaming multipart reader ----

describe('multipart-stream', () => {
	const boundary = 'XyZ-b0und4ry';
	const body = Buffer.concat([
		Buffer.from('preamble to ignore\r\n'),
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\none\r\n`),
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="empty"\r\n\r\n\r\n`),
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x y.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
		),
		// File bytes that look like a delimiter without being one, and CRLFs.
		Buffer.from(`\r\n--${boundary.slice(0, 5)}\r\n\r\n-\r\n--X\x00\xff end`, 'latin1'),
		Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="b"\r\n\r\ntwo\r\n`),
		Buffer.from(`--${boundary}--\r\nepilogue --${boundary}\r\n`),
	]);
	const fileBytes = Buffer.from(
		`\r\n--${boundary.slice(0, 5)}\r\n\r\n-\r\n--X\x00\xff end`,
		'latin1',
	);

	function collect(chunks) {
		const parser = new MultipartParser(boundary);
		const parts = [];
		for (const chunk of chunks)
			for (const ev of parser.push(chunk)) {
				if (ev.type === 'part') parts.push({ name: ev.name, filename: ev.filename, data: [] });
				else if (ev.type === 'data') parts.at(-1).data.push(Buffer.from(ev.data));
			}
		parser.end();
		return parts.map((p) => ({ ...p, data: Buffer.concat(p.data) }));
	}

	test('splitting the body at every offset (and into single bytes) gives the same parts', () => {
		const whole = collect([body]);
		assert.deepEqual(
			whole.map((p) => [p.name, p.filename, p.data.toString('latin1')]),
			[
				['a', undefined, 'one'],
				['empty', undefined, ''],
				['file', 'x y.bin', fileBytes.toString('latin1')],
				['b', undefined, 'two'],
			],
		);
		for (let i = 0; i <= body.length; i++)
			for (let j = i; j <= body.length; j += 7)
				assert.deepEqual(
					collect([body.subarray(0, i), body.subarray(i, j), body.subarray(j)]),
					whole,
				);
		const bytes = [...body].map((b) => Buffer.from([b]));
		assert.deepEqual(collect(bytes), whole);
	});

	test('a missing closing delimiter, a bad boundary line and endless headers are errors', () => {
		assert.throws(() => collect([body.subarray(0, body.length - 40)]), MultipartError);
		assert.throws(() => collect([Buffer.from(`--${boundary}XX\r\n`)]), MultipartError);
		const parser = new MultipartParser(boundary, { maxHeaderBytes: 100 });
		assert.throws(
			() => parser.push(Buffer.from(`--${boundary}\r\nX-Long: ${'a'.repeat(200)}`)),
			MultipartError,
		);
	});

	test('filename* (RFC 5987) and quoted names are decoded', () => {
		const b = Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"; filename*=UTF-8''%C3%BC%20b.dcm\r\n\r\nx\r\n--${boundary}--`,
		);
		assert.equal(collect([b])[0].filename, 'ü b.dcm');
	});

	test('receiveMultipart streams the first file to disk with its SHA-256; fields may follow it', async () => {
		const dir = mkdtempSync(join(workDir, 'mp-'));
		const data = randomBytes(300_000);
		const source = multipartBody(boundary, {
			fields: [['flowChunkNumber', '1']],
			file: {
				filename: 'd.bin',
				data: (async function* () {
					for (let i = 0; i < data.length; i += 4099) yield data.subarray(i, i + 4099);
				})(),
			},
			fieldsAfter: [['flowChunkHash', 'abc']],
		});
		const got = await receiveMultipart(source, `multipart/form-data; boundary=${boundary}`, {
			tmpDir: dir,
		});
		assert.deepEqual(got.fields, [
			['flowChunkNumber', '1'],
			['flowChunkHash', 'abc'],
		]);
		assert.equal(got.file.filename, 'd.bin');
		assert.equal(got.file.size, data.length);
		assert.equal(got.file.sha256, sha256(data));
		assert.ok(readFileSync(got.file.path).equals(data));
		// A body that breaks off leaves no file behind.
		await assert.rejects(
			receiveMultipart(
				(async function* () {
					yield Buffer.from(
						`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\npartial`,
					);
				})(),
				`multipart/form-data; boundary=${boundary}`,
				{ tmpDir: dir },
			),
			MultipartError,
		);
		assert.deepEqual(readdirSync(dir).sort(), [got.file.path.split('/').at(-1)]);
	});
});

// ---- the API ----

describe('import sessions (in-process emulator)', () => {
	let agora;
	let alice;
	let aliceKey;
	let reader;
	let control;
	before(async () => {
		agora = await startAgoraEmulator({ stepMs: 20 });
		alice = clientFor(agora, 'alice', 'token');
		aliceKey = clientFor(agora, 'alice', 'apikey');
		reader = clientFor(agora, 'reader', 'token');
		control = createClient(agora.url);
	});
	after(async () => {
		await agora?.close();
	});

	test('check 5: documented session, one whole-file upload, complete, states to 5/100', async () => {
		const created = await alice.post('/api/v2/importsession/', { json: { folder: 10 } });
		assert.equal(created.status, 201);
		assert.deepEqual(Object.keys(created.data), [
			'id',
			'user',
			'state',
			'progress',
			'is_complete',
			'complete_date',
			'created_date',
			'modified_date',
			'error',
			'extract_zip_files',
			'import_file',
			'import_parameters',
			'nof_retries',
			'target_id',
			'target_type',
			'timeline_items',
			'files',
		]);
		assert.equal(created.data.state, 1);
		assert.equal(created.data.is_complete, false);
		assert.equal(created.data.target_id, 10);
		assert.equal(created.data.target_type, 'folder');
		const path = `/api/v2/importsession/${created.data.id}/`;
		const bytes = Buffer.from('seed 000 whole file');
		const up = await sendWholeFile(agora.url, path, bytes, 'whole.dcm');
		assert.equal(up.status, 200, up.text);
		assert.deepEqual(up.data, {});
		const session = (await alice.get(path)).data;
		assert.deepEqual(
			session.files.map((f) => [f.filename, f.total_chunks, f.chunks_received]),
			[['whole.dcm', 1, 1]],
		);
		const done = await alice.post(`${path}complete/`);
		assert.equal(done.status, 204);
		assert.equal(done.text, '');
		// GET importsession/{id}/ itself moves through the states (the node polls it).
		const states = [];
		const final = await pollUntil(
			async () => {
				const s = (await alice.get(path)).data;
				if (states.at(-1) !== s.state) states.push(s.state);
				return s.state === 5 && s.progress === 100 ? s : false;
			},
			{ timeoutMs: 5000, intervalMs: 2, description: 'state 5' },
		);
		assert.equal(states[0], 2);
		assert.ok(states.includes(4), `states ${states}`);
		assert.deepEqual([...states].sort(), states, 'never backwards');
		assert.equal(final.is_complete, true);
		assert.equal(final.error, '');
		assert.equal(final.timeline_items.length, 1);
		const result = (await alice.get(`${path}result/`)).data;
		assert.equal(result.datafiles.length, 1);
		assert.equal(result.datafiles[0].path, 'whole.dcm');
		assert.equal(result.datafiles[0].sha1, sha1(bytes));
		assert.equal(result.datafiles[0].created, true);
		// The dataset is in folder 10, type DICOM, with the bytes.
		const items = (await alice.get('/api/v1/folder/10/items/')).data;
		const item = items.find(
			(i) => i.content_type === 'dataset' && i.object_id === result.datafiles[0].dataset,
		);
		assert.equal(item.content_object.name, 'whole');
		assert.equal(item.content_object.type, 300);
		assert.deepEqual(
			item.content_object.datafiles.map((d) => [d.original_filename, d.size, d.sha1]),
			[['whole.dcm', bytes.length, sha1(bytes)]],
		);
		const download = await alice.get(`/api/v1/datafile/${result.datafiles[0].id}/download/`);
		assert.equal(download.text, bytes.toString());
		// The import's timeline item finished with the session.
		const item2 = (await alice.get(`/api/v2/timelineitem/${final.timeline_items[0]}/`)).data;
		assert.equal(item2.type, 'import');
		assert.equal(item2.state, 'FINISHED');
		assert.equal(item2.data.state, 2);
		assert.deepEqual(item2.related_objects, [
			{ id: result.datafiles[0].dataset, content_type: 'dataset' },
		]);
		const listed = (await alice.get('/api/v2/timeline/?type=import')).data.results.map((i) => i.id);
		assert.ok(listed.includes(item2.id));
	});

	test('check 6: a file of 2.5 chunk sizes is three flow.js requests; the log shows the fields', async () => {
		const created = await alice.post('/api/v2/importsession/', { json: { folder: '6' } });
		assert.equal(created.status, 201, 'folder as a string');
		const path = `/api/v2/importsession/${created.data.id}/`;
		const chunkSize = 1000;
		const bytes = randomBytes(2500);
		const identifier = 'c7c2a3f0-6c4e-4f57-9a55-000000000006';
		const since = (await control.get('/__emulator/requests?limit=1')).data.lastSeq;
		await uploadFile(agora.url, path, bytes, { chunkSize, identifier, path: 'mydir/sub/a.dcm' });
		const logged = (await control.get(`/__emulator/requests?since=${since}`)).data.requests;
		const uploads = logged.filter((r) => r.path.endsWith('/upload/'));
		assert.equal(uploads.length, 3);
		const value = (r, name) => r.body.fields.find((f) => f.name === name)?.value;
		assert.deepEqual(
			uploads.map((r) => value(r, 'flowChunkNumber')),
			['1', '2', '3'],
		);
		assert.deepEqual(
			uploads.map((r) => value(r, 'flowCurrentChunkSize')),
			['1000', '1000', '500'],
		);
		assert.deepEqual(
			uploads.map((r) => r.body.fields.find((f) => f.name === 'file').size),
			[1000, 1000, 500],
		);
		for (const r of uploads) {
			assert.equal(value(r, 'flowIdentifier'), identifier);
			assert.equal(value(r, 'flowTotalChunks'), '3');
			assert.equal(value(r, 'flowTotalSize'), '2500');
			assert.equal(value(r, 'flowFilename'), 'mydir/sub/a.dcm');
			assert.equal(value(r, 'flowRelativePath'), 'mydir/sub/a.dcm');
			assert.equal(r.status, 200);
			assert.equal(r.route, 'POST /api/v2/importsession/:id/upload/');
		}
		const flow = (await alice.get(`/api/v2/flowfile/${identifier}/`)).data;
		assert.deepEqual(flow.chunks, [1, 2, 3]);
		assert.equal(flow.state, 2);
		assert.equal(flow.content_hash, sha256(bytes));
		assert.equal((await alice.post(`${path}complete/`, { json: {} })).status, 204);
		const { last } = await waitForImport(alice, path);
		assert.deepEqual([last.state, last.progress], [5, 100]);
		const result = (await alice.get(`${path}result/`)).data.datafiles;
		assert.deepEqual(
			result.map((d) => [d.path, d.sha1, d.created]),
			[['mydir/sub/a.dcm', sha1(bytes), true]],
		);
		const ds = (await alice.get(`/api/v1/dataset/${result[0].dataset}/`)).data;
		assert.equal(ds.name, 'a');
		assert.equal(ds.type, 300);
		assert.equal(ds.datafiles[0].relative_path, 'mydir/sub/a.dcm');
	});

	test('check 17: connector routes, X-Agora-Api-Key, folder as int, string and form field', async () => {
		for (const [label, complete] of [
			['int', { json: { folder: 6 } }],
			['string', { json: { folder: '6' } }],
			['form', { form: { folder: '6' } }],
		]) {
			const created = await aliceKey.post('/api/v1/import/', { json: {} });
			assert.equal(created.status, 201, label);
			assert.equal(created.data.state, 1);
			assert.equal(created.data.is_complete, false);
			assert.equal(created.data.target_id, null);
			const path = `/api/v1/import/${created.data.id}/`;
			const bytes = Buffer.from(`connector file ${label}`);
			await uploadFile(agora.url, path, bytes, {
				path: `scan-${label}.nii`,
				identifier: randomBytes(16).toString('hex'),
				chunkSize: 8,
				authorization: apiKeyAuth('alice'),
			});
			const done = await aliceKey.post(`${path}complete/`, complete);
			assert.equal(done.status, 204, `${label}: ${done.text}`);
			const { last } = await waitForImport(aliceKey, path);
			assert.equal(last.state, 5, label);
			const result = (await aliceKey.get(`${path}result/`)).data.datafiles;
			assert.equal(result[0].sha1, sha1(bytes));
			const ds = (await aliceKey.get(`/api/v1/dataset/${result[0].dataset}/`)).data;
			assert.equal(ds.type, 600, 'NIfTI by extension');
			assert.equal((await aliceKey.get(`${path}get_objects/`)).status, 200);
		}
		// A missing folder fails with DRF's field error.
		const created = await aliceKey.post('/api/v1/import/', { json: {} });
		const path = `/api/v1/import/${created.data.id}/`;
		await uploadFile(agora.url, path, Buffer.from('x'), { path: 'x.dcm', identifier: 'x-999' });
		const bad = await aliceKey.post(`${path}complete/`, { json: { folder: 999 } });
		assert.equal(bad.status, 400);
		assert.deepEqual(bad.data, { folder: ['Invalid pk "999" - object does not exist.'] });
		const badString = await aliceKey.post(`${path}complete/`, { json: { folder: '999' } });
		assert.deepEqual(badString.data, { folder: ['Invalid pk "999" - object does not exist.'] });
		// Not writable: the cardiac project's folder (alice is no member) and for the read-only user.
		assert.deepEqual((await aliceKey.post(`${path}complete/`, { json: { folder: 11 } })).data, {
			folder: ['Invalid pk "11" - object does not exist.'],
		});
		assert.equal((await reader.post('/api/v1/import/', { json: {} })).status, 403);
		// Without any target.
		assert.deepEqual((await aliceKey.post(`${path}complete/`, { json: {} })).data, {
			folder: ['This field is required.'],
		});
		assert.equal((await aliceKey.get(path)).data.state, 1, 'a refused complete changes nothing');
	});

	test('check 18 and 34: progress answers 1/0, then 2..4, then exactly 5/100, without a trailing slash', async () => {
		const created = await aliceKey.post('/api/v1/import/', { json: {} });
		const path = `/api/v1/import/${created.data.id}/`;
		const before = await aliceKey.get(`/api/v1/import/${created.data.id}/progress`);
		assert.deepEqual(before.data, {
			state: 1,
			progress: 0,
			tasks: { count: 0, finished: 0, error: 0, ids: [] },
		});
		assert.deepEqual((await aliceKey.get(`/api/v1/import/${created.data.id}/result`)).data, {
			datafiles: [],
		});
		await uploadFile(agora.url, path, Buffer.from('progress'), {
			path: 'p.txt',
			identifier: 'p-18',
		});
		assert.equal((await aliceKey.post(`${path}complete/`, { json: { folder: 6 } })).status, 204);
		const { last, seen } = await waitForImport(aliceKey, path);
		assert.equal(seen[0], '2/0');
		assert.ok(seen.includes('4/50') || seen.includes('4/75'), seen.join(' '));
		assert.equal(seen.at(-1), '5/100');
		assert.ok(!seen.slice(0, -1).some((s) => s.startsWith('5/')), '5 only with 100');
		assert.equal(last.tasks.count, 1);
		assert.equal(last.tasks.finished, 1);
		assert.equal(last.tasks.ids.length, 1);
		const result = await aliceKey.get(`/api/v1/import/${created.data.id}/result`);
		assert.equal(result.status, 200);
		assert.equal(result.data.datafiles[0].path, 'p.txt');
		assert.equal(result.data.datafiles[0].sha1, sha1(Buffer.from('progress')));
	});

	test('check 19: result SHA-1 of the bytes; the same import again is created:false', async () => {
		const bytes = randomBytes(5000);
		const first = await importFiles(
			agora,
			alice,
			[{ path: 'dup/scan.dcm', bytes, chunkSize: 2048 }],
			{
				complete: { folder: 7 },
			},
		);
		const [a] = first.result.datafiles;
		assert.equal(a.sha1, sha1(bytes));
		assert.equal(a.created, true);
		const second = await importFiles(
			agora,
			alice,
			[{ path: 'dup/scan.dcm', bytes, chunkSize: 1000 }],
			{
				complete: { folder: 7 },
			},
		);
		const [b] = second.result.datafiles;
		assert.deepEqual(b, { ...a, created: false });
		const datasets = (await alice.get('/api/v1/folder/7/items/')).data.filter(
			(i) => i.content_type === 'dataset',
		);
		assert.equal(datasets.length, 1, 'no second dataset');
		assert.equal(datasets[0].content_object.datafiles.length, 1, 'no second datafile');
		// Other bytes under the same path are a new datafile.
		const third = await importFiles(
			agora,
			alice,
			[{ path: 'dup/scan.dcm', bytes: randomBytes(10) }],
			{
				complete: { folder: 7 },
			},
		);
		assert.equal(third.result.datafiles[0].created, true);
		assert.notEqual(third.result.datafiles[0].id, a.id);
	});

	test('chunks out of order, twice, and from two client runs; resume through the flowfile route', async () => {
		const created = await alice.post('/api/v2/importsession/', { json: { folder: 6 } });
		const path = `/api/v2/importsession/${created.data.id}/`;
		const bytes = randomBytes(4500);
		const opts = { chunkSize: 1000, identifier: 'resume-me', path: 'runs/data.bin' };
		// Run 1: chunks 5, 2 and 4, then "the client dies".
		for (const number of [5, 2, 4])
			assert.equal((await sendChunk(agora.url, path, bytes, { ...opts, number })).status, 200);
		// The same chunk again (other bytes first, then the right ones): overwritten, 200.
		const wrong = await sendChunk(agora.url, path, bytes, {
			...opts,
			number: 2,
			data: randomBytes(1000),
		});
		assert.equal(wrong.status, 200);
		assert.equal((await sendChunk(agora.url, path, bytes, { ...opts, number: 2 })).status, 200);
		// Run 2: asks which chunks arrived and sends only the others.
		const flow = await alice.get('/api/v1/flowfile/resume-me/');
		assert.equal(flow.status, 200);
		assert.deepEqual(
			{ ...flow.data, created: undefined, updated: undefined, id: undefined },
			{
				id: undefined,
				identifier: 'resume-me',
				original_filename: 'runs/data.bin',
				original_source_paths: ['runs/data.bin'],
				total_size: 4500,
				total_chunks: 5,
				chunks: [2, 4, 5],
				total_chunks_uploaded: 3,
				content_hash: '',
				state: 1,
				import_session: created.data.id,
				created: undefined,
				updated: undefined,
			},
		);
		assert.equal(typeof flow.data.id, 'number');
		for (let number = 1; number <= 5; number++)
			if (!flow.data.chunks.includes(number))
				assert.equal((await sendChunk(agora.url, path, bytes, { ...opts, number })).status, 200);
		const after = (await alice.get('/api/v1/flowfile/resume-me')).data;
		assert.deepEqual(after.chunks, [1, 2, 3, 4, 5]);
		assert.equal(after.state, 2);
		assert.equal(after.content_hash, sha256(bytes));
		// Receipts: 7 arrivals; only chunk 2 came again, and each time after a confirmed 200.
		const receipts = (await control.get(`/__emulator/imports/${created.data.id}`)).data;
		assert.equal(receipts.files[0].arrivals, 7);
		assert.equal(receipts.files[0].duplicateArrivalsOfConfirmed, 2);
		assert.deepEqual(receipts.files[0].confirmedChunks, [1, 2, 3, 4, 5]);
		assert.equal((await alice.post(`${path}complete/`)).status, 204);
		await waitForImport(alice, path);
		const result = (await alice.get(`${path}result/`)).data.datafiles;
		assert.equal(result[0].sha1, sha1(bytes), 'the last copy of chunk 2 counts');
		// Flow files are per user: admin does not see alice's, unknown ones are 404.
		const admin = clientFor(agora, 'admin');
		assert.deepEqual((await admin.get('/api/v1/flowfile/resume-me/')).data, {
			detail: 'Not found.',
		});
		assert.equal((await alice.get('/api/v1/flowfile/no-such-id/')).status, 404);
		assert.equal((await admin.get(path)).status, 200, 'superusers see every session');
		assert.equal((await reader.get(path)).status, 404);
	});

	test('upload validation: every 400 of a chunk request', async () => {
		const created = await alice.post('/api/v2/importsession/', { json: { folder: 6 } });
		const path = `/api/v2/importsession/${created.data.id}/`;
		const bytes = randomBytes(3000);
		const opts = { chunkSize: 1000, identifier: 'val', path: 'v/a.dcm' };
		const send = (o) => sendChunk(agora.url, path, bytes, { ...opts, ...o });
		let res = await send({ number: 1, override: { flowChunkNumber: 0 } });
		assert.equal(res.status, 400);
		assert.deepEqual(res.data, { flowChunkNumber: ['Chunk number 0 is outside 1..3.'] });
		res = await send({ number: 3, override: { flowChunkNumber: 4 } });
		assert.deepEqual(res.data, { flowChunkNumber: ['Chunk number 4 is outside 1..3.'] });
		res = await send({ number: 1, override: { flowChunkNumber: 'one' } });
		assert.deepEqual(res.data, { flowChunkNumber: ['A valid integer is required.'] });
		res = await send({ number: 1, override: { flowCurrentChunkSize: 999 } });
		assert.deepEqual(res.data, {
			flowCurrentChunkSize: ['The chunk has 1000 bytes, flowCurrentChunkSize says 999.'],
		});
		res = await send({
			number: 1,
			hashField: 'flowChunkHash',
			override: { flowChunkHash: 'ab'.repeat(32) },
		});
		assert.deepEqual(res.data, { flowChunkHash: ['Chunk hash mismatch.'] });
		res = await send({
			number: 1,
			hashField: 'flowFileContentHash',
			override: { flowFileContentHash: 'cd'.repeat(32) },
		});
		assert.deepEqual(res.data, { flowFileContentHash: ['Chunk hash mismatch.'] });
		// The right hashes (either field, any case) pass.
		assert.equal((await send({ number: 1, hashField: 'flowChunkHash' })).status, 200);
		const upper = sha256(bytes.subarray(1000, 2000)).toUpperCase();
		assert.equal(
			(
				await send({
					number: 2,
					hashField: 'flowFileContentHash',
					override: { flowFileContentHash: upper },
				})
			).status,
			200,
		);
		// Totals that contradict the earlier chunks.
		res = await send({ number: 3, override: { flowTotalChunks: 4 } });
		assert.deepEqual(res.data, {
			flowTotalChunks: ['Does not match the earlier chunks of this file (3).'],
		});
		res = await send({ number: 3, override: { flowTotalSize: 3001 } });
		assert.deepEqual(res.data, {
			flowTotalSize: ['Does not match the earlier chunks of this file (3000).'],
		});
		// Missing fields and a missing file part.
		res = await postMultipart(agora.url, `${path}upload/`, {
			authorization: tokenAuth('alice'),
			parts: {
				fields: [['flowChunkNumber', '1']],
				file: { filename: 'a', data: Buffer.from('a') },
			},
		});
		assert.deepEqual(res.data, {
			flowIdentifier: ['This field is required.'],
			flowTotalChunks: ['This field is required.'],
		});
		res = await postMultipart(agora.url, `${path}upload/`, {
			authorization: tokenAuth('alice'),
			parts: {
				fields: flowFields({
					number: 1,
					chunkSize: 1,
					current: 1,
					totalSize: 1,
					identifier: 'n',
					path: 'n',
					totalChunks: 1,
				}),
			},
		});
		assert.deepEqual(res.data, { file: ['No file was submitted.'] });
		// Not multipart, broken multipart.
		res = await alice.post(`${path}upload/`, { json: { flowChunkNumber: 1 } });
		assert.equal(res.status, 415);
		res = await alice.post(`${path}upload/`, {
			body: '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end',
			contentType: 'multipart/form-data; boundary=zz',
		});
		assert.equal(res.status, 400);
		assert.match(res.data.detail, /^Multipart form parse error - /);
		// Nothing of the refused requests was stored.
		const state = (await alice.get(path)).data.files;
		assert.deepEqual(state, [
			{ identifier: 'val', filename: 'v/a.dcm', total_chunks: 3, chunks_received: 2 },
		]);
		// Unknown session, other user's session: 404.
		assert.equal(
			(await send({ number: 3, authorization: tokenAuth('admin') })).status,
			200,
			'superuser',
		);
		assert.equal(
			(await sendChunk(agora.url, '/api/v2/importsession/9999/', bytes, { ...opts, number: 1 }))
				.status,
			404,
		);
		assert.equal(
			(await send({ number: 1, authorization: tokenAuth('reader') })).status,
			403,
			'read-only user',
		);
		// Complete, then another chunk: already complete.
		assert.equal((await alice.post(`${path}complete/`)).status, 204);
		res = await send({ number: 3 });
		assert.equal(res.status, 400);
		assert.deepEqual(res.data, { detail: 'The import session is already complete.' });
		res = await alice.post(`${path}complete/`);
		assert.deepEqual(
			[res.status, res.data],
			[400, { detail: 'The import session is already complete.' }],
		);
	});

	test('complete validation: incomplete file, unknown import_file, bad relations, no files', async () => {
		const empty = await alice.post('/api/v2/importsession/', { json: { folder: 6 } });
		let res = await alice.post(`/api/v2/importsession/${empty.data.id}/complete/`);
		assert.deepEqual(
			[res.status, res.data],
			[400, { detail: 'No files were uploaded to this import session.' }],
		);

		const created = await alice.post('/api/v2/importsession/', { json: { folder: 6 } });
		const path = `/api/v2/importsession/${created.data.id}/`;
		const bytes = randomBytes(2500);
		await sendChunk(agora.url, path, bytes, {
			number: 1,
			chunkSize: 1000,
			identifier: 'inc',
			path: 'a.dcm',
		});
		await sendChunk(agora.url, path, bytes, {
			number: 3,
			chunkSize: 1000,
			identifier: 'inc',
			path: 'a.dcm',
		});
		res = await alice.post(`${path}complete/`);
		assert.deepEqual(
			[res.status, res.data],
			[400, { detail: 'File "a.dcm" is incomplete: 2 of 3 chunks received.' }],
		);
		await sendChunk(agora.url, path, bytes, {
			number: 2,
			chunkSize: 1000,
			identifier: 'inc',
			path: 'a.dcm',
		});
		await uploadFile(agora.url, path, Buffer.from('b'), { identifier: 'b', path: 'b.txt' });
		res = await alice.post(`${path}complete/`, { json: { import_file: 'import.json' } });
		assert.deepEqual(res.data, {
			import_file: ['File "import.json" was not uploaded in this import session.'],
		});
		res = await alice.post(`${path}complete/`, { json: { relations: { 'a.dcm': ['c.txt'] } } });
		assert.deepEqual(res.data, {
			relations: ['File "c.txt" was not uploaded in this import session.'],
		});
		res = await alice.post(`${path}complete/`, {
			json: { relations: { 'a.dcm': ['b.txt'], 'b.txt': [] } },
		});
		assert.deepEqual(res.data, { relations: ['File "b.txt" appears in more than one relation.'] });
		res = await alice.post(`${path}complete/`, { json: { project: 4 } });
		assert.deepEqual(res.data, {
			project: ['A project can only be given together with an import_file.'],
		});
		res = await alice.post(`${path}complete/`, { json: { folder: 'abc' } });
		assert.deepEqual(res.data, { folder: ['Incorrect type. Expected pk value, received str.'] });
		assert.equal((await alice.get(path)).data.state, 1);
		// The form-encoded complete with relations as JSON text works.
		res = await alice.post(`${path}complete/`, {
			form: { relations: JSON.stringify({ 'a.dcm': ['b.txt'] }) },
		});
		assert.equal(res.status, 204, res.text);
		await waitForImport(alice, path);
		const result = (await alice.get(`${path}result/`)).data.datafiles;
		assert.equal(result.length, 2);
		assert.equal(result[0].dataset, result[1].dataset, 'b.txt joined a.dcm');
	});

	test('relations: extra files become datafiles of the main file dataset', async () => {
		const files = [
			{ path: 'rel/main.dcm', bytes: randomBytes(100) },
			{ path: 'rel/extra1.txt', bytes: randomBytes(50) },
			{ path: 'rel/extra2.txt', bytes: randomBytes(60) },
			{ path: 'rel/alone.nii.gz', bytes: randomBytes(70) },
		];
		const { result } = await importFiles(agora, aliceKey, files, {
			v1: true,
			complete: { folder: 6, relations: { 'rel/main.dcm': ['rel/extra1.txt', 'rel/extra2.txt'] } },
		});
		assert.deepEqual(
			result.datafiles.map((d) => d.path),
			files.map((f) => f.path),
		);
		const [main, e1, e2, alone] = result.datafiles;
		assert.equal(e1.dataset, main.dataset);
		assert.equal(e2.dataset, main.dataset);
		assert.notEqual(alone.dataset, main.dataset);
		const ds = (await aliceKey.get(`/api/v1/dataset/${main.dataset}/`)).data;
		assert.equal(ds.name, 'main');
		assert.deepEqual(
			ds.datafiles.map((d) => d.relative_path),
			['rel/main.dcm', 'rel/extra1.txt', 'rel/extra2.txt'],
		);
		const other = (await aliceKey.get(`/api/v1/dataset/${alone.dataset}/`)).data;
		assert.deepEqual([other.name, other.type], ['alone', 600]);
	});

	test('targets: an existing exam or series instead of a folder', async () => {
		const toExam = await importFiles(
			agora,
			alice,
			[{ path: 'report.pdf', bytes: randomBytes(30) }],
			{
				complete: { exam: 4 },
			},
		);
		const dsExam = (await alice.get(`/api/v1/dataset/${toExam.result.datafiles[0].dataset}/`)).data;
		assert.deepEqual([dsExam.exam, dsExam.serie, dsExam.type], [4, null, 100000]);
		const toSeries = await importFiles(
			agora,
			alice,
			[{ path: 'DICOM/IM_0009', bytes: randomBytes(30) }],
			{
				create: { series: 7 },
			},
		);
		const dsSeries = (await alice.get(`/api/v1/dataset/${toSeries.result.datafiles[0].dataset}/`))
			.data;
		assert.deepEqual([dsSeries.serie, dsSeries.type], [7, 300], 'no extension under DICOM/');
		const series = (await alice.get('/api/v2/series/7/datasets/')).data;
		assert.ok(JSON.stringify(series).includes(`"id":${dsSeries.id}`));
	});

	test('import template: patient, exam and series by UID, datasets by template type', async () => {
		const uid = `1.2.826.0.1.${Date.now()}`;
		const template = (files, name = 'My New Series') => ({
			Creator: 'gtagora-connector-py',
			Version: '2.0.0',
			Vendor: 'Philips',
			Type: 'REL5',
			Datasets: [
				{
					Type: 'REC_PAR',
					Files: files.map((f) => ({ File: f, ParameterSetID: null })),
					ParameterSetID: null,
				},
			],
			ImportParameter: {
				Exam: {
					Date: '15.01.2024',
					Description: '',
					DeviceName: 'Ingenia',
					Name: 'Template exam',
					Time: '08:00:00',
					UID: `${uid}.1`,
				},
				Patient: {
					BirthDate: '02.03.1981',
					Gender: 'F',
					Name: 'Template Patient',
					UID: `${uid}.0`,
					Weight: 61,
				},
				Series: {
					AcquisitionNumber: 7,
					Date: '15.01.2024',
					Name: name,
					ReferenceScanUIDs: [],
					Time: '08:10:00.000000',
					TypeLabel: '',
					UID: `${uid}.2`,
				},
			},
			ParameterSets: [],
		});
		const par = randomBytes(40);
		const rec = randomBytes(400);
		const { result, last } = await importFiles(
			agora,
			alice,
			[
				{ path: 'tpl/2d_ffe.par', bytes: par },
				{ path: 'tpl/2d_ffe.rec', bytes: rec, chunkSize: 128 },
				{ path: 'tpl/notes.txt', bytes: Buffer.from('not in the template') },
				{
					path: 'import.json',
					bytes: Buffer.from(JSON.stringify(template(['2d_ffe.par', '2d_ffe.rec']))),
				},
			],
			{ complete: { folder: 6, import_file: 'import.json' } },
		);
		assert.equal(last.state, 5);
		assert.deepEqual(
			result.datafiles.map((d) => [d.path, d.sha1]),
			[
				['tpl/2d_ffe.par', sha1(par)],
				['tpl/2d_ffe.rec', sha1(rec)],
				['tpl/notes.txt', sha1(Buffer.from('not in the template'))],
			],
		);
		const exams = (await alice.get(`/api/v2/exam/?uid=${uid}.1`)).data;
		assert.equal(exams.count, 1);
		const exam = exams.results[0];
		assert.equal(exam.name, 'Template exam');
		assert.equal(exam.start_time, '2024-01-15T08:00:00Z');
		assert.equal(exam.scanner_name, 'Ingenia');
		assert.equal(exam.vendor, 1);
		assert.equal(exam.project, 1);
		assert.deepEqual(
			[
				exam.patient.name,
				exam.patient.patient_id,
				exam.patient.birth_date,
				exam.patient.sex,
				exam.patient.weight,
			],
			['Template Patient', `${uid}.0`, '1981-03-02', 'f', 61],
		);
		const items = (await alice.get('/api/v1/folder/6/items/')).data;
		assert.ok(
			items.some((i) => i.content_type === 'exam' && i.object_id === exam.id),
			'listed in the folder',
		);
		const series = (await alice.get(`/api/v1/exam/${exam.id}/series/`)).data.results;
		assert.deepEqual(
			series.map((s) => [s.name, s.uid, s.acquisition_number]),
			[['My New Series', `${uid}.2`, 7]],
		);
		assert.deepEqual(series[0].dataset_types, [101, 100000]);
		const datasets = (await alice.get(`/api/v1/serie/${series[0].id}/datasets/`)).data.results;
		assert.deepEqual(
			datasets.map((d) => [d.name, d.type, d.datafiles.map((f) => f.relative_path)]),
			[
				['2d_ffe', 101, ['tpl/2d_ffe.par', 'tpl/2d_ffe.rec']],
				['notes', 100000, ['tpl/notes.txt']],
			],
		);
		// The same UIDs again: the exam and the series are found, only the new file is added.
		const again = await importFiles(
			agora,
			alice,
			[
				{ path: 'tpl2/second.par', bytes: randomBytes(20) },
				{ path: 'tpl2/import.json', bytes: Buffer.from(JSON.stringify(template(['second.par']))) },
			],
			{ complete: { folder: '6', import_file: 'import.json' } },
		);
		assert.equal(again.last.state, 5);
		assert.equal((await alice.get(`/api/v2/exam/?uid=${uid}.1`)).data.count, 1);
		assert.equal((await alice.get(`/api/v1/exam/${exam.id}/series/`)).data.count, 1);
		const ds2 = (await alice.get(`/api/v1/dataset/${again.result.datafiles[0].dataset}/`)).data;
		assert.deepEqual([ds2.serie, ds2.type], [series[0].id, 101]);
		// A project target with a template: the exam goes to the project's root folder.
		const inProject = await importFiles(
			agora,
			alice,
			[
				{ path: 'p.par', bytes: randomBytes(5) },
				{
					path: 'import.json',
					bytes: Buffer.from(
						JSON.stringify({
							...template(['p.par']),
							ImportParameter: {
								Exam: { UID: `${uid}.9`, Name: 'In project' },
								Series: { UID: `${uid}.10` },
								Patient: {},
							},
						}),
					),
				},
			],
			{ complete: { project: 4, import_file: 'import.json' } },
		);
		assert.equal(inProject.last.state, 5);
		const projectExam = (await alice.get(`/api/v2/exam/?uid=${uid}.9`)).data.results[0];
		assert.equal(projectExam.project, 4);
		const rootItems = (await alice.get('/api/v1/folder/4/items/')).data;
		assert.ok(rootItems.some((i) => i.content_type === 'exam' && i.object_id === projectExam.id));
	});

	test('a bad template ends the import in state -1 with a clear error', async () => {
		for (const [text, pattern] of [
			['{"Datasets": [', /Import template "import.json" is not valid JSON/],
			[
				'{"Datasets": [{"Type": "DICOM_IMAGE", "Files": [{"File": "missing.dcm"}]}]}',
				/file "missing.dcm" was not uploaded/,
			],
		]) {
			const { id, last, result, sessionPath } = await importFiles(
				agora,
				alice,
				[
					{ path: 'here.dcm', bytes: Buffer.from('x') },
					{ path: 'import.json', bytes: Buffer.from(text) },
				],
				{ complete: { folder: 6, import_file: 'import.json' } },
			);
			assert.equal(last.state, -1);
			assert.equal(last.tasks.error, 1);
			assert.deepEqual(result, { datafiles: [] });
			const session = (await alice.get(sessionPath)).data;
			assert.match(session.error, pattern);
			const item = (await alice.get(`/api/v2/timeline/${session.timeline_items[0]}/`)).data;
			assert.equal(item.state, 'ERROR');
			assert.equal(item.data.state, 3);
			assert.match(item.error, pattern);
			assert.ok(id > 0);
		}
	});

	test('*.agora_upload archives (stored and deflated ZIP entries) are unpacked', async () => {
		const a = randomBytes(1000);
		const b = Buffer.from('b'.repeat(5000));
		const zip = makeZip([
			{ name: 'mydir/a.dcm', data: a },
			{ name: 'mydir/sub/b.txt', data: b, deflate: true },
			{ name: 'mydir/empty/', data: Buffer.alloc(0) },
		]);
		const { result } = await importFiles(
			agora,
			alice,
			[
				{ path: 'upload_0b1c.agora_upload', bytes: zip, chunkSize: 700 },
				{ path: 'mydir/c.nii', bytes: Buffer.from('c') },
			],
			{ complete: { folder: 6 } },
		);
		assert.deepEqual(
			result.datafiles.map((d) => [d.path, d.sha1]),
			[
				['mydir/a.dcm', sha1(a)],
				['mydir/sub/b.txt', sha1(b)],
				['mydir/c.nii', sha1(Buffer.from('c'))],
			],
		);
		// py zips the template and related files too: both are found inside the archive.
		const uid = `zip.${Date.now()}`;
		const tpl = {
			Datasets: [{ Type: 'NIFTI1', Files: [{ File: 't1.nii' }] }],
			ImportParameter: {
				Exam: { UID: `${uid}.1`, Name: 'zipped' },
				Series: { UID: `${uid}.2` },
				Patient: {},
			},
		};
		const zipped = makeZip([
			{ name: 'z/t1.nii', data: Buffer.from('t1') },
			{ name: 'z/t1.json', data: Buffer.from('{}') },
			{ name: 'z/import.json', data: Buffer.from(JSON.stringify(tpl)) },
		]);
		const second = await importFiles(
			agora,
			alice,
			[{ path: 'upload_1.agora_upload', bytes: zipped }],
			{
				complete: {
					folder: 6,
					import_file: 'import.json',
					relations: { 'z/t1.nii': ['z/t1.json'] },
				},
			},
		);
		assert.equal(second.last.state, 5);
		assert.deepEqual(
			second.result.datafiles.map((d) => d.path),
			['z/t1.nii', 'z/t1.json'],
		);
		assert.equal(second.result.datafiles[0].dataset, second.result.datafiles[1].dataset);
		const ds = (await alice.get(`/api/v1/dataset/${second.result.datafiles[0].dataset}/`)).data;
		assert.equal(ds.type, 600);
		assert.ok(ds.serie > 0, 'in the template series');
	});

	test('faults: rateReset and rate503 on /api/v2/importsession/ only', async () => {
		try {
			let set = await control.post('/__emulator/faults', {
				json: { rateReset: 1, routes: ['/api/v2/importsession/'] },
			});
			assert.equal(set.status, 200);
			assert.equal(set.data.rateReset, 1);
			await assert.rejects(alice.post('/api/v2/importsession/', { json: { folder: 6 } }));
			assert.equal(
				(await alice.post('/api/v1/import/', { json: {} })).status,
				201,
				'other routes work',
			);
			assert.equal((await control.get('/__emulator/faults')).data.resets, 1);
			set = await control.post('/__emulator/faults', {
				json: { rate503: 1, routes: ['/api/v2/importsession/'] },
			});
			assert.equal(set.data.rateReset, 0, 'configure replaces the settings');
			const res = await alice.post('/api/v2/importsession/', { json: { folder: 6 } });
			assert.equal(res.status, 503);
			assert.equal(res.headers.get('retry-after'), '0');
			assert.equal((await alice.get('/api/v1/import/')).status, 200);
			assert.equal(
				(await control.post('/__emulator/faults', { json: { rateReset: 2 } })).status,
				400,
			);
			assert.equal(
				(await control.post('/__emulator/faults', { json: { crashWhen: 'never' } })).status,
				400,
			);
		} finally {
			await control.post('/__emulator/faults', { json: {} });
		}
		assert.equal((await alice.post('/api/v2/importsession/', { json: { folder: 6 } })).status, 201);
	});

	test('control routes: the session summary counts creates, arrivals and confirmed duplicates', async () => {
		const before = (await control.get('/__emulator/imports')).data;
		const { id } = await importFiles(
			agora,
			alice,
			[{ path: 'ctl.bin', bytes: randomBytes(300), chunkSize: 100 }],
			{
				complete: { folder: 6 },
			},
		);
		const all = (await control.get('/__emulator/imports')).data;
		assert.equal(all.created, before.created + 1);
		const mine = all.sessions.find((s) => s.id === id);
		assert.deepEqual(
			[
				mine.state,
				mine.files,
				mine.chunksReceived,
				mine.arrivals,
				mine.duplicateArrivalsOfConfirmed,
			],
			[5, 1, 3, 3, 0],
		);
		const detail = (await control.get(`/__emulator/imports/${id}?receipts=1`)).data;
		assert.equal(detail.session.id, id);
		assert.equal(detail.creates, all.created);
		assert.deepEqual(
			detail.receipts.map((r) => [r.number, r.confirmedBefore, r.status]),
			[
				[1, false, 200],
				[2, false, 200],
				[3, false, 200],
			],
		);
		assert.equal((await control.get('/__emulator/imports/99999')).status, 400);
		const reset = await control.post('/__emulator/imports/reset');
		assert.deepEqual(reset.data, { created: 0, reset: true });
		assert.equal((await alice.get(`/api/v2/importsession/${id}/`)).status, 404);
	});
});

// ---- the connectors' exact requests ----

/** A ZIP archive in memory (stored or deflated entries), as py packs `*.agora_upload`. */
function makeZip(entries) {
	const locals = [];
	const central = [];
	let offset = 0;
	for (const e of entries) {
		const name = Buffer.from(e.name);
		const data = e.deflate ? deflateRawSync(e.data) : e.data;
		const crc = crc32 ? crc32(e.data) : 0;
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt16LE(0x800, 6);
		local.writeUInt16LE(e.deflate ? 8 : 0, 8);
		local.writeUInt32LE(crc >>> 0, 14);
		local.writeUInt32LE(data.length, 18);
		local.writeUInt32LE(e.data.length, 22);
		local.writeUInt16LE(name.length, 26);
		const cd = Buffer.alloc(46);
		cd.writeUInt32LE(0x02014b50, 0);
		cd.writeUInt16LE(20, 4);
		cd.writeUInt16LE(20, 6);
		cd.writeUInt16LE(0x800, 8);
		cd.writeUInt16LE(e.deflate ? 8 : 0, 10);
		cd.writeUInt32LE(crc >>> 0, 16);
		cd.writeUInt32LE(data.length, 20);
		cd.writeUInt32LE(e.data.length, 24);
		cd.writeUInt16LE(name.length, 28);
		cd.writeUInt32LE(offset, 42);
		locals.push(local, name, data);
		central.push(cd, name);
		offset += 30 + name.length + data.length;
	}
	const cdBytes = Buffer.concat(central);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(entries.length, 8);
	end.writeUInt16LE(entries.length, 10);
	end.writeUInt32LE(cdBytes.length, 12);
	end.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, cdBytes, end]);
}

/**
 * The body python-requests builds for `post(url, data={...}, files={'file': (name, bytes)})`:
 * a uuid4().hex boundary, the data fields first, then the file with a guessed Content-Type.
 */
async function pythonRequestsBody(fields, filename, bytes) {
	const boundary = randomBytes(16).toString('hex');
	const chunks = [];
	for await (const c of multipartBody(boundary, { fields, file: { filename, data: bytes } }))
		chunks.push(c);
	return { boundary, body: Buffer.concat(chunks) };
}

describe("GyroTools' connectors, request for request", () => {
	let agora;
	before(async () => {
		agora = await startAgoraEmulator({ stepMs: 20 });
	});
	after(async () => {
		await agora?.close();
	});

	test('gtagora-connector-py: version, import {}, 1-based chunks, complete {"folder": 5}, progress, result/', async () => {
		const py = createClient(agora.url, { authorization: `X-Agora-Api-Key ${KEYS.alice}` });
		assert.equal((await py.get('/api/v1/version/')).data.version, '7.14.6');
		const created = await py.post('/api/v1/import/', { json: {} });
		assert.equal(created.status, 201);
		const id = created.data.id;
		const files = [
			{ target: 'mydir/sub/a.dcm', bytes: randomBytes(250) },
			{ target: 'mydir/b.dcm', bytes: randomBytes(40) },
		];
		const chunkSize = 100;
		for (const f of files) {
			const identifier = crypto.randomUUID();
			const total = Math.ceil(f.bytes.length / chunkSize);
			for (let n = 1; n <= total; n++) {
				const part = f.bytes.subarray((n - 1) * chunkSize, n * chunkSize);
				const fields = [
					['description', ''],
					['flowChunkNumber', String(n)],
					['flowChunkSize', String(chunkSize)],
					['flowCurrentChunkSize', String(part.length)],
					['flowTotalSize', String(f.bytes.length)],
					['flowIdentifier', identifier],
					['flowFilename', f.target],
					['flowRelativePath', f.target],
					['flowTotalChunks', String(total)],
					['flowFileContentHash', sha256(part)], // verify_hash=True
				];
				const { boundary, body } = await pythonRequestsBody(
					fields,
					f.target.split('/').at(-1),
					part,
				);
				const res = await fetch(`${agora.url}/api/v1/import/${id}/upload/`, {
					method: 'POST',
					headers: {
						Authorization: `X-Agora-Api-Key ${KEYS.alice}`,
						'Content-Type': `multipart/form-data; boundary=${boundary}`,
						'Content-Length': String(body.length),
					},
					body,
				});
				assert.equal(res.status, 200, await res.clone().text());
			}
		}
		const done = await py.post(`/api/v1/import/${id}/complete/`, { json: { folder: 6 } });
		assert.equal(done.status, 204);
		const progress = await pollUntil(
			async () => {
				const p = (await py.get(`/api/v1/import/${id}/progress`)).data; // py: no trailing slash
				assert.ok('state' in p);
				return p.state === 5 && p.progress === 100 ? p : p.state === -1 ? p : false;
			},
			{ timeoutMs: 5000, intervalMs: 5 },
		);
		assert.equal(progress.state, 5);
		const result = (await py.get(`/api/v1/import/${id}/result/`)).data;
		// py matches by path and compares the local SHA-1.
		for (const f of files) {
			const hit = result.datafiles.find((d) => d.path === f.target);
			assert.ok(hit, f.target);
			assert.equal(hit.sha1, sha1(f.bytes));
			assert.equal(hit.created, true);
		}
		// Resume (B.6.5): GET import/{id}/ says is_complete.
		assert.equal((await py.get(`/api/v1/import/${id}/`)).data.is_complete, true);
	});

	test('gtagora-connector-go: empty create body, flowChunkHash, template, folder "5", extract_zip_files "true", session polling', async () => {
		const auth = `X-Agora-Api-Key ${KEYS.alice}`;
		const go = createClient(agora.url, { authorization: auth });
		const created = await fetch(`${agora.url}/api/v1/import/`, {
			method: 'POST',
			headers: { Authorization: auth },
		});
		assert.equal(created.status, 201);
		const id = (await created.json()).id;
		const data = randomBytes(3000);
		await uploadFile(agora.url, `/api/v1/import/${id}/`, data, {
			chunkSize: 1024,
			identifier: crypto.randomUUID(),
			path: 'series/IM_0001.dcm',
			hashField: 'flowChunkHash',
			authorization: auth,
		});
		// go uploads the template itself as one single-chunk file, then names it.
		const template = Buffer.from(
			JSON.stringify({
				Vendor: 'Siemens',
				Datasets: [{ Type: 'DICOM_IMAGE', Files: [{ File: 'IM_0001.dcm' }] }],
				ImportParameter: {
					Exam: { UID: `go.${id}.1`, Name: 'go exam', Date: '01.02.2025', Time: '10:11:12' },
					Patient: { UID: `go.${id}.0`, Name: 'Go Patient', Gender: 'M' },
					Series: { UID: `go.${id}.2`, Name: 'go series', AcquisitionNumber: 3 },
				},
			}),
		);
		await uploadFile(agora.url, `/api/v1/import/${id}/`, template, {
			identifier: crypto.randomUUID(),
			path: 'import_template.json',
			hashField: 'flowChunkHash',
			authorization: auth,
		});
		const done = await go.post(`/api/v1/import/${id}/complete/`, {
			json: { folder: '6', import_file: 'import_template.json', extract_zip_files: 'true' },
		});
		assert.equal(done.status, 204, done.text);
		const session = await pollUntil(
			async () => {
				const s = (await go.get(`/api/v1/import/${id}/`)).data;
				return s.state === 5 || s.state === -1 ? s : false;
			},
			{ timeoutMs: 5000, intervalMs: 5 },
		);
		assert.equal(session.state, 5, session.error);
		assert.equal(session.extract_zip_files, true);
		assert.equal(session.import_file, 'import_template.json');
		const exam = (await go.get(`/api/v2/exam/?uid=go.${id}.1`)).data.results[0];
		assert.deepEqual(
			[exam.name, exam.start_time, exam.vendor, exam.patient.sex],
			['go exam', '2025-02-01T10:11:12Z', 2, 'm'],
		);
		const result = (await go.get(`/api/v1/import/${id}/result/`)).data.datafiles;
		assert.deepEqual(
			result.map((d) => [d.path, d.sha1]),
			[['series/IM_0001.dcm', sha1(data)]],
		);
		const ds = (await go.get(`/api/v1/dataset/${result[0].dataset}/`)).data;
		assert.equal(ds.type, 300);
	});
});

// ---- durability, memory and crashes (child processes) ----

const rssBytes = (pid) => {
	try {
		const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) * 1024 : 0;
	} catch {
		return 0;
	}
};

describe('child process: streaming, crash points and restarts', () => {
	test('a 300 MiB chunk is streamed to disk: the emulator stays below 150 MiB RSS', async (t) => {
		const dataDir = join(workDir, 'big');
		const emu = await startAgoraChild(['--port', '0', '--data-dir', dataDir, '--step-ms', '20']);
		let maxRss = 0;
		const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssBytes(emu.child.pid))), 20);
		try {
			const client = createClient(emu.url, { authorization: tokenAuth('alice') });
			const created = await client.post('/api/v2/importsession/', { json: { folder: 6 } });
			const path = `/api/v2/importsession/${created.data.id}/`;
			const MiB = 1024 * 1024;
			const SIZE = 300 * MiB;
			const block = randomBytes(MiB);
			const h1 = createHash('sha1');
			const h256 = createHash('sha256');
			// Generated while sent; the test never holds more than one MiB of it either.
			async function* generate() {
				for (let i = 0; i < SIZE / MiB; i++) {
					const b = Buffer.from(block);
					b.writeUInt32LE(i, 0);
					h1.update(b);
					h256.update(b);
					yield b;
				}
			}
			const res = await postMultipart(emu.url, `${path}upload/`, {
				authorization: tokenAuth('alice'),
				parts: {
					fields: flowFields({
						number: 1,
						chunkSize: SIZE,
						current: SIZE,
						totalSize: SIZE,
						identifier: 'big-one',
						path: 'big/volume.raw',
						totalChunks: 1,
					}),
					file: { filename: 'volume.raw', data: generate() },
					// The hash is known only at the end: a field after the file part.
					fieldsAfter: () => [['flowChunkHash', h256.digest('hex')]],
				},
			});
			assert.equal(res.status, 200, res.text);
			const rssAfterUpload = maxRss;
			assert.equal((await client.post(`${path}complete/`)).status, 204);
			const { last } = await waitForImport(client, path, { timeoutMs: 60_000 });
			assert.equal(last.state, 5);
			const [df] = (await client.get(`${path}result/`)).data.datafiles;
			assert.equal(df.sha1, h1.digest('hex'));
			const stored = (await client.get(`/api/v1/dataset/${df.dataset}/`)).data.datafiles[0];
			assert.equal(stored.size, SIZE);
			assert.ok(rssAfterUpload > 0, 'RSS was sampled');
			t.diagnostic(
				`max RSS ${(maxRss / MiB).toFixed(1)} MiB (upload ${(rssAfterUpload / MiB).toFixed(1)} MiB)`,
			);
			assert.ok(maxRss < 150 * MiB, `max RSS ${(maxRss / MiB).toFixed(1)} MiB`);
		} finally {
			clearInterval(sampler);
			await stopAgoraChild(emu);
		}
	});

	test('--crash-at-chunks 3,7: exits 75 twice; restarted, the session, its chunks and the receipts are intact', async () => {
		const dataDir = join(workDir, 'crash');
		const flags = ['--data-dir', dataDir, '--step-ms', '20', '--crash-at-chunks', '3,7'];
		let emu = await startAgoraChild(['--port', '0', ...flags]);
		const port = new URL(emu.url).port;
		const auth = apiKeyAuth('alice');
		const client = createClient(emu.url, { authorization: auth });
		const exits = [];
		try {
			const created = await client.post('/api/v1/import/', { json: {} });
			assert.equal(created.status, 201);
			const path = `/api/v1/import/${created.data.id}/`;
			const bytes = randomBytes(10_000);
			const opts = {
				chunkSize: 1000,
				identifier: 'crash-file',
				path: 'crash/data.bin',
				authorization: auth,
			};
			// A resuming client: on a dropped connection it waits for the emulator to come back,
			// asks the flowfile route what arrived and sends only the rest.
			let pending = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
			for (let attempt = 0; pending.length && attempt < 5; attempt++) {
				try {
					while (pending.length) {
						const res = await sendChunk(emu.url, path, bytes, { ...opts, number: pending[0] });
						assert.equal(res.status, 200, res.text);
						pending.shift();
					}
				} catch (e) {
					if (e.code === 'ERR_ASSERTION') throw e;
					const { code } = await emu.exited;
					exits.push(code);
					emu = await startAgoraChild(['--port', port, ...flags]);
					const flow = (await client.get('/api/v1/flowfile/crash-file/')).data;
					pending = pending.filter((n) => !flow.chunks.includes(n));
				}
			}
			assert.deepEqual(exits, [75, 75]);
			assert.deepEqual(pending, []);
			const session = (await client.get(path)).data;
			assert.deepEqual(session.files, [
				{
					identifier: 'crash-file',
					filename: 'crash/data.bin',
					total_chunks: 10,
					chunks_received: 10,
				},
			]);
			const control = createClient(emu.url);
			const all = (await control.get('/__emulator/imports')).data;
			assert.equal(all.created, 1, 'the session was created once');
			const detail = (await control.get(`/__emulator/imports/${created.data.id}`)).data;
			const [file] = detail.files;
			assert.equal(file.arrivals, 12, '10 chunks + 2 that crashed before being stored');
			assert.equal(file.crashes, 2);
			assert.equal(file.duplicateArrivalsOfConfirmed, 0, 'no confirmed chunk was sent again');
			assert.deepEqual(file.confirmedChunks, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
			const faults = (await control.get('/__emulator/faults')).data;
			assert.deepEqual([faults.lifetimeChunkRequests, faults.usedCrashPoints], [12, [3, 7]]);
			// Complete after the restarts; the import runs.
			assert.equal((await client.post(`${path}complete/`, { json: { folder: '6' } })).status, 204);
			const { last } = await waitForImport(client, path);
			assert.equal(last.state, 5);
			const [df] = (await client.get(`${path}result/`)).data.datafiles;
			assert.equal(df.sha1, sha1(bytes));
			// A clean restart keeps the finished session and its result.
			await stopAgoraChild(emu);
			emu = await startAgoraChild(['--port', port, ...flags]);
			const again = (await client.get(`${path}result/`)).data.datafiles;
			assert.deepEqual(again, [df]);
		} finally {
			await stopAgoraChild(emu);
		}
	});

	test('--crash-at-chunk 2 --crash-when after: the stored chunk survives but was never confirmed', async () => {
		const dataDir = join(workDir, 'crash-after');
		let emu = await startAgoraChild([
			'--port',
			'0',
			'--data-dir',
			dataDir,
			'--crash-at-chunk',
			'2',
			'--crash-when',
			'after',
		]);
		const port = new URL(emu.url).port;
		const client = createClient(emu.url, { authorization: tokenAuth('alice') });
		try {
			const created = await client.post('/api/v2/importsession/', { json: { folder: 6 } });
			const path = `/api/v2/importsession/${created.data.id}/`;
			const bytes = randomBytes(400);
			const opts = { chunkSize: 100, identifier: 'after-file', path: 'after.bin' };
			assert.equal((await sendChunk(emu.url, path, bytes, { ...opts, number: 1 })).status, 200);
			await assert.rejects(sendChunk(emu.url, path, bytes, { ...opts, number: 2 }));
			assert.equal((await emu.exited).code, 75);
			emu = await startAgoraChild(['--port', port, '--data-dir', dataDir]);
			const flow = (await client.get('/api/v2/flowfile/after-file/')).data;
			assert.deepEqual(flow.chunks, [1, 2]);
			for (const number of [3, 4])
				assert.equal((await sendChunk(emu.url, path, bytes, { ...opts, number })).status, 200);
			const [file] = (await createClient(emu.url).get(`/__emulator/imports/${created.data.id}`))
				.data.files;
			assert.deepEqual(
				[file.arrivals, file.crashes, file.duplicateArrivalsOfConfirmed, file.confirmedChunks],
				[4, 1, 0, [1, 3, 4]],
			);
		} finally {
			await stopAgoraChild(emu);
		}
	});

	test('an import killed in state 4 resumes after a restart and commits once', async () => {
		const dataDir = join(workDir, 'kill-import');
		const flags = ['--data-dir', dataDir, '--step-ms', '150'];
		let emu = await startAgoraChild(['--port', '0', ...flags]);
		const port = new URL(emu.url).port;
		const client = createClient(emu.url, { authorization: tokenAuth('alice') });
		try {
			const created = await client.post('/api/v2/importsession/', { json: { folder: 6 } });
			const path = `/api/v2/importsession/${created.data.id}/`;
			const bytes = randomBytes(1000);
			await uploadFile(emu.url, path, bytes, {
				chunkSize: 300,
				identifier: 'killed',
				path: 'killed-import.dcm',
			});
			assert.equal((await client.post(`${path}complete/`)).status, 204);
			await pollUntil(async () => (await client.get(`${path}progress/`)).data.state === 4, {
				timeoutMs: 5000,
				intervalMs: 5,
			});
			emu.child.kill('SIGKILL');
			await emu.exited;
			emu = await startAgoraChild(['--port', port, ...flags]);
			const { last } = await waitForImport(client, path);
			assert.equal(last.state, 5);
			const session = (await client.get(path)).data;
			assert.equal(session.nof_retries, 1);
			const [df] = (await client.get(`${path}result/`)).data.datafiles;
			assert.equal(df.sha1, sha1(bytes));
			assert.equal(df.created, true);
			const items = (await client.get('/api/v1/folder/6/items/')).data;
			const named = items.filter(
				(i) => i.content_type === 'dataset' && i.content_object.name === 'killed-import',
			);
			assert.equal(named.length, 1, 'one dataset, not two');
			const item = (await client.get(`/api/v2/timelineitem/${session.timeline_items[0]}/`)).data;
			assert.equal(item.state, 'FINISHED');
		} finally {
			await stopAgoraChild(emu);
		}
	});

	test('CLI fault flags: --rate-reset, --rate503 and --fault-routes', async () => {
		let emu = await startAgoraChild([
			'--port',
			'0',
			'--rate-reset',
			'1',
			'--fault-routes',
			'/api/v2/importsession/,/api/v1/import/',
		]);
		try {
			const client = createClient(emu.url, { authorization: tokenAuth('alice') });
			await assert.rejects(client.post('/api/v2/importsession/', { json: { folder: 6 } }));
			await assert.rejects(client.post('/api/v1/import/', { json: {} }));
			assert.equal((await client.get('/api/v1/version/')).status, 200);
			const faults = (await createClient(emu.url).get('/__emulator/faults')).data;
			assert.deepEqual(
				[faults.rateReset, faults.routes, faults.resets],
				[1, ['/api/v2/importsession/', '/api/v1/import/'], 2],
			);
		} finally {
			await stopAgoraChild(emu);
		}
		emu = await startAgoraChild([
			'--port',
			'0',
			'--rate503',
			'1',
			'--fault-routes',
			'/api/v2/importsession/',
		]);
		try {
			const client = createClient(emu.url, { authorization: tokenAuth('alice') });
			assert.equal(
				(await client.post('/api/v2/importsession/', { json: { folder: 6 } })).status,
				503,
			);
			assert.equal((await client.post('/api/v1/import/', { json: {} })).status, 201);
		} finally {
			await stopAgoraChild(emu);
		}
	});

	test('in-process, a crash point drops every socket; a new emulator on the data dir resumes', async () => {
		const dataDir = join(workDir, 'in-process');
		const first = await startAgoraEmulator({ stepMs: 20, dataDir, faults: { crashAtChunk: 2 } });
		const client = createClient(first.url, { authorization: tokenAuth('alice') });
		const created = await client.post('/api/v2/importsession/', { json: { folder: 6 } });
		const path = `/api/v2/importsession/${created.data.id}/`;
		const bytes = randomBytes(300);
		const opts = { chunkSize: 100, identifier: 'inproc', path: 'inproc.bin' };
		assert.equal((await sendChunk(first.url, path, bytes, { ...opts, number: 1 })).status, 200);
		await assert.rejects(sendChunk(first.url, path, bytes, { ...opts, number: 2 }));
		assert.equal(first.crashed(), true);
		await first.close();
		const second = await startAgoraEmulator({ stepMs: 20, dataDir });
		try {
			const c2 = createClient(second.url, { authorization: tokenAuth('alice') });
			const p2 = path;
			assert.deepEqual((await c2.get('/api/v2/flowfile/inproc/')).data.chunks, [1]);
			for (const number of [2, 3])
				assert.equal((await sendChunk(second.url, p2, bytes, { ...opts, number })).status, 200);
			assert.equal((await c2.post(`${p2}complete/`)).status, 204);
			await waitForImport(c2, p2);
			assert.equal((await c2.get(`${p2}result/`)).data.datafiles[0].sha1, sha1(bytes));
		} finally {
			await second.close();
		}
	});
});
