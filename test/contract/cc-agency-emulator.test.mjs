// Contract tests for the CC-Agency emulator, part 4: what is not CC-Agency but other code
// relies on — the /__emulator/ control routes, the demo seed, the data file and the CLI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCcAgencyEmulator } from '../../emulators/cc-agency/server.mjs';
import { commandRed, echoRed, redWithSecrets } from '../../emulators/cc-agency/sample-reds.mjs';
import { basicAuth, createClient, pollUntil } from '../../emulators/lib/contract-client.mjs';

const STEP_MS = 30;
const ALICE = basicAuth('alice', 'alice-password');
const ADMIN = basicAuth('admin', 'admin-password');
const SERVER = fileURLToPath(new URL('../../emulators/cc-agency/server.mjs', import.meta.url));
const TERMINAL = ['succeeded', 'failed', 'cancelled'];

let workDir;
before(() => {
	workDir = mkdtempSync(join(tmpdir(), 'cc-agency-contract-'));
});
after(() => {
	rmSync(workDir, { recursive: true, force: true });
});

async function waitTerminal(client, batchId, timeoutMs = 5000) {
	return pollUntil(
		async () => {
			const b = (await client.get(`/batches/${batchId}`)).data;
			return b && TERMINAL.includes(b.state) ? b : false;
		},
		{ timeoutMs, description: `batch ${batchId} to finish` },
	);
}

async function firstBatchId(client, experimentId) {
	return (await client.get(`/batches?experimentId=${experimentId}&ascending=true`)).data[0]._id;
}

