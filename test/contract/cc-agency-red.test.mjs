// Contract tests for the CC-Agency emulator, part 2: POST /red, validation errors, stored
// documents, lists, counts, by-id lookups, ownership and nodes (reference §3, §5-§7;
// checks 4, 5, 6, 11, 12, 13, 14 and 15 of §13).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCcAgencyEmulator } from '../../emulators/cc-agency/server.mjs';
import { batchesRed, echoRed, redWithSecrets } from '../../emulators/cc-agency/sample-reds.mjs';
import { stringifySorted } from '../../emulators/lib/http-send.mjs';
import { basicAuth, createClient, pollUntil } from '../../emulators/lib/contract-client.mjs';

const OBJECT_ID = /^[0-9a-f]{24}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const STEP_MS = 30;

let agency;
let alice;
let admin;
let anonymous;

before(async () => {
	agency = await startCcAgencyEmulator({ stepMs: STEP_MS });
	anonymous = createClient(agency.url);
	alice = anonymous.withAuth(basicAuth('alice', 'alice-password'));
	admin = anonymous.withAuth(basicAuth('admin', 'admin-password'));
});

after(async () => {
	await agency?.close();
});

async function submit(client, red, query = '') {
	const res = await client.post(`/red${query}`, { json: red });
	assert.equal(res.status, 200, `POST /red failed: ${res.text}`);
	return res.data.experimentId;
}

async function batchesOf(client, experimentId) {
	const res = await client.get(`/batches?experimentId=${experimentId}&ascending=true`);
	assert.equal(res.status, 200);
	return res.data.sort((a, b) => a.batchesListIndex - b.batchesListIndex);
}

async function waitForState(client, batchId, predicate, description) {
	return pollUntil(
		async () => {
			const res = await client.get(`/batches/${batchId}`);
			return predicate(res.data) ? res.data : false;
		},
		{ timeoutMs: 5000, description },
	);
}

const isTerminal = (b) => ['succeeded', 'failed', 'cancelled'].includes(b.state);

/** A 400 answer: a JSON string literal "400 Bad Request: ..." sent as application/json. */
function assert400(res, expectedMessage) {
	assert.equal(res.status, 400, res.text);
	assert.equal(res.contentType, 'application/json');
	assert.equal(typeof JSON.parse(res.text), 'string', 'the body is a JSON string literal');
	if (expectedMessage !== undefined)
		assert.equal(JSON.parse(res.text), `400 Bad Request: ${expectedMessage}`);
	return JSON.parse(res.text);
}

/** The raw body equals the compact, key-sorted serialisation plus a newline. */
function assertSortedJson(res) {
	assert.equal(res.contentType, 'application/json');
	assert.equal(res.text, `${stringifySorted(JSON.parse(res.text), { asciiOnly: true })}\n`);
}

describe('check 4: submit', () => {
	test('POST /red answers {"experimentId"} with an ObjectId', async () => {
		const res = await alice.post('/red', { json: echoRed() });
		assert.equal(res.status, 200);
		assert.match(res.text, /^\{"experimentId":"[0-9a-f]{24}"\}\n$/);
	});

	test('?disableRetry=true is stored as execution.settings.retryIfFailed == false', async () => {
		const id = await submit(alice, echoRed(), '?disableRetry=true');
		const experiment = (await alice.get(`/experiments/${id}`)).data;
		assert.equal(experiment.execution.settings.retryIfFailed, false);
		assert.equal(experiment.execution.settings.disableConnectorValidation, false);
		assert.equal(experiment.execution.settings.batchConcurrencyLimit, 2);

		const yes = (
			await alice.get(
				`/experiments/${await submit(alice, echoRed(), '?disableRetry=YES&disableConnectorValidation=1')}`,
			)
		).data;
		assert.equal(yes.execution.settings.retryIfFailed, false);
		assert.equal(yes.execution.settings.disableConnectorValidation, true);

		const zero = (
			await alice.get(`/experiments/${await submit(alice, echoRed(), '?disableRetry=0')}`)
		).data;
		assert.equal(zero.execution.settings.retryIfFailed, true);
	});

	test('without an execution section the experiment has no execution key', async () => {
		const id = await submit(alice, echoRed({ execution: null }));
		const experiment = (await alice.get(`/experiments/${id}`)).data;
		assert.ok(!('execution' in experiment));
		assert.deepEqual(Object.keys(experiment), [
			'_id',
			'cli',
			'container',
			'protectedKeysVoided',
			'redVersion',
			'registrationTime',
			'username',
		]);
	});
});

