// Agora transfers end to end: the packed package in a real n8n 2.8.4 against the Agora
// emulator. Files come from disk through n8n's Read Files from Disk node and go back to disk
// through Write Files to Disk, so the bytes compared are the bytes n8n stored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndPack } from '../../scripts/lib/pack.mjs';
import { getFreePort } from '../../scripts/lib/free-port.mjs';
import { createN8nInstance } from '../../scripts/lib/n8n-instance.mjs';
import { startAgoraEmulator } from '../../emulators/agora/server.mjs';
import { startAgoraChild, superviseAgoraChild } from '../lib/agora-child.mjs';
import { listZip, readEntry } from '../lib/zip-reader.mjs';
import { chain, our, outputOf, skipWithoutN8n } from './workflows.mjs';
import { AGORA_ALICE_KEY as ALICE_KEY } from '../../scripts/lib/emulator-credentials.mjs';

const skip = skipWithoutN8n();

const LOCAL = { agoraApi: { id: 'agoraLocal', name: 'Agora (local emulator)' } };
const byId = (value) => ({ __rl: true, mode: 'id', value: String(value) });
const CHILD = { agoraApi: { id: 'agoraChild', name: 'Agora (emulator process)' } };
const agora = (name, parameters, extra = {}, credentials = LOCAL) => our('agora', name, parameters, credentials, extra);
const hash = (algorithm, bytes) => createHash(algorithm).update(bytes).digest('hex');
const MiB = 1024 * 1024;

const readFiles = (name, pattern) => ({ name, type: 'n8n-nodes-base.readWriteFile', typeVersion: 1.1, parameters: { operation: 'read', fileSelector: pattern, options: {} } });
const writeFile = (name, path, field = 'data') => ({ name, type: 'n8n-nodes-base.readWriteFile', typeVersion: 1.1, parameters: { operation: 'write', fileName: path, dataPropertyName: field, options: {} } });

const upload = (extra = {}) => ({
	resource: 'import',
	operation: 'upload',
	uploadInto: 'folder',
	folder: byId(6),
	binaryFields: 'data',
	filesFrom: 'allItems',
	templateSource: 'none',
	relations: {},
	options: { chunkSizeMiB: 1, timeout: 120 },
	...extra,
});

