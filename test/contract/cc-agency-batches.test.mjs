// Contract tests for the CC-Agency emulator, part 3: the batch state machine, retries,
// cancellation, stdout/stderr and notification hooks (reference §8, §9; checks 7-10 and 16).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startCcAgencyEmulator } from '../../emulators/cc-agency/server.mjs';
import { commandRed, echoRed } from '../../emulators/cc-agency/sample-reds.mjs';
import { basicAuth, createClient, pollUntil } from '../../emulators/lib/contract-client.mjs';
import { TERMINAL, submitRed, waitForBatchEnd } from '../../emulators/cc-agency/testing.mjs';

const STEP_MS = 30;

let agency;
let alice;

before(async () => {
	agency = await startCcAgencyEmulator({ stepMs: STEP_MS });
	alice = createClient(agency.url, { authorization: basicAuth('alice', 'alice-password') });
});

after(async () => {
	await agency?.close();
});

const submitOne = (red, query) => submitRed(alice, red, query);

/** Polls a batch until `predicate`, recording every state and document seen. Bounded by timeoutMs. */
async function watch(batchId, predicate = (b) => TERMINAL.includes(b.state), timeoutMs = 5000) {
	const seen = [];
	const docs = [];
	const batch = await pollUntil(
		async () => {
			const b = (await alice.get(`/batches/${batchId}`)).data;
			if (seen.at(-1) !== b.state) seen.push(b.state);
			docs.push(b);
			return predicate(b) ? b : false;
		},
		{ timeoutMs, intervalMs: 3, description: `batch ${batchId}` },
	);
	return { batch, seen, docs };
}

const states = (batch) => batch.history.map((h) => h.state);

/** `sub` appears in `full` in order (polling may skip short states, never reorder them). */
function assertSubsequence(sub, full) {
	let i = 0;
	for (const s of full) if (s === sub[i]) i++;
	assert.equal(
		i,
		sub.length,
		`${JSON.stringify(sub)} is not a subsequence of ${JSON.stringify(full)}`,
	);
}

describe('check 7: poll to success', () => {
	test('registered -> scheduled -> processing -> succeeded, one history entry per step', async () => {
		const {
			batchIds: [id],
		} = await submitOne(echoRed());
		const { batch, seen, docs } = await watch(id);
		// usedGPUs and mount appear only once scheduled (polling speed decides which states we see)
		for (const doc of docs) {
			const scheduledOnce = doc.attempts > 0;
			assert.equal('usedGPUs' in doc, scheduledOnce, `usedGPUs while ${doc.state}`);
			assert.equal('mount' in doc, scheduledOnce, `mount while ${doc.state}`);
		}
		assert.equal(batch.state, 'succeeded');
		assert.deepEqual(states(batch), ['registered', 'scheduled', 'processing', 'succeeded']);
		assertSubsequence(seen, states(batch));
		assert.equal(batch.attempts, 1);
		assert.equal(batch.node, 'node_a');
		assert.equal(batch.usedGPUs, null);
		assert.equal(batch.mount, false);
		assert.equal(batch.cliStdout, 'out.txt');
		assert.match(batch.cliStderr, /^[0-9a-f-]{36}\.stderr$/);
		assert.equal(batch.usedSpecifiedStdout, true);
		assert.equal(batch.usedSpecifiedStderr, false);
		const times = batch.history.map((h) => h.time);
		assert.deepEqual(
			times,
			[...times].sort((a, b) => a - b),
		);
		assert.deepEqual(
			batch.history.map((h) => h.node),
			[null, 'node_a', 'node_a', 'node_a'],
		);
		const last = batch.history.at(-1);
		assert.deepEqual(last.ccagent, {
			command: ['echo'],
			debugInfo: null,
			inputs: {},
			outputs: {},
			process: { executed: true, returnCode: 0, stderr: batch.cliStderr, stdout: 'out.txt' },
			state: 'succeeded',
		});
		assert.equal(last.debugInfo, null);
	});

	test('every intermediate state lasts at least one step, so fast pollers can see it', async () => {
		const {
			batchIds: [id],
		} = await submitOne(echoRed({ message: 'slow look' }));
		const { batch } = await watch(id);
		const times = batch.history.map((h) => h.time);
		for (let i = 1; i < times.length; i++) {
			assert.ok(
				times[i] - times[i - 1] >= STEP_MS / 1000,
				`${batch.history[i - 1].state} lasted ${(times[i] - times[i - 1]) * 1000} ms`,
			);
		}
	});
});