describe('control routes', () => {
	let agency;
	let api;
	let control;

	before(async () => {
		agency = await startCcAgencyEmulator({ stepMs: STEP_MS });
		api = createClient(agency.url, { authorization: ALICE });
		control = createClient(agency.url);
	});
	after(async () => {
		await agency?.close();
	});

	test('stats count every non-control request and the bytes sent', async () => {
		await control.post('/__emulator/stats/reset');
		const a = await api.get('/batches/count');
		const b = await api.get('/batches/count?state=failed');
		const c = await api.get('/batches/000000000000000000000000');
		const d = await control.get('/nothing');
		const stats = (await control.get('/__emulator/stats')).data;
		assert.equal(stats.requests, 4);
		assert.deepEqual(stats.byRoute, {
			'GET /batches/count': 2,
			'GET /batches/:id': 1,
			'GET (unmatched)': 1,
		});
		assert.equal(
			stats.bytesOut,
			[a, b, c, d].reduce((sum, r) => sum + Buffer.byteLength(r.text), 0),
		);
		await control.post('/__emulator/stats/reset');
		assert.deepEqual((await control.get('/__emulator/stats')).data, {
			requests: 0,
			bytesOut: 0,
			byRoute: {},
		});
	});

	test('faults inject 503 with Retry-After: 0 on the chosen routes', async () => {
		const set = await control.post('/__emulator/faults', {
			json: { rate503: 1, routes: ['/version'] },
		});
		assert.equal(set.status, 200);
		try {
			const res = await api.get('/version');
			assert.equal(res.status, 503);
			assert.equal(res.headers.get('retry-after'), '0');
			assert.equal((await api.get('/batches/count')).status, 200, 'other routes are untouched');
		} finally {
			await control.post('/__emulator/faults', { json: { rate503: 0 } });
		}
		assert.equal((await api.get('/version')).status, 200);
		assert.equal((await control.post('/__emulator/faults', { json: { rate503: 2 } })).status, 400);
	});

	test('bulk-batches creates 10 000 finished batches quickly and lists page over them', async () => {
		const res = await control.post('/__emulator/bulk-batches', {
			json: { count: 10_000, state: 'succeeded', username: 'alice' },
		});
		assert.equal(res.status, 200, res.text);
		const { experimentId, count } = res.data;
		assert.equal(count, 10_000);
		assert.deepEqual((await api.get(`/batches/count?experimentId=${experimentId}`)).data, {
			count: 10_000,
		});
		assert.deepEqual(
			(await api.get(`/batches/count?experimentId=${experimentId}&state=succeeded`)).data,
			{ count: 10_000 },
		);
		const page = (
			await api.get(`/batches?experimentId=${experimentId}&ascending=true&skip=9998&limit=5`)
		).data;
		assert.equal(page.length, 2);
		const batch = (await api.get(`/batches/${page[0]._id}`)).data;
		assert.equal(batch.state, 'succeeded');
		assert.equal(batch.protectedKeysVoided, true);
		assert.deepEqual(
			batch.history.map((h) => h.state),
			['registered', 'scheduled', 'processing', 'succeeded'],
		);
		assert.equal(
			(await api.get(`/batches/${page[0]._id}/stdout`)).text,
			`bulk ${batch.batchesListIndex}\n`,
		);

		const failed = (
			await control.post('/__emulator/bulk-batches', {
				json: { count: 3, state: 'failed', username: 'admin' },
			})
		).data;
		const admin = createClient(agency.url, { authorization: ADMIN });
		const failedBatch = (
			await admin.get(`/batches/${await firstBatchId(admin, failed.experimentId)}`)
		).data;
		assert.equal(failedBatch.state, 'failed');
		assert.ok(failedBatch.history.at(-1).debugInfo.startsWith('Batch failed.'));
		assert.deepEqual(
			(await api.get(`/batches?experimentId=${failed.experimentId}`)).data,
			[],
			'owned by admin',
		);

		const more = await control.post('/__emulator/bulk-batches', {
			json: { count: 2, state: 'cancelled', experimentId },
		});
		assert.equal(more.data.experimentId, experimentId);
		assert.deepEqual(
			(await api.get(`/batches/count?experimentId=${experimentId}&state=cancelled`)).data,
			{ count: 2 },
		);

		assert.equal(
			(await control.post('/__emulator/bulk-batches', { json: { count: 1, state: 'running' } }))
				.status,
			400,
		);
	});

	test('config changes settings at runtime and rejects unknown keys', async () => {
		const res = await control.post('/__emulator/config', {
			json: { stepMs: 20, insecureCapabilities: true },
		});
		assert.equal(res.status, 200);
		assert.equal(res.data.stepMs, 20);
		assert.equal(res.data.insecureCapabilities, true);
		assert.ok(!JSON.stringify(res.data).includes('alice-password'), 'passwords are never shown');
		assert.equal((await control.post('/__emulator/config', { json: { bogus: 1 } })).status, 400);
		const nodes = await control.post('/__emulator/config', {
			json: { nodes: [{ nodeName: 'node_b', ram: 1000, cpus: 1 }] },
		});
		assert.equal(nodes.status, 200);
		assert.deepEqual(
			(await api.get('/nodes')).data.map((n) => n.nodeName),
			['node_b'],
		);
		await control.post('/__emulator/config', {
			json: {
				stepMs: STEP_MS,
				insecureCapabilities: false,
				nodes: [{ nodeName: 'node_a', ram: 24105, cpus: 2 }],
			},
		});
	});

	test('reset empties all data and clears lockouts', async () => {
		for (let i = 0; i < 4; i++)
			await api.get('/version', { authorization: basicAuth('alice', 'nope') });
		assert.equal((await api.get('/version')).status, 401, 'alice is locked out');
		const res = await control.post('/__emulator/reset');
		assert.equal(res.status, 200);
		assert.equal((await api.get('/version')).status, 200);
		assert.deepEqual((await api.get('/batches/count')).data, { count: 0 });
		assert.deepEqual((await api.get('/experiments')).data, []);
		assert.equal(agency.store.batches.size, 0);
	});

	test('unknown control routes are 404 JSON', async () => {
		const res = await control.get('/__emulator/nope');
		assert.equal(res.status, 404);
		assert.ok(res.data.error);
	});
});

describe('demo seed', () => {
	test('alice has succeeded, failed and cancelled batches; admin has its own experiment', async () => {
		const agency = await startCcAgencyEmulator({ seed: 'demo', stepMs: STEP_MS });
		try {
			const alice = createClient(agency.url, { authorization: ALICE });
			const admin = createClient(agency.url, { authorization: ADMIN });
			assert.ok((await alice.get('/experiments/count')).data.count >= 4);
			assert.equal((await admin.get('/experiments/count?username=admin')).data.count, 1);

			const succeeded = (await alice.get('/batches?state=succeeded')).data;
			assert.ok(succeeded.length > 0);
			const withStdout = await Promise.all(
				succeeded.map((b) => alice.get(`/batches/${b._id}/stdout`)),
			);
			assert.ok(withStdout.some((r) => r.status === 200 && r.text.length > 0));

			const failed = (await alice.get('/batches?state=failed')).data;
			assert.ok(failed.length > 0);
			const failedDoc = (await alice.get(`/batches/${failed[0]._id}`)).data;
			assert.match(failedDoc.history.at(-1).debugInfo, /^Batch failed\./);
			assert.ok((await alice.get('/batches/count?state=cancelled')).data.count > 0);

			for (const b of [...succeeded, ...failed]) {
				const doc = (await alice.get(`/batches/${b._id}`)).data;
				assert.equal(doc.protectedKeysVoided, true);
				assert.equal(doc.notificationsSent, true);
			}
		} finally {
			await agency.close();
		}
	});
});

