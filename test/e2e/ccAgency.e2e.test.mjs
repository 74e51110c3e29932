// CC-Agency end to end: the packed package installed in a real n8n 2.8.4 the way n8n installs
// community packages, workflows run by the n8n CLI against the CC-Agency emulator, and the
// trigger published and observed firing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndPack } from '../../scripts/lib/pack.mjs';
import { getFreePort } from '../../scripts/lib/free-port.mjs';
import { createN8nInstance } from '../../scripts/lib/n8n-instance.mjs';
import { startCcAgencyEmulator } from '../../emulators/cc-agency/server.mjs';
import { PACKAGE, chain, items, loadExamples, our, outputOf, skipWithoutN8n } from './workflows.mjs';

const skip = skipWithoutN8n();

const cred = (id) => ({ ccAgencyApi: { id, name: id } });
const LOCAL = cred('ccAgencyLocal');

function red({ command = 'echo', inputs = { message: 'hello' }, stdout = 'out.txt', withOutputs = true } = {}) {
	const cliInputs = Object.fromEntries(
		Object.entries(inputs).map(([k, v], i) => [k, { type: typeof v === 'number' ? 'int' : 'string', inputBinding: { position: i } }]),
	);
	const doc = {
		redVersion: '9',
		cli: { cwlVersion: 'v1.0', class: 'CommandLineTool', baseCommand: command, inputs: cliInputs, outputs: {}, stdout },
		inputs,
		container: { engine: 'docker', settings: { image: { url: 'docker.io/busybox:latest' }, ram: 256 } },
		execution: { engine: 'ccagency', settings: {} },
	};
	if (withOutputs) doc.outputs = {};
	return JSON.stringify(doc);
}

function submit(name, redText, { wait = true, extra = {}, options = {} } = {}) {
	return our(
		'ccAgency',
		name,
		{
			resource: 'experiment',
			operation: 'submit',
			redSource: 'parameter',
			red: redText,
			redFormat: 'auto',
			waitForCompletion: wait,
			waitOptions: { pollInterval: 1, timeout: 120, includeStdout: true, includeStderr: true },
			submitOptions: options,
		},
		LOCAL,
		extra,
	);
}

const byId = (id) => ({ __rl: true, mode: 'id', value: id });