describe('check 5: rejected RED', () => {
	const post = (body, options = {}) => alice.post('/red', { json: body, ...options });

	test('no outputs', async () => {
		const red = echoRed();
		delete red.outputs;
		assert400(await post(red), 'CC-Agency requires outputs to be defined in RED data.');
		const multi = batchesRed(['a', 'b']);
		delete multi.batches[1].outputs;
		assert400(
			await post(multi),
			'CC-Agency requires all batches to have outputs defined. At least one batch does not comply.',
		);
	});

	test('unresolved variables under access/auth', async () => {
		const red = redWithSecrets();
		red.inputs.data.connector.access.auth.password = '{{pw}}';
		assert400(
			await post(red),
			'The given red data contains the following variables: "pw". Please resolve them before submitting to agency. Consider using CC-FAICE (faice exec).',
		);
		red.outputs.result.connector.access.auth.username = '{{ user }}';
		assert.match(assert400(await post(red)), /variables: "pw, user"\./);
	});

	test('template markers or protected keys outside access/auth crash with 500 HTML', async () => {
		const red = echoRed();
		red.cli.doc = 'uses {{x}}';
		const res = await post(red);
		assert.equal(res.status, 500);
		assert.ok(res.text.includes('<title>500 Internal Server Error</title>'));
	});

	test('no container.settings.ram', async () => {
		const red = echoRed();
		delete red.container.settings.ram;
		assert400(await post(red), "CC-Agency requires 'ram' to be defined in the container settings.");
	});

	test('execution.settings.retryIfFailed is not RED 9', async () => {
		const red = echoRed({ execution: { retryIfFailed: true } });
		const message = assert400(await post(red));
		assert.ok(
			message.includes('Additional properties are not allowed (retryIfFailed was unexpected)'),
			message,
		);
		assert.ok(message.startsWith('400 Bad Request: Traceback (most recent call last):\n'));
	});

	test('{} and bodies that are not JSON', async () => {
		assert400(await post({}), 'Did not send RED data as JSON.');
		assert400(await post([]), 'Did not send RED data as JSON.');
		const understand =
			'The browser (or proxy) sent a request that this server could not understand.';
		assert400(
			await alice.post('/red', { body: 'not json', contentType: 'application/json' }),
			understand,
		);
		assert400(
			await alice.post('/red', { body: JSON.stringify(echoRed()), contentType: 'text/plain' }),
			understand,
		);
		assert400(await alice.post('/red'), understand);
	});

	test('ram below 256: the last line names the schema violation', async () => {
		const message = assert400(await post(echoRed({ ram: 100 })));
		assert.match(message.split('\n').at(-1), /100 is less than the minimum of 256/);
		assert.ok(!message.includes('"'), 'quote characters are removed from traceback bodies');
	});

	test('a wrong input type', async () => {
		const red = echoRed();
		red.inputs.msg = 5;
		const message = assert400(await post(red));
		assert.ok(message.startsWith('400 Bad Request: Given RED data is invalid.'));
		assert.equal(
			message,
			'400 Bad Request: Given RED data is invalid. Consider using the FAICE commandline tools for local validation.\nError while checking input key "msg":\nValue should have type "string", but found "value "5" of type "int"".',
		);
	});

	test('other RED 9 rules of §5', async () => {
		const prefix =
			'Given RED data is invalid. Consider using the FAICE commandline tools for local validation.\n';
		const extra = echoRed();
		extra.inputs.extra = 'x';
		assert400(
			await post(extra),
			`${prefix}Input key "extra" is used in job description, but is not given in cli description`,
		);

		const missing = echoRed();
		delete missing.inputs.msg;
		assert400(
			await post(missing),
			`${prefix}Error while checking input key "msg":\njob value is missing and not optional`,
		);

		const old = echoRed();
		old.redVersion = '8';
		const schemaMessage = assert400(await post(old));
		assert.ok(
			schemaMessage.startsWith(
				`400 Bad Request: ${prefix}RED-FILE does not comply with jsonschema:\n\tkey in red file: /\n\treason: {'redVersion': '8', `,
			),
		);
		assert.ok(schemaMessage.endsWith(' is not valid under any of the given schemas'));

		const glob = echoRed();
		glob.cli.outputs = { out: { type: 'File', outputBinding: { glob: '/etc/passwd' } } };
		glob.outputs = {
			out: {
				class: 'File',
				connector: { command: 'red-connector-http', access: { url: 'https://x' } },
			},
		};
		assert400(
			await post(glob),
			`${prefix}Glob of output key "out" starts with "/", which is illegal`,
		);

		const podman = echoRed();
		podman.container.engine = 'podman';
		assert.match(
			assert400(await post(podman))
				.split('\n')
				.at(-1),
			/^cc_core\.commons\.exceptions\.EngineError: container-engine podman not supported$/,
		);

		const nvidia = echoRed();
		nvidia.container.engine = 'nvidia-docker';
		assert.match(assert400(await post(nvidia)), /Use the docker engine instead\.$/);

		const faice = echoRed();
		faice.execution.engine = 'ccfaice';
		assert.match(assert400(await post(faice)), /execution-engine ccfaice not supported$/);

		const cloud = echoRed();
		cloud.cloud = { enable: true, mountProtocol: 'ssh', mountDir: '/cloud' };
		assert400(await post(cloud), 'CC-Cloud is not available.');
	});

	test('the schema message echoes the document; traceback bodies mask secrets', async () => {
		const red = redWithSecrets();
		red.container.settings.ram = 100;
		const message = assert400(await post(red));
		assert.ok(!message.includes('registry-secret'));

		const invalid = redWithSecrets();
		invalid.redVersion = '8';
		// Upstream behaviour the node must respect: never log raw 400 bodies of POST /red.
		assert.ok(assert400(await post(invalid)).includes('connector-secret'));
	});
});