describe('check 8: poll to failure', () => {
	test('an unknown command is retried once, then fails with attempts 2', async () => {
		const {
			batchIds: [id],
		} = await submitOne(commandRed('unknown_command'));
		const { batch, seen } = await watch(id);
		assert.equal(batch.state, 'failed');
		assert.deepEqual(states(batch), [
			'registered',
			'scheduled',
			'processing',
			'registered',
			'scheduled',
			'processing',
			'failed',
		]);
		assertSubsequence(seen, states(batch));
		assert.equal(batch.attempts, 2);
		assert.equal(batch.node, 'node_a', 'a failed batch keeps its last node');

		const retry = batch.history[3];
		assert.equal(retry.node, null);
		assert.ok(retry.debugInfo.startsWith('Batch failed.\n'));
		assert.equal(typeof retry.ccagent, 'object');
		assert.notEqual(retry.ccagent, null);

		const last = batch.history.at(-1);
		assert.ok(
			last.debugInfo.startsWith(
				'Batch failed.\nContainer stderr:\n[ExecutionError]\nCommand "unknown_command" not in PATH.\n\n\ndebug info:\n[',
			),
			last.debugInfo,
		);
		assert.deepEqual(last.ccagent.process, {
			executed: false,
			returnCode: null,
			stderr: null,
			stdout: null,
		});
		assert.equal(last.ccagent.outputs, null);
		assert.equal(last.ccagent.state, 'failed');

		const stdout = await alice.get(`/batches/${id}/stdout`);
		assert.equal(stdout.status, 404);
		assert.ok(
			stdout.text.includes(`<p>Could not find &#34;stdout&#34; of batch &#34;${id}&#34;</p>`),
		);
	});

	test('with disableRetry the first failure is terminal', async () => {
		const {
			batchIds: [id],
		} = await submitOne(commandRed('unknown_command'), '?disableRetry=true');
		const { batch } = await watch(id);
		assert.deepEqual(states(batch), ['registered', 'scheduled', 'processing', 'failed']);
		assert.equal(batch.attempts, 1);
	});

	test('without an execution section there is no retry', async () => {
		const {
			batchIds: [id],
		} = await submitOne(commandRed('false', { execution: null }));
		const { batch } = await watch(id);
		assert.equal(batch.state, 'failed');
		assert.equal(batch.attempts, 1);
	});

	test('no node could ever fit: one failed entry, attempts 0', async () => {
		const {
			experimentId,
			batchIds: [id],
		} = await submitOne(echoRed({ ram: 100_000 }));
		const batch = (await alice.get(`/batches/${id}`)).data;
		assert.equal(batch.state, 'failed');
		assert.deepEqual(states(batch), ['registered', 'failed']);
		assert.equal(batch.attempts, 0);
		assert.equal(
			batch.history[1].debugInfo,
			`There are no nodes configured that are possibly sufficient for experiment "${experimentId}"`,
		);
		assert.equal(batch.history[1].ccagent, null);
		assert.ok(!('usedGPUs' in batch) && !('mount' in batch));
	});

	test('GPU requests fail on a node without GPUs; nodes with GPUs run them', async () => {
		const red = echoRed();
		red.container.settings.gpus = { vendor: 'nvidia', count: 1 };
		const {
			batchIds: [noGpu],
		} = await submitOne(red);
		assert.equal((await alice.get(`/batches/${noGpu}`)).data.state, 'failed');

		const gpuAgency = await startCcAgencyEmulator({
			stepMs: STEP_MS,
			nodes: [
				{ nodeName: 'cpu_node', ram: 8000, cpus: 4, gpus: null },
				{
					nodeName: 'gpu_node',
					ram: 8000,
					cpus: 4,
					gpus: [{ id: 'GPU-0', vram: 8192, vendor: 'nvidia' }],
				},
			],
		});
		try {
			const client = createClient(gpuAgency.url, {
				authorization: basicAuth('alice', 'alice-password'),
			});
			const { batchIds: [gpuBatchId] } = await submitRed(client, red);
			const batch = await waitForBatchEnd(client, gpuBatchId);
			assert.equal(batch.state, 'succeeded');
			assert.equal(batch.node, 'gpu_node');
			assert.deepEqual(batch.usedGPUs, ['GPU-0']);

			const { batchIds: [plainBatchId] } = await submitRed(client, echoRed());
			const plainBatch = await waitForBatchEnd(client, plainBatchId);
			assert.equal(plainBatch.node, 'cpu_node', 'nodes without GPUs are preferred');
		} finally {
			await gpuAgency.close();
		}
	});

	test('mount connectors fail immediately while insecure capabilities are disabled', async () => {
		const red = echoRed();
		red.cli.inputs.f = { type: 'File', inputBinding: { position: 1 } };
		red.inputs.f = {
			class: 'File',
			connector: { command: 'red-connector-sshfs', access: { host: 'h' }, mount: true },
		};
		const {
			batchIds: [id],
		} = await submitOne(red);
		const { batch } = await watch(id);
		assert.deepEqual(states(batch), ['registered', 'failed']);
		assert.match(
			batch.history[1].debugInfo,
			/^FUSE support for this agency is disabled, .*\n\['f'\]$/s,
		);
		assert.equal(batch.attempts, 0);
	});
});