describe('CC-Agency in a real n8n', { skip, timeout: 15 * 60 * 1000 }, () => {
	let emulator;
	let n8n;
	let userFolder;
	const results = {};

	before(async () => {
		emulator = await startCcAgencyEmulator({ stepMs: 100 });
		const { tarball } = buildAndPack();
		userFolder = mkdtempSync(join(tmpdir(), 'n8n-e2e-cc-'));
		n8n = await createN8nInstance({ userFolder, port: await getFreePort() });
		n8n.installPackageTarball(tarball);
		const base = { username: 'alice', password: 'alice-password', authentication: 'basic', ignoreSslIssues: false };
		await n8n.importCredentials([
			{ id: 'ccAgencyLocal', name: 'CC-Agency (local emulator)', type: 'ccAgencyApi', data: { ...base, baseUrl: emulator.url } },
			{ id: 'ccAgencyJwt', name: 'ccAgencyJwt', type: 'ccAgencyApi', data: { ...base, baseUrl: emulator.url, authentication: 'jwt' } },
			{ id: 'ccAgencyWrong', name: 'ccAgencyWrong', type: 'ccAgencyApi', data: { ...base, baseUrl: emulator.url, username: 'admin', password: 'wrong' } },
			{ id: 'ccAgencyNowhere', name: 'ccAgencyNowhere', type: 'ccAgencyApi', data: { ...base, baseUrl: 'http://127.0.0.1:9' } },
		]);

		const workflows = [
			...loadExamples('cc-agency-').filter((w) => !w.nodes.some((n) => n.type.startsWith(PACKAGE) && n.type.endsWith('Trigger'))),
			chain('cc1Jwt', 'version over JWT', [our('ccAgency', 'Version', { resource: 'server', operation: 'getVersion' }, cred('ccAgencyJwt'))]),
			chain('cc2Fail', 'failure with reason', [submit('Submit', red({ command: 'no_such_tool' }), { options: { disableRetry: true } })]),
			chain('cc3Cancel', 'cancel', [
				submit('Submit', red({ command: 'sleep', inputs: { seconds: 60 } }), { wait: false }),
				our('ccAgency', 'Cancel', { resource: 'batch', operation: 'cancel', batchId: byId('={{ $json.batchIds[0] }}') }, LOCAL),
				our('ccAgency', 'Wait', { resource: 'batch', operation: 'waitForCompletion', batchId: byId('={{ $json._id }}'), waitOptions: { pollInterval: 1 } }, LOCAL),
			]),
			chain('cc4Streams', 'stdout and stderr', [
				submit('Submit', red({ inputs: { message: 'streams' } })),
				our('ccAgency', 'Stdout', { resource: 'batch', operation: 'getStdout', batchId: byId('={{ $json.batchId }}') }, LOCAL),
				our('ccAgency', 'Stderr', { resource: 'batch', operation: 'getStderr', batchId: byId('={{ $("Submit").item.json.batchId }}') }, LOCAL),
			]),
			chain('cc5BadInput', 'bad input with continue on fail', [
				items('Documents', [
					{ red: '{"redVersion": "9",' },
					{ red: red({ withOutputs: false }) },
					{ red: red().replace('"hello"', '"{{secret}}"') },
					{ red: 'cli:\n  a: 1\n b: 2\n' },
					{ red: red({ inputs: { message: 'fine' } }) },
				]),
				{ ...submit('Submit', '={{ $json.red }}', { wait: false }), onError: 'continueRegularOutput' },
			]),
			chain('cc6WrongPassword', 'wrong password', [our('ccAgency', 'Version', { resource: 'server', operation: 'getVersion' }, cred('ccAgencyWrong'))]),
			chain('cc7Unreachable', 'unreachable server', [our('ccAgency', 'Version', { resource: 'server', operation: 'getVersion' }, cred('ccAgencyNowhere'))]),
			// "By ID" mode validates the format in the editor; "From List" sends what it is given.
			chain('cc8BadId', 'malformed batch id', [our('ccAgency', 'Get', { resource: 'batch', operation: 'get', batchId: { __rl: true, mode: 'list', value: '651e' } }, LOCAL)]),
			chain('cc10Unknown', 'unknown batch', [our('ccAgency', 'Get', { resource: 'batch', operation: 'get', batchId: byId('000000000000000000000000') }, LOCAL)]),
			chain('cc11Timeout', 'wait timeout', [
				our('ccAgency', 'Submit', { resource: 'experiment', operation: 'submit', redSource: 'parameter', red: red({ command: 'sleep', inputs: { seconds: 60 } }), redFormat: 'json', waitForCompletion: true, waitOptions: { pollInterval: 1, timeout: 1 }, submitOptions: {} }, LOCAL),
			]),
			chain('cc12NoFile', 'missing input file', [
				our('ccAgency', 'Submit', { resource: 'experiment', operation: 'submit', redSource: 'binary', binaryPropertyName: 'red', redFormat: 'auto', waitForCompletion: false, submitOptions: {} }, LOCAL),
			]),
			chain('cc9Limit', 'limit', [our('ccAgency', 'Batches', { resource: 'batch', operation: 'getAll', returnAll: false, limit: 2, filters: {} }, LOCAL)]),
		];
		await n8n.importWorkflows(workflows);
		Object.assign(results, await n8n.executeMany(workflows.map((w) => w.id)));
	});

	after(async () => {
		await n8n?.stop();
		await emulator?.close();
		if (userFolder) rmSync(userFolder, { recursive: true, force: true });
	});

	test('the example submits a YAML RED, waits and returns stdout', () => {
		const [batch] = outputOf(results.ccAgency1SubmitAndWait, 'Submit and wait');
		assert.equal(results.ccAgency1SubmitAndWait.status, 'success');
		assert.equal(batch.state, 'succeeded');
		assert.equal(batch.stdout, 'hello from n8n\n');
		assert.match(batch.batchId, /^[0-9a-f]{24}$/);
	});

	test('the overview example reads version, compute nodes and failed batches', () => {
		assert.equal(results.ccAgency3Overview.status, 'success');
		assert.deepEqual(outputOf(results.ccAgency3Overview, 'Version'), [{ agencyVersion: '9.3.0' }]);
		assert.equal(outputOf(results.ccAgency3Overview, 'Compute nodes')[0].nodeName, 'node_a');
	});

	test('JWT authentication logs in and works', () => {
		assert.equal(results.cc1Jwt.status, 'success');
		assert.deepEqual(outputOf(results.cc1Jwt, 'Version'), [{ agencyVersion: '9.3.0' }]);
	});

	test('a failing batch is reported with its reason', () => {
		const [batch] = outputOf(results.cc2Fail, 'Submit');
		assert.equal(batch.state, 'failed');
		assert.equal(batch.attempts, 1);
		assert.match(batch.failureReason, /not in PATH/);
		assert.equal(batch.stdout, null);
	});

	test('a running batch can be cancelled', () => {
		assert.equal(results.cc3Cancel.status, 'success');
		assert.equal(outputOf(results.cc3Cancel, 'Cancel')[0].state, 'cancelled');
		assert.equal(outputOf(results.cc3Cancel, 'Wait')[0].state, 'cancelled');
	});

	test('stdout is returned and an absent stderr is "not available"', () => {
		const [stdout] = outputOf(results.cc4Streams, 'Stdout');
		const [stderr] = outputOf(results.cc4Streams, 'Stderr');
		assert.deepEqual([stdout.available, stdout.text], [true, 'streams\n']);
		assert.equal(stderr.available, false);
		assert.equal(stderr.text, null);
	});

	test('bad input gives one error item per bad document and the good one still runs', () => {
		const out = outputOf(results.cc5BadInput, 'Submit');
		assert.equal(results.cc5BadInput.status, 'success');
		assert.equal(out.length, 5);
		assert.match(out[0].error, /RED Document: not valid JSON/);
		assert.match(out[1].error, /no "outputs"/);
		assert.match(out[2].error, /unresolved variables: secret/);
		assert.match(out[3].error, /not valid YAML/);
		assert.match(out[4].experimentId, /^[0-9a-f]{24}$/);
	});

	test('a wrong password fails clearly and is not retried', () => {
		assert.equal(results.cc6WrongPassword.status, 'error');
		assert.match(results.cc6WrongPassword.error.message, /did not accept the credentials: Invalid username\/password combination for user "admin"/);
		assert.match(results.cc6WrongPassword.error.description, /blocks an account/);
		assert.ok(!JSON.stringify(results.cc6WrongPassword.raw ?? results.cc6WrongPassword).includes('wrong"'), 'the password is not in the output');
	});

	test('an unreachable server names the URL and the fix', () => {
		assert.equal(results.cc7Unreachable.status, 'error');
		assert.match(results.cc7Unreachable.error.message, /Could not reach CC-Agency at http:\/\/127.0.0.1:9\/version \(ECONNREFUSED\)/);
		assert.match(results.cc7Unreachable.error.description, /Base URL/);
	});

	test('a malformed ID is explained', () => {
		assert.equal(results.cc8BadId.status, 'error');
		assert.match(results.cc8BadId.error.message, /rejected the ID: Not a valid BSON ObjectId/);
	});

	test('an unknown ID says it may belong to another user', () => {
		assert.equal(results.cc10Unknown.status, 'error');
		assert.match(results.cc10Unknown.error.message, /could not find it: Could not find Object/);
		assert.match(results.cc10Unknown.error.description, /another user/);
	});

	test('a wait that runs out of time names the batch, its state and the fix', () => {
		assert.equal(results.cc11Timeout.status, 'error');
		assert.match(results.cc11Timeout.error.message, /CC-Agency batches still running after \d+ s: [0-9a-f]{24} \((registered|scheduled|processing)\)/);
		assert.match(results.cc11Timeout.error.description, /Timeout/);
	});

	test('a missing input file names the binary field', () => {
		assert.equal(results.cc12NoFile.status, 'error');
		assert.match(results.cc12NoFile.error.message, /Input Binary Field: the input item has no binary field "red"/);
	});

	test('Limit returns exactly Limit batches', () => {
		assert.equal(outputOf(results.cc9Limit, 'Batches').length, 2);
	});

	test('n8n loads both nodes under the package name and offers the action node as an AI tool', async () => {
		const names = (await n8n.exportNodes()).map((node) => node.name);
		for (const name of ['ccAgency', 'ccAgencyTrigger', 'ccAgencyTool']) assert.ok(names.includes(`${PACKAGE}.${name}`), name);
		assert.ok(!names.includes(`${PACKAGE}.ccAgencyTriggerTool`), 'triggers have no tool variant');
	});

	test('the published trigger fires once per finished batch', async () => {
		const [watch] = loadExamples('cc-agency-on-batch-finished');
		await n8n.importWorkflows([watch]);
		await n8n.publish(watch.id);
		await n8n.start();
		// A batch that finishes after activation must fire exactly once.
		const response = await fetch(`${emulator.url}/red`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from('alice:alice-password').toString('base64')}` },
			body: red({ inputs: { message: 'after activation' } }),
		});
		const { experimentId } = await response.json();
		const emitted = async () => {
			const executions = await n8n.executions(watch.id);
			return executions.flatMap((e) => outputOf({ runData: e.data?.resultData?.runData }, 'When a batch finishes'));
		};
		const deadline = Date.now() + 150_000;
		let events = [];
		while (Date.now() < deadline) {
			events = await emitted();
			if (events.some((e) => e.experimentId === experimentId)) break;
			await new Promise((r) => setTimeout(r, 2000));
		}
		assert.ok(events.some((e) => e.experimentId === experimentId), 'the new batch fired');
		// Let at least one more poll happen: it must not emit anything again.
		const countsBefore = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()).byRoute['GET /batches/count'] ?? 0;
		const idleDeadline = Date.now() + 90_000;
		while (Date.now() < idleDeadline) {
			const now = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()).byRoute['GET /batches/count'] ?? 0;
			if (now >= countsBefore + 2) break;
			await new Promise((r) => setTimeout(r, 2000));
		}
		events = await emitted();
		const ids = events.map((e) => e.batchId);
		assert.equal(new Set(ids).size, ids.length, `no batch fired twice: ${ids.join(', ')}`);
		assert.equal(events.filter((e) => e.experimentId === experimentId).length, 1);
		// Batches that finished minutes before activation are within the first-run window: each fired once too.
		assert.ok(events.some((e) => e.experimentId !== experimentId), 'recently finished batches fired on the first run');
	});
});