describe('check 6: batches of an experiment', () => {
	test('a 3-item batches RED gives 3 summaries with indexes 0..2 and one registrationTime', async () => {
		const id = await submit(alice, batchesRed(['one', 'two', 'three']));
		const res = await alice.get(`/batches?experimentId=${id}&ascending=true`);
		assert.equal(res.status, 200);
		assertSortedJson(res);
		assert.equal(res.data.length, 3);
		for (const summary of res.data) {
			assert.deepEqual(Object.keys(summary), [
				'_id',
				'batchesListIndex',
				'experimentId',
				'history',
				'node',
				'registrationTime',
				'state',
				'username',
			]);
			assert.match(summary._id, OBJECT_ID);
			assert.equal(summary.experimentId, id);
			assert.equal(summary.username, 'alice');
			for (const entry of summary.history)
				assert.deepEqual(Object.keys(entry), ['node', 'state', 'time']);
		}
		assert.deepEqual(res.data.map((b) => b.batchesListIndex).sort(), [0, 1, 2]);
		assert.equal(new Set(res.data.map((b) => b.registrationTime)).size, 1);
		const experiment = (await alice.get(`/experiments/${id}`)).data;
		assert.equal(res.data[0].registrationTime, experiment.registrationTime);
	});

	test('?experimentId=nothex', async () => {
		assert400(
			await alice.get('/batches?experimentId=nothex'),
			'Experiment is not a valid BSON ObjectId.',
		);
		assert400(
			await alice.get('/batches/count?experimentId=nothex'),
			'Experiment is not a valid BSON ObjectId.',
		);
	});
});