describe('check 9: cancel', () => {
	test('batchConcurrencyLimit 1 keeps batch 1 registered; cancel is idempotent', async () => {
		const red = commandRed('sleep', { execution: { batchConcurrencyLimit: 1 } });
		delete red.inputs;
		delete red.outputs;
		red.cli.inputs = { seconds: { type: 'int', inputBinding: { position: 0 } } };
		red.batches = [
			{ inputs: { seconds: 30 }, outputs: {} },
			{ inputs: { seconds: 30 }, outputs: {} },
		];
		const {
			batchIds: [first, second],
		} = await submitOne(red);

		const { batch: running } = await watch(first, (b) => b.state === 'processing');
		assert.equal(running.state, 'processing');
		// a few steps later batch 1 is still waiting for the concurrency slot
		await new Promise((r) => setTimeout(r, STEP_MS * 4));
		assert.equal((await alice.get(`/batches/${first}`)).data.state, 'processing');
		const waiting = (await alice.get(`/batches/${second}`)).data;
		assert.equal(waiting.state, 'registered');
		assert.ok(
			!('usedGPUs' in waiting) && !('mount' in waiting),
			'usedGPUs and mount appear only once scheduled',
		);
		assert.equal(waiting.attempts, 0);

		const nodes = (await alice.get('/nodes')).data;
		assert.deepEqual(nodes[0].currentBatches, [{ batchId: first, ram: 256 }]);

		// cancel the registered batch
		const cancelled = await alice.delete(`/batches/${second}`);
		assert.equal(cancelled.status, 200);
		assert.equal(cancelled.data._id, second);
		assert.equal(cancelled.data.state, 'cancelled');
		const entry = cancelled.data.history.at(-1);
		assert.deepEqual(Object.keys(entry), ['ccagent', 'debugInfo', 'node', 'state', 'time']);
		assert.deepEqual(
			{ ...entry, time: 0 },
			{ ccagent: null, debugInfo: null, node: null, state: 'cancelled', time: 0 },
		);
		assert.equal(typeof entry.time, 'number');
		assert.ok(!('usedGPUs' in cancelled.data), 'never scheduled');

		const again = await alice.delete(`/batches/${second}`);
		assert.equal(again.status, 200);
		// identical, except that housekeeping may have run one step after the cancel in between
		const housekept = (doc) => ({ ...doc, notificationsSent: null, protectedKeysVoided: null });
		assert.deepEqual(
			housekept(again.data),
			housekept(cancelled.data),
			'a second DELETE returns the identical document',
		);
		const settled = await watch(second, (b) => b.protectedKeysVoided);
		assert.equal(
			(await alice.delete(`/batches/${second}`)).text,
			(await alice.get(`/batches/${second}`)).text,
		);
		assert.equal(settled.batch.history.length, 2, 'no history entry is added by repeated cancels');

		// cancel the processing batch: it keeps its node, the entry has node null
		const stopped = (await alice.delete(`/batches/${first}`)).data;
		assert.equal(stopped.state, 'cancelled');
		assert.equal(stopped.node, 'node_a');
		assert.equal(stopped.history.at(-1).node, null);
		assert.deepEqual((await alice.get('/nodes')).data[0].currentBatches, []);
		assert.equal((await alice.get(`/batches/${first}/stdout`)).status, 404);

		// it stays cancelled: the simulated container does not finish later
		await new Promise((r) => setTimeout(r, STEP_MS * 3));
		assert.equal((await alice.get(`/batches/${first}`)).data.state, 'cancelled');
	});

	test('DELETE on a succeeded batch returns it unchanged', async () => {
		const {
			batchIds: [id],
		} = await submitOne(echoRed());
		await watch(id, (b) => b.state === 'succeeded' && b.protectedKeysVoided);
		const before = await alice.get(`/batches/${id}`);
		const res = await alice.delete(`/batches/${id}`);
		assert.equal(res.status, 200);
		assert.equal(res.text, before.text);
	});

	test('DELETE errors', async () => {
		assert.equal((await alice.delete('/batches/xyz')).status, 400);
		const res = await alice.delete('/batches/000000000000000000000000');
		assert.equal(res.status, 404);
		assert.ok(res.text.includes('Could not find Object.'));
	});
});