describe('Agora transfers in a real n8n', { skip, timeout: 15 * 60 * 1000 }, () => {
	let emulator;
	let n8n;
	let userFolder;
	let files;
	let childPort;
	let childData;
	const results = {};
	const sent = {};

	before(async () => {
		emulator = await startAgoraEmulator({ seed: 'demo', stepMs: 50 });
		files = mkdtempSync(join(tmpdir(), 'n8n-e2e-agora-files-'));
		mkdirSync(join(files, 'upload'));
		mkdirSync(join(files, 'out'));
		sent['scan.raw'] = randomBytes(2.5 * MiB);
		sent['scan.log'] = Buffer.from('acquisition log\nTR=2000\n');
		sent['notes.txt'] = Buffer.from('phantom session, coil 32ch\n');
		for (const [name, bytes] of Object.entries(sent)) writeFileSync(join(files, 'upload', name), bytes);
		for (const dir of ['resume', 'kills', 'faults']) mkdirSync(join(files, dir));
		sent['resume.bin'] = randomBytes(5 * MiB);
		writeFileSync(join(files, 'resume', 'resume.bin'), sent['resume.bin']);
		sent['kills.bin'] = randomBytes(40 * MiB);
		writeFileSync(join(files, 'kills', 'kills.bin'), sent['kills.bin']);
		sent['faults.bin'] = randomBytes(16 * MiB);
		writeFileSync(join(files, 'faults', 'faults.bin'), sent['faults.bin']);
		writeFileSync(join(files, 'faults', 'faults.txt'), 'small file\n');
		childPort = await getFreePort();
		childData = join(files, 'emulator-data');

		const { tarball } = buildAndPack();
		userFolder = mkdtempSync(join(tmpdir(), 'n8n-e2e-agora-transfers-'));
		// Binary data on disk, as the README advises for large files: the 2.x default, while n8n
		// 1.x keeps it in memory (and prints a 40 MiB upload as base64 in the CLI's run output).
		// The in-memory mode is covered by the other e2e files and by a unit test.
		n8n = await createN8nInstance({
			userFolder,
			port: await getFreePort(),
			env: { N8N_RESTRICT_FILE_ACCESS_TO: files, N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' },
		});
		n8n.installPackageTarball(tarball);
		await n8n.importCredentials([
			{ id: 'agoraLocal', name: 'Agora (local emulator)', type: 'agoraApi', data: { baseUrl: emulator.url, authentication: 'apiKey', apiKey: ALICE_KEY, headerStyle: 'token', routeSet: 'documented', ignoreSslIssues: false } },
			{ id: 'agoraChild', name: 'Agora (emulator process)', type: 'agoraApi', data: { baseUrl: `http://127.0.0.1:${childPort}`, authentication: 'apiKey', apiKey: ALICE_KEY, headerStyle: 'token', routeSet: 'documented', ignoreSslIssues: false } },
		]);
		const out = (name) => join(files, 'out', name);
		const workflows = [
			chain('agoraT1Upload', 'upload a folder with a relation and a template', [
				readFiles('Read', join(files, 'upload', '*')),
				agora('Upload', upload({
					templateSource: 'generate',
					templateSeriesName: 'e2e series',
					templateDatasetType: 'RAW_LAB',
					templateOverrides: JSON.stringify({ ImportParameter: { Exam: { Name: 'n8n e2e exam' } } }),
					relations: { relation: [{ mainFile: 'scan.raw', extraFiles: 'scan.log' }] },
				})),
			]),
			chain('agoraT2Zip', 'download an exam as ZIP', [
				agora('Zip', { resource: 'download', operation: 'zip', objects: { object: [{ type: 'exam', id: '1' }] }, outputField: 'data', options: {} }),
				writeFile('Save', out('exam1.zip')),
			]),
			chain('agoraT3Datafile', 'download a datafile and check its hash', [
				agora('Download', { resource: 'datafile', operation: 'download', id: '19', outputField: 'data', options: {} }),
				writeFile('Save', out('datafile19.bin')),
			]),
			chain('agoraT4Files', 'download every file of a dataset', [
				agora('Files', { resource: 'download', operation: 'files', filesOf: 'dataset', dataset: byId(2), outputField: 'data', options: {} }),
			]),
		];
		await n8n.importWorkflows(workflows);
		Object.assign(results, await n8n.executeMany(workflows.map((w) => w.id)));
	});

	after(async () => {
		await n8n?.stop();
		await emulator?.close();
		for (const dir of [userFolder, files]) if (dir) rmSync(dir, { recursive: true, force: true });
	});

	const ok = (r) => assert.equal(r.status, 'success', JSON.stringify(r.error));
	const api = async (path, base = emulator.url) => (await fetch(`${base}${path}`, { headers: { Authorization: `Token ${ALICE_KEY}` } })).json();
	const control = async (base, path, body) =>
		(await fetch(`${base}/__emulator/${path}`, body ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : {})).json();
	/** The bytes Agora stores for an uploaded file, fetched from the emulator directly. */
	const storedBytes = async (base, datafileId) => Buffer.from(await (await fetch(`${base}/api/v1/datafile/${datafileId}/download/`, { headers: { Authorization: `Token ${ALICE_KEY}` } })).arrayBuffer());
	/** Imports and runs one workflow now (tests that change the emulator between runs). */
	const runNow = async (workflow) => {
		await n8n.importWorkflows([workflow]);
		return (await n8n.executeMany([workflow.id]))[workflow.id];
	};
	const childUpload = (id, dir, options) =>
		chain(id, `upload from ${dir}`, [readFiles('Read', join(files, dir, '*')), agora('Upload', upload({ options: { chunkSizeMiB: 1, timeout: 300, ...options } }), { onError: 'stopWorkflow' }, CHILD)]);

	test('uploads a folder of files with a relation and a generated template; every SHA-1 verified', async () => {
		const r = results.agoraT1Upload;
		ok(r);
		const outputs = outputOf(r, 'Upload');
		assert.deepEqual(outputs.map((o) => o.path).sort(), ['notes.txt', 'scan.log', 'scan.raw']);
		for (const o of outputs) {
			assert.equal(o.hashStatus, 'verified', o.path);
			assert.equal(o.sha1, hash('sha1', sent[o.path]));
			assert.equal(o.importId, outputs[0].importId);
		}
		assert.deepEqual(outputs.find((o) => o.path === 'scan.raw').chunks, { total: 3, sent: 3, alreadyOnServer: 0 });
		const exams = await api('/api/v2/exam/?no_page=1&name=n8n%20e2e%20exam');
		assert.equal(exams.length, 1, 'the template created the exam');
		const series = await api(`/api/v2/exam/${exams[0].id}/series/?no_page=1`);
		assert.ok(series.some((s) => s.name === 'e2e series'));
	});

	test('downloads an exam as a ZIP into binary data, entries at their relative paths', () => {
		const r = results.agoraT2Zip;
		ok(r);
		const [zip] = outputOf(r, 'Zip');
		const path = join(files, 'out', 'exam1.zip');
		const entries = listZip(path);
		assert.equal(zip.size, readFileSync(path).length);
		assert.ok(entries.length >= 3, `entries: ${entries.map((e) => e.name).join(', ')}`);
		for (const entry of entries) readEntry(path, entry); // every CRC-32 checks out
		assert.ok(entries.every((e) => e.name.includes('/')), 'entries sit under folders');
	});

	test('downloads a datafile and checks its SHA-1', () => {
		const r = results.agoraT3Datafile;
		ok(r);
		const [file] = outputOf(r, 'Download');
		assert.equal(file.sha1Verified, true);
		assert.equal(readFileSync(join(files, 'out', 'datafile19.bin'), 'utf8'), 'hello world');
	});

	test('downloads every file of a dataset as separate items', () => {
		const r = results.agoraT4Files;
		ok(r);
		const out = outputOf(r, 'Files');
		assert.equal(out.length, 3);
		assert.ok(out.every((f) => f.sha1Verified === true));
	});

	test('resumes an interrupted upload: the second run sends only the chunks Agora lacks', async () => {
		const dataDir = join(childData, 'resume');
		// The emulator process dies on the 3rd chunk, after storing it but before answering.
		const first = await startAgoraChild(['--port', String(childPort), '--data-dir', dataDir, '--step-ms', '50', '--crash-at-chunk', '3', '--crash-when', 'after']);
		const failed = await runNow(childUpload('agoraT5Resume1', 'resume', { retries: 1 }));
		const crashed = await Promise.race([first.exited, new Promise((resolve) => setTimeout(() => resolve(null), 5000))]);
		if (!crashed) first.child.kill('SIGTERM');
		assert.equal(crashed?.code, 75, `the emulator crashed at chunk 3 (run: ${JSON.stringify(failed.error)})`);
		assert.equal(failed.status, 'error');
		const importId = Number(/Import (\d+) holds/.exec(failed.error.message)?.[1]);
		assert.ok(importId > 0, JSON.stringify(failed.error));
		assert.match(failed.error.description, new RegExp(`Resume Import ID = ${importId}`));

		const second = await startAgoraChild(['--port', String(childPort), '--data-dir', dataDir, '--step-ms', '50']);
		try {
			const resumed = await runNow(childUpload('agoraT5Resume2', 'resume', { resumeImportId: String(importId) }));
			ok(resumed);
			const [file] = outputOf(resumed, 'Upload');
			assert.equal(file.hashStatus, 'verified');
			assert.deepEqual(file.chunks, { total: 5, sent: 2, alreadyOnServer: 3 });
			const receipts = await control(second.url, `imports/${importId}`);
			assert.equal(receipts.files[0].duplicateArrivalsOfConfirmed, 0);
			assert.ok((await storedBytes(second.url, file.datafile)).equals(sent['resume.bin']));
		} finally {
			second.child.kill('SIGTERM');
			await second.exited;
		}
	});

	test('the emulator killed at 20 random chunks: the file arrives byte-identical, no confirmed chunk sent twice', async () => {
		const points = new Set();
		while (points.size < 20) points.add(1 + Math.floor(Math.random() * 50));
		const supervisor = await superviseAgoraChild(['--port', String(childPort), '--data-dir', join(childData, 'kills'), '--step-ms', '50', '--crash-at-chunks', [...points].sort((a, b) => a - b).join(','), '--crash-when', 'random']);
		try {
			const r = await runNow(childUpload('agoraT6Kills', 'kills', { retries: 10 }));
			ok(r);
			const [file] = outputOf(r, 'Upload');
			assert.equal(supervisor.restarts, 20, 'every crash point was reached');
			assert.equal(file.hashStatus, 'verified');
			const receipts = await control(supervisor.url, `imports/${file.importId}`);
			assert.equal(receipts.files[0].duplicateArrivalsOfConfirmed, 0);
			const stored = await storedBytes(supervisor.url, file.datafile);
			assert.equal(hash('sha256', stored), hash('sha256', sent['kills.bin']));
			assert.equal((await control(supervisor.url, 'imports')).created, 1, 'one import session');
		} finally {
			await supervisor.stop();
		}
	});

	test('with 20 % injected 503s and connection resets, uploads and downloads finish with correct bytes', async () => {
		const child = await startAgoraChild(['--port', String(childPort), '--data-dir', join(childData, 'faults'), '--step-ms', '50']);
		try {
			await control(child.url, 'faults', {
				rate503: 0.2,
				rateReset: 0.2,
				routes: ['/api/v2/importsession/', '/api/v2/download/', '/api/v1/datafile/', '/api/v1/flowfile/'],
				// A reset after a creating request may hide that it was done: those are only refused with 503.
				resetRoutes: ['^/api/v2/importsession/\\d+/', '^/api/v2/download/\\d+/', '/api/v1/datafile/', '/api/v1/flowfile/'],
			});
			const r = await runNow(
				chain('agoraT7Faults', 'transfers under faults', [
					readFiles('Read', join(files, 'faults', '*')),
					agora('Upload', upload({ options: { chunkSizeMiB: 1, timeout: 300 } }), {}, CHILD),
					agora('Zip', { resource: 'download', operation: 'zip', objects: { object: [{ type: 'exam', id: '1' }] }, outputField: 'data', options: {} }, { executeOnce: true }, CHILD),
					writeFile('Save', join(files, 'out', 'faults.zip')),
					agora('Datafile', { resource: 'datafile', operation: 'download', id: '19', outputField: 'data', options: {} }, {}, CHILD),
				]),
			);
			ok(r);
			const faults = await control(child.url, 'faults');
			// About 30 requests meet a 36 % chance of a fault each: fewer than 2 would mean none were injected.
			assert.ok(faults.injected + faults.resets >= 2, `faults were injected: ${JSON.stringify(faults)}`);
			await control(child.url, 'faults', {}); // the checks below read the emulator directly
			const uploaded = outputOf(r, 'Upload');
			assert.deepEqual(uploaded.map((f) => f.hashStatus), ['verified', 'verified']);
			for (const f of uploaded) assert.ok((await storedBytes(child.url, f.datafile)).equals(readFileSync(join(files, 'faults', f.path))));
			assert.equal((await control(child.url, 'imports')).created, 1, 'the import session was created once');
			for (const entry of listZip(join(files, 'out', 'faults.zip'))) readEntry(join(files, 'out', 'faults.zip'), entry);
			assert.equal(outputOf(r, 'Datafile')[0].sha1Verified, true);
		} finally {
			child.child.kill('SIGTERM');
			await child.exited;
		}
	});
});