describe('check 11: lists and counts', () => {
	before(async () => {
		await submit(alice, batchesRed(['l1', 'l2']));
		await submit(alice, echoRed({ message: 'l3' }));
	});

	test('counts', async () => {
		const processing = await alice.get('/batches/count?state=processing');
		assert.equal(processing.status, 200);
		assert.ok(Number.isInteger(processing.data.count));
		assert.equal(processing.text, `{"count":${processing.data.count}}\n`);
		assert.deepEqual((await alice.get('/batches/count?state=bogus')).data, { count: 0 });
		const all = await alice.get('/batches/count');
		assert.equal(all.data.count, (await alice.get('/batches')).data.length);
		assert.deepEqual((await alice.get('/experiments/count?username=nobody')).data, { count: 0 });
	});

	test('parameter validation', async () => {
		assert400(
			await alice.get('/batches?state=bogus'),
			"Given state is not valid. Must be one of ['registered', 'scheduled', 'processing', 'succeeded', 'failed', 'cancelled'].",
		);
		assert400(await alice.get('/batches?limit=0'), 'limit cannot be lower than 1.');
		assert400(await alice.get('/batches?skip=-1'), 'skip cannot be lower than 0.');
		assert400(await alice.get('/experiments?limit=0'), 'limit cannot be lower than 1.');
		// validation order: state, experimentId, skip, limit
		assert400(
			await alice.get('/batches?limit=0&state=bogus&experimentId=x'),
			"Given state is not valid. Must be one of ['registered', 'scheduled', 'processing', 'succeeded', 'failed', 'cancelled'].",
		);
		assert400(
			await alice.get('/batches?limit=0&experimentId=x'),
			'Experiment is not a valid BSON ObjectId.',
		);
		const everything = (await alice.get('/batches')).data.length;
		assert.equal(
			(await alice.get('/batches?limit=abc')).data.length,
			everything,
			'a non-integer limit is ignored',
		);
		assert.equal((await alice.get('/batches?skip=abc')).data.length, everything);
	});

	test('GET /experiments?limit=10 is newest first with three keys', async () => {
		const res = await alice.get('/experiments?limit=10');
		assert.equal(res.status, 200);
		assertSortedJson(res);
		assert.ok(res.data.length > 0 && res.data.length <= 10);
		for (const e of res.data)
			assert.deepEqual(Object.keys(e), ['_id', 'registrationTime', 'username']);
		const times = res.data.map((e) => e.registrationTime);
		assert.deepEqual(
			times,
			[...times].sort((a, b) => b - a),
		);
		const count = await alice.get('/experiments/count');
		assert.equal(count.status, 200);
		assert.equal(count.data.count, (await alice.get('/experiments')).data.length);
	});

	test('ascending, skip and limit page through the same order', async () => {
		const all = (await alice.get('/experiments?ascending=true')).data;
		const times = all.map((e) => e.registrationTime);
		assert.deepEqual(
			times,
			[...times].sort((a, b) => a - b),
		);
		const page = (await alice.get('/experiments?ascending=true&skip=1&limit=2')).data;
		assert.deepEqual(page, all.slice(1, 3));
		assert.deepEqual((await alice.get(`/experiments?skip=${all.length}`)).data, []);
	});

	test('filters: state, node, username', async () => {
		const id = await submit(alice, echoRed({ message: 'filter me' }));
		const [batch] = await batchesOf(alice, id);
		await waitForState(alice, batch._id, (b) => b.state === 'succeeded', 'success');
		const succeeded = (await alice.get('/batches?state=succeeded')).data;
		assert.ok(succeeded.some((b) => b._id === batch._id));
		assert.ok(succeeded.every((b) => b.state === 'succeeded'));
		assert.ok((await alice.get('/batches?node=node_a')).data.some((b) => b._id === batch._id));
		assert.deepEqual((await alice.get('/batches?node=node_b')).data, []);
		assert.ok((await alice.get('/batches?username=alice')).data.length > 0);
		assert.equal(
			(await alice.get(`/batches/count?experimentId=${id}&state=succeeded&node=node_a`)).data.count,
			1,
		);
	});
});