describe('check 10: stdout and stderr', () => {
	test('after a success with cli.stdout', async () => {
		const {
			batchIds: [id],
		} = await submitOne(echoRed({ message: 'hello' }));
		const early = await alice.get(`/batches/${id}/stdout`);
		assert.equal(early.status, 404, 'nothing is stored before the container exits');
		await watch(id);

		const stdout = await alice.get(`/batches/${id}/stdout`);
		assert.equal(stdout.status, 200);
		assert.equal(stdout.contentType, 'text/plain');
		assert.equal(stdout.text, 'hello\n');
		assert.equal(stdout.headers.get('transfer-encoding'), 'chunked');

		const stderr = await alice.get(`/batches/${id}/stderr`);
		assert.equal(stderr.status, 404);
		assert.ok(stderr.text.includes(`Could not find &#34;stderr&#34; of batch &#34;${id}&#34;`));

		const named = await alice.get(`/batches/${id}/out.txt`);
		assert.equal(named.status, 400);
		assert.equal(
			JSON.parse(named.text),
			'400 Bad Request: Could not transfer "out.txt". Use "stdout" or "stderr" as filename.',
		);

		const bad = await alice.get('/batches/xyz/stdout');
		assert.equal(bad.status, 400);
		assert.equal(JSON.parse(bad.text), '400 Bad Request: Not a valid batch ID.');

		const unknown = await alice.get('/batches/000000000000000000000000/out.txt');
		assert.equal(unknown.status, 404, 'the batch lookup runs before the filename check');
		assert.ok(
			unknown.text.includes('Could not find batch with id &#34;000000000000000000000000&#34;.'),
		);

		const other = await createClient(agency.url, {
			authorization: basicAuth('admin', 'admin-password'),
		}).get(`/batches/${id}/stdout`);
		assert.equal(other.status, 200, 'the admin may read it');
	});

	test('after a non-zero exit both streams are stored', async () => {
		const {
			batchIds: [id],
		} = await submitOne(commandRed(['sh', '-c', 'exit 3']), '?disableRetry=true');
		const { batch } = await watch(id);
		assert.equal(batch.state, 'failed');
		const last = batch.history.at(-1);
		assert.deepEqual(last.ccagent.process, {
			executed: true,
			returnCode: 3,
			stderr: batch.cliStderr,
			stdout: batch.cliStdout,
		});
		const stdout = await alice.get(`/batches/${id}/stdout`);
		const stderr = await alice.get(`/batches/${id}/stderr`);
		assert.equal(stdout.status, 200);
		assert.equal(stdout.text, '');
		assert.equal(stderr.status, 200);
		assert.equal(stderr.text, 'simulated failure: exit 3\n');
	});

	test('a success without cli.stdout stores nothing; cat concatenates', async () => {
		const {
			batchIds: [quiet],
		} = await submitOne(echoRed({ stdout: null }));
		await watch(quiet);
		assert.equal((await alice.get(`/batches/${quiet}/stdout`)).status, 404);

		const red = commandRed('cat', { arg: 'abc', stdout: 'cat.txt', stderr: 'cat.err' });
		const {
			batchIds: [cat],
		} = await submitOne(red);
		await watch(cat);
		assert.equal((await alice.get(`/batches/${cat}/stdout`)).text, 'abc\n');
		const stderr = await alice.get(`/batches/${cat}/stderr`);
		assert.equal(stderr.status, 200);
		assert.equal(stderr.text, '');
	});
});

describe('check 16: notification hooks', () => {
	test('each finished batch is POSTed once to the hook', async () => {
		const received = [];
		const hook = createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				received.push({
					body,
					authorization: req.headers.authorization,
					contentType: req.headers['content-type'],
				});
				res.end('ok');
			});
		});
		await new Promise((r) => hook.listen(0, '127.0.0.1', r));
		const hookUrl = `http://127.0.0.1:${hook.address().port}/hook`;
		const notifying = await startCcAgencyEmulator({
			stepMs: STEP_MS,
			notificationHooks: [{ url: hookUrl, auth: { username: 'hook', password: 'hook-password' } }],
		});
		try {
			const client = createClient(notifying.url, {
				authorization: basicAuth('alice', 'alice-password'),
			});
			const experimentId = (await client.post('/red', { json: echoRed() })).data.experimentId;
			const [{ _id: id }] = (await client.get(`/batches?experimentId=${experimentId}`)).data;
			await pollUntil(() => received.length > 0, { description: 'the hook call' });
			await new Promise((r) => setTimeout(r, STEP_MS * 5));
			assert.equal(received.length, 1, 'sent once');
			assert.equal(received[0].body, `{"batches": [{"batchId": "${id}", "state": "succeeded"}]}`);
			assert.deepEqual(JSON.parse(received[0].body), {
				batches: [{ batchId: id, state: 'succeeded' }],
			});
			assert.equal(received[0].authorization, basicAuth('hook', 'hook-password'));
			assert.equal(received[0].contentType, 'application/json');
			assert.equal((await client.get(`/batches/${id}`)).data.notificationsSent, true);
		} finally {
			await notifying.close();
			await new Promise((r) => hook.close(r));
		}
	});
});