describe('data file persistence', () => {
	test('state survives a restart, unfinished batches resume, secrets stay out of the file', async () => {
		const dataFile = join(workDir, 'state.json');
		let agency = await startCcAgencyEmulator({ stepMs: STEP_MS, dataFile });
		let alice = createClient(agency.url, { authorization: ALICE });
		const done = (await alice.post('/red', { json: echoRed({ message: 'persisted' }) })).data
			.experimentId;
		const doneBatch = await firstBatchId(alice, done);
		await waitTerminal(alice, doneBatch);
		const secret = (await alice.post('/red', { json: redWithSecrets({ baseCommand: 'sleep' }) }))
			.data.experimentId;
		const slow = (await alice.post('/red', { json: commandRed('sleep', { seconds: 10 }) })).data
			.experimentId;
		const slowBatch = await firstBatchId(alice, slow);
		await pollUntil(
			async () => (await alice.get(`/batches/${slowBatch}`)).data.state === 'processing',
			{ description: 'processing' },
		);
		await agency.close();

		const text = readFileSync(dataFile, 'utf8');
		for (const s of ['connector-secret', 'registry-secret', 'ssh-secret', 'agency-secret'])
			assert.ok(!text.includes(s), `${s} written to disk`);

		agency = await startCcAgencyEmulator({ stepMs: STEP_MS, dataFile });
		try {
			alice = createClient(agency.url, { authorization: ALICE });
			const restored = (await alice.get(`/batches/${doneBatch}`)).data;
			assert.equal(restored.state, 'succeeded');
			assert.equal((await alice.get(`/batches/${doneBatch}/stdout`)).text, 'persisted\n');
			assert.equal((await alice.get(`/experiments/${secret}`)).status, 200);
			const resumed = await waitTerminal(alice, slowBatch);
			assert.equal(resumed.state, 'succeeded');
			assert.equal(resumed.history.filter((h) => h.state === 'processing').length, 1);
			assert.equal((await alice.get('/experiments/count')).data.count, 3);
		} finally {
			await agency.close();
		}
	});
});

describe('command line', () => {
	test('prints one JSON line with the URL, serves, and exits cleanly on SIGTERM', async () => {
		const dataFile = join(workDir, 'cli.json');
		const child = spawn(
			process.execPath,
			[SERVER, '--port', '0', '--seed', 'demo', '--data-file', dataFile, '--step-ms', '300'],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		const exited = new Promise((resolve) =>
			child.on('exit', (code, signal) => resolve({ code, signal })),
		);
		try {
			await pollUntil(() => stdout.includes('\n'), {
				timeoutMs: 10_000,
				description: `the ready line (stderr: ${stderr})`,
			});
			const lines = stdout.split('\n').filter(Boolean);
			assert.equal(lines.length, 1);
			const ready = JSON.parse(lines[0]);
			assert.deepEqual(Object.keys(ready), ['emulator', 'url']);
			assert.equal(ready.emulator, 'cc-agency');
			assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
			const res = await createClient(ready.url, { authorization: ALICE }).get('/experiments/count');
			assert.equal(res.status, 200);
			assert.ok(res.data.count >= 4, 'seeded');
		} finally {
			child.kill('SIGTERM');
		}
		const { code } = await exited;
		assert.equal(code, 0, stderr);
		assert.ok(existsSync(dataFile), 'the data file was written');
		assert.ok(JSON.parse(readFileSync(dataFile, 'utf8')).experiments.length >= 5);
	});

	test('bad flags exit with code 2 and a usage line', async () => {
		const child = spawn(process.execPath, [SERVER, '--bogus'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stderr = '';
		child.stderr.on('data', (c) => (stderr += c));
		const code = await new Promise((resolve) => child.on('exit', resolve));
		assert.equal(code, 2);
		assert.match(stderr, /unknown flag "--bogus"/);
	});
});