describe('check 12: by-id errors and ownership', () => {
	let adminExperiment;
	let adminBatch;
	let aliceExperiment;

	before(async () => {
		adminExperiment = await submit(admin, echoRed({ message: 'admin only' }));
		adminBatch = (await batchesOf(admin, adminExperiment))[0]._id;
		aliceExperiment = await submit(alice, echoRed({ message: 'alice only' }));
	});

	test('malformed and unknown ids', async () => {
		assert400(await alice.get('/batches/651e'), 'Not a valid BSON ObjectId.');
		assert400(await alice.get('/experiments/651e'), 'Not a valid BSON ObjectId.');
		assert400(await alice.delete('/batches/651e'), 'Not a valid BSON ObjectId.');
		const res = await alice.get('/batches/000000000000000000000000');
		assert.equal(res.status, 404);
		assert.equal(res.contentType, 'text/html; charset=utf-8');
		assert.ok(res.text.includes('<p>Could not find Object.</p>'));
		assert.equal((await alice.get('/experiments/000000000000000000000000')).status, 404);
	});

	test("alice gets 404 (not 403) for the admin's documents; the admin sees alice's", async () => {
		for (const res of [
			await alice.get(`/batches/${adminBatch}`),
			await alice.get(`/experiments/${adminExperiment}`),
			await alice.delete(`/batches/${adminBatch}`),
		]) {
			assert.equal(res.status, 404);
			assert.ok(res.text.includes('<p>Could not find Object.</p>'));
		}
		assert.equal((await alice.get(`/batches?experimentId=${adminExperiment}`)).data.length, 0);
		assert.equal((await admin.get(`/experiments/${aliceExperiment}`)).status, 200);
		assert.equal((await admin.get(`/batches?experimentId=${aliceExperiment}`)).data.length, 1);
		assert.ok((await admin.get('/experiments')).data.some((e) => e.username === 'alice'));
	});

	test('alice filtering on another username gets []', async () => {
		assert.deepEqual((await alice.get('/batches?username=admin')).data, []);
		assert.deepEqual((await alice.get('/experiments?username=admin')).data, []);
		assert.deepEqual((await alice.get('/batches/count?username=admin')).data, { count: 0 });
		assert.ok((await admin.get('/batches?username=alice')).data.length > 0);
	});

	test('ids are matched case-insensitively like bson ObjectIds', async () => {
		assert.equal((await alice.get(`/experiments/${aliceExperiment.toUpperCase()}`)).status, 200);
	});
});

describe('check 13: nodes', () => {
	test('GET /nodes lists the configured node', async () => {
		const res = await alice.get('/nodes');
		assert.equal(res.status, 200);
		assertSortedJson(res);
		assert.equal(res.data.length, 1);
		const [node] = res.data;
		assert.deepEqual(Object.keys(node), [
			'cpus',
			'currentBatches',
			'gpus',
			'history',
			'nodeName',
			'ram',
			'state',
		]);
		assert.equal(node.nodeName, 'node_a');
		assert.equal(node.ram, 24105);
		assert.equal(node.cpus, 2);
		assert.equal(node.gpus, null);
		assert.equal(node.state, 'online');
		assert.ok(Array.isArray(node.currentBatches));
		assert.deepEqual(Object.keys(node.history[0]), ['debugInfo', 'state', 'time']);
		assert.equal((await anonymous.get('/nodes')).status, 401);
	});

	test('no configured nodes gives []', async () => {
		const empty = await startCcAgencyEmulator({ nodes: [], stepMs: STEP_MS });
		try {
			const res = await createClient(empty.url, {
				authorization: basicAuth('alice', 'alice-password'),
			}).get('/nodes');
			assert.equal(res.status, 200);
			assert.equal(res.text, '[]\n');
		} finally {
			await empty.close();
		}
	});
});

describe('check 14: stored document hygiene', () => {
	let experimentId;
	let batchId;
	let secretsAtSubmit;

	before(async () => {
		experimentId = await submit(alice, redWithSecrets());
		secretsAtSubmit = (await anonymous.get('/__emulator/secrets')).data;
		batchId = (await batchesOf(alice, experimentId))[0]._id;
	});

	test('connector access values are UUID strings; File inputs are completed', async () => {
		const batch = (await alice.get(`/batches/${batchId}`)).data;
		const { data, archive } = batch.inputs;
		assert.match(data.connector.access, UUID);
		assert.match(archive.connector.access, UUID);
		assert.match(batch.outputs.result.connector.access, UUID);
		assert.notEqual(data.connector.access, archive.connector.access);

		assert.equal(data.basename, 'data');
		assert.match(data.dirname, /^\/cc\/inputs\/[0-9a-f-]{36}$/);
		assert.equal(data.nameroot, 'data');
		assert.equal(data.nameext, '');
		assert.equal(data.path, `${data.dirname}/data`);
		assert.equal(archive.basename, 'archive.tar.gz');
		assert.equal(archive.nameroot, 'archive.tar');
		assert.equal(archive.nameext, '.gz');
		assert.equal(archive.path, `${archive.dirname}/archive.tar.gz`);
	});

	test('_-prefixed keys are stored without the "_" (trustee key names)', async () => {
		const batch = (await alice.get(`/batches/${batchId}`)).data;
		const experiment = (await alice.get(`/experiments/${experimentId}`)).data;
		assert.deepEqual(secretsAtSubmit.keys[batch.inputs.archive.connector.access], [
			'host',
			'password',
			'path',
			'username',
		]);
		assert.deepEqual(secretsAtSubmit.keys[batch.inputs.data.connector.access], [
			'auth.password',
			'auth.username',
			'url',
		]);
		assert.deepEqual(secretsAtSubmit.keys[experiment.container.settings.image.auth], [
			'password',
			'username',
		]);
	});

	test('the experiment drops execution.settings.access and hides image auth', async () => {
		const experiment = (await alice.get(`/experiments/${experimentId}`)).data;
		assert.ok(!('access' in experiment.execution.settings));
		assert.match(experiment.container.settings.image.auth, UUID);
		assert.ok(!('inputs' in experiment) && !('outputs' in experiment));
	});

	test('no response ever contains a credential', async () => {
		const texts = [
			(await alice.get(`/batches/${batchId}`)).text,
			(await alice.get(`/experiments/${experimentId}`)).text,
			(await admin.get('/batches')).text,
			(await admin.get('/experiments')).text,
			JSON.stringify(secretsAtSubmit),
		];
		for (const text of texts) {
			for (const secret of [
				'connector-secret',
				'ssh-secret',
				'upload-secret',
				'registry-secret',
				'agency-secret',
				'ssh-user',
				'registry-user',
			]) {
				assert.ok(!text.includes(secret), `${secret} leaked`);
			}
		}
	});

	test('protectedKeysVoided becomes true after the terminal state and the trustee forgets', async () => {
		const batch = await waitForState(alice, batchId, isTerminal, 'a terminal state');
		assert.equal(batch.state, 'succeeded');
		const voided = await waitForState(
			alice,
			batchId,
			(b) => b.protectedKeysVoided && b.notificationsSent,
			'protectedKeysVoided',
		);
		assert.equal(voided.state, 'succeeded');
		const experiment = await pollUntil(
			async () => {
				const e = (await alice.get(`/experiments/${experimentId}`)).data;
				return e.protectedKeysVoided ? e : false;
			},
			{ description: 'experiment voided' },
		);
		const remaining = (await anonymous.get('/__emulator/secrets')).data.keys;
		for (const key of [
			voided.inputs.data.connector.access,
			voided.inputs.archive.connector.access,
			experiment.container.settings.image.auth,
		]) {
			assert.ok(!(key in remaining));
		}
	});
});

describe('check 15: formatting', () => {
	test('sorted compact JSON, float times, string ids', async () => {
		const id = await submit(alice, echoRed());
		const experiment = await alice.get(`/experiments/${id}`);
		assertSortedJson(experiment);
		assert.ok(!Number.isInteger(experiment.data.registrationTime));
		assert.match(experiment.text, /"registrationTime":\d+\.\d+/);
		const [summary] = await batchesOf(alice, id);
		const batch = await alice.get(`/batches/${summary._id}`);
		assertSortedJson(batch);
		assert.equal(typeof batch.data.experimentId, 'string');
		assert.equal(batch.data.experimentId, id);
		assert.ok(!Number.isInteger(batch.data.history[0].time));
	});

	test('a fresh batch document has the registration fields of §7.2', async () => {
		const id = await submit(alice, echoRed({ message: 'fresh' }));
		const [summary] = await batchesOf(alice, id);
		const batch = (await alice.get(`/batches/${summary._id}`)).data;
		if (batch.state === 'registered') {
			assert.deepEqual(Object.keys(batch), [
				'_id',
				'attempts',
				'batchesListIndex',
				'cliStderr',
				'cliStdout',
				'experimentId',
				'history',
				'inputs',
				'node',
				'notificationsSent',
				'outputs',
				'protectedKeysVoided',
				'registrationTime',
				'state',
				'usedSpecifiedStderr',
				'usedSpecifiedStdout',
				'username',
			]);
			assert.equal(batch.attempts, 0);
			assert.equal(batch.cliStdout, null);
			assert.deepEqual(batch.history, [
				{
					ccagent: null,
					debugInfo: null,
					node: null,
					state: 'registered',
					time: batch.registrationTime,
				},
			]);
		}
	});

	test('non-ASCII text is escaped like Flask (ensure_ascii)', async () => {
		const id = await submit(alice, echoRed({ message: 'grüße ✓' }));
		const [summary] = await batchesOf(alice, id);
		const res = await alice.get(`/batches/${summary._id}`);
		assert.ok(res.text.includes('"msg":"gr\\u00fc\\u00dfe \\u2713"'));
		assert.equal(res.data.inputs.msg, 'grüße ✓');
	});

	test('400 bodies are JSON strings; 401, 404, 405 and 500 bodies are HTML', async () => {
		assert400(await alice.get('/batches/zz'));
		assert.ok(
			(await anonymous.get('/version', { authorization: basicAuth('bob', 'x') })).text.startsWith(
				'<!doctype html>',
			),
		);
		assert.ok(
			(await alice.get('/batches/000000000000000000000000')).text.startsWith('<!doctype html>'),
		);
		assert.ok((await alice.request('PUT', '/batches')).text.startsWith('<!doctype html>'));
		const red = echoRed();
		red.cli.inputs.password = { type: 'string?', inputBinding: { position: 1 } };
		assert.ok((await alice.post('/red', { json: red })).text.startsWith('<!doctype html>'));
	});

	test('the public schema routes', async () => {
		const schema = await anonymous.get('/schema/red');
		assert.equal(schema.status, 200);
		assertSortedJson(schema);
		assert.ok(Array.isArray(schema.data.oneOf));
		const engines = await anonymous.get('/schema/engines/container');
		assert.equal(engines.status, 200);
		assert.deepEqual(Object.keys(engines.data), ['docker']);
		assert.deepEqual(engines.data.docker.definitions.ram, { minimum: 256, type: 'integer' });
	});
});
