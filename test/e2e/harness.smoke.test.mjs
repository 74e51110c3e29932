// Smoke test of scripts/lib/n8n-instance.mjs against a real n8n 2.8.4.
// It deliberately does not use this repository's package: it builds a throw-away community
// package (one action node usable as a tool, one polling trigger) at test time, packs it, and
// drives n8n through the harness: install → export:nodes → import → execute / executeMany →
// publish → start → first poll → owner setup → stop.
//
// Skips when n8n is not installed, unless E2E_REQUIRE_N8N is set (then it fails).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_N8N_VERSION } from '../../scripts/lib/n8n-install.mjs';
import { createN8nInstance, isN8nInstalled, outputOf } from '../../scripts/lib/n8n-instance.mjs';
import { runCommand } from '../../scripts/lib/process.mjs';

const PKG = 'n8n-nodes-harness-smoke';
const version = process.env.E2E_N8N_VERSION || DEFAULT_N8N_VERSION;
const installed = isN8nInstalled(version);
const required = Boolean(process.env.E2E_REQUIRE_N8N);
const notInstalled = `n8n ${version} is not installed (run \`node scripts/lib/n8n-install.mjs ${version}\`)`;
const skip = !installed && !required ? `${notInstalled}; set E2E_REQUIRE_N8N=1 to make this a failure` : false;

const ECHO_NODE = `'use strict';
const { NodeOperationError } = require('n8n-workflow');
class Echo {
	constructor() {
		this.description = {
			displayName: 'Echo', name: 'echo', group: ['transform'], version: 1,
			description: 'Outputs its parameter', defaults: { name: 'Echo' },
			inputs: ['main'], outputs: ['main'], usableAsTool: true,
			properties: [
				{ displayName: 'Message', name: 'message', type: 'string', default: '' },
				{ displayName: 'Fail', name: 'fail', type: 'boolean', default: false },
				{ displayName: 'Ignore Continue On Fail', name: 'ignoreContinueOnFail', type: 'boolean', default: false },
			],
		};
	}
	async execute() {
		const items = this.getInputData();
		const out = [];
		for (let i = 0; i < items.length; i++) {
			try {
				if (this.getNodeParameter('fail', i)) {
					throw new NodeOperationError(this.getNode(), 'Echo was asked to fail', { itemIndex: i });
				}
				out.push({ json: { message: this.getNodeParameter('message', i) }, pairedItem: { item: i } });
			} catch (error) {
				// The n8n convention: with "Continue On Fail" the node emits an error item itself.
				if (this.continueOnFail() && !this.getNodeParameter('ignoreContinueOnFail', i)) {
					out.push({ json: { error: error.message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [out];
	}
}
module.exports = { Echo };
`;

const TICK_NODE = `'use strict';
class TickTrigger {
	constructor() {
		this.description = {
			displayName: 'Tick Trigger', name: 'tickTrigger', group: ['trigger'], version: 1,
			description: 'Emits one item per poll', defaults: { name: 'Tick Trigger' },
			polling: true, inputs: [], outputs: ['main'], properties: [],
		};
	}
	async poll() {
		const data = this.getWorkflowStaticData('node');
		data.count = (data.count || 0) + 1;
		return [[{ json: { tick: data.count, mode: this.getMode(), activation: this.getActivationMode() } }]];
	}
}
module.exports = { TickTrigger };
`;

async function buildPackage(dir) {
	const src = join(dir, 'pkg');
	await mkdir(join(src, 'dist/nodes/Echo'), { recursive: true });
	await mkdir(join(src, 'dist/nodes/Tick'), { recursive: true });
	await writeFile(
		join(src, 'package.json'),
		JSON.stringify(
			{
				name: PKG,
				version: '0.0.1',
				license: 'MIT',
				keywords: ['n8n-community-node-package'],
				files: ['dist'],
				n8n: {
					n8nNodesApiVersion: 1,
					credentials: [],
					nodes: ['dist/nodes/Echo/Echo.node.js', 'dist/nodes/Tick/TickTrigger.node.js'],
				},
				// Must be stripped on install, as n8n does.
				devDependencies: { typescript: '5.8.3' },
				peerDependencies: { 'n8n-workflow': '*' },
			},
			null,
			2,
		),
	);
	await writeFile(join(src, 'dist/nodes/Echo/Echo.node.js'), ECHO_NODE);
	await writeFile(join(src, 'dist/nodes/Tick/TickTrigger.node.js'), TICK_NODE);
	const r = await runCommand('npm', ['pack', '--silent', `--pack-destination=${dir}`], { cwd: src, timeoutMs: 60000 });
	assert.equal(r.code, 0, `npm pack failed: ${r.stdout}${r.stderr}`);
	return join(dir, r.stdout.trim().split('\n').pop());
}

const manual = (id, echoParameters, echoExtra = {}) => ({
	id,
	name: `Smoke ${id}`,
	active: false,
	settings: {},
	nodes: [
		{ id: `${id}-a`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: `${id}-b`, name: 'Echo', type: `${PKG}.echo`, typeVersion: 1, position: [200, 0], parameters: echoParameters, ...echoExtra },
	],
	connections: { Start: { main: [[{ node: 'Echo', type: 'main', index: 0 }]] } },
});

if (required && !installed) {
	test('n8n harness smoke', () => {
		assert.fail(`E2E_REQUIRE_N8N is set but ${notInstalled}`);
	});
} else {
	describe('n8n harness smoke', { skip, timeout: 300000 }, () => {
		let tmp;
		let n8n;
		const timings = {};
		const timed = async (label, fn) => {
			const t0 = Date.now();
			try {
				return await fn();
			} finally {
				timings[label] = Date.now() - t0;
			}
		};

		before(async () => {
			tmp = await mkdtemp(join(tmpdir(), 'n8n-harness-smoke-'));
			const tgz = await buildPackage(tmp);
			n8n = await createN8nInstance({
				userFolder: join(tmp, 'user'),
				version,
				log: (m) => process.env.E2E_VERBOSE && console.error(`[n8n] ${m}`),
			});
			const installedPkg = await n8n.installPackageTarball(tgz);
			assert.equal(installedPkg.name, PKG);
		});

		after(async () => {
			// Always: a failed assertion must not leave n8n running.
			await n8n?.stop();
			if (tmp && !process.env.E2E_KEEP) await rm(tmp, { recursive: true, force: true });
			console.error(`harness smoke timings (ms): ${JSON.stringify(timings)}`);
		});

		test('export:nodes lists the package nodes and the generated Tool variant', async () => {
			const names = (await timed('exportNodes', () => n8n.exportNodes())).map((n) => n.name);
			assert.ok(names.includes(`${PKG}.echo`), 'echo node loaded');
			assert.ok(names.includes(`${PKG}.tickTrigger`), 'trigger node loaded');
			assert.ok(names.includes(`${PKG}.echoTool`), 'usableAsTool produces echoTool');
			assert.ok(!names.includes(`${PKG}.tickTriggerTool`), 'triggers get no Tool variant');
		});

		test('imports credentials (encrypted at rest)', async () => {
			await n8n.importCredentials([
				{ id: 'smokecred1', name: 'Smoke Header', type: 'httpHeaderAuth', data: { name: 'X-Test', value: 'plain-secret' } },
			]);
			const rows = await n8n.query('SELECT id, type, data FROM credentials_entity WHERE id = ?', ['smokecred1']);
			assert.equal(rows.length, 1);
			assert.equal(rows[0].type, 'httpHeaderAuth');
			assert.ok(!rows[0].data.includes('plain-secret'), 'stored encrypted');
		});

		test('executes Manual Trigger → Echo', async () => {
			await timed('importWorkflows', () =>
				n8n.importWorkflows([
					manual('smoke1echo', { message: 'hello' }),
					manual('smoke2fail', { message: 'x', fail: true }),
					manual('smoke3cof', { message: 'x', fail: true }, { onError: 'continueRegularOutput' }),
					manual('smoke5throw', { message: 'x', fail: true, ignoreContinueOnFail: true }, { onError: 'continueRegularOutput' }),
				]),
			);
			const result = await timed('execute', () => n8n.execute('smoke1echo'));
			assert.equal(result.status, 'success');
			assert.deepEqual(outputOf(result, 'Echo'), [{ message: 'hello' }]);
		});

		test('executeMany reports node errors and Continue On Fail items', async () => {
			const ids = ['smoke1echo', 'smoke2fail', 'smoke3cof', 'smoke5throw'];
			const results = await timed(`executeMany(${ids.length})`, () => n8n.executeMany(ids));
			assert.deepEqual(Object.keys(results), ids);
			assert.equal(results.smoke1echo.status, 'success');
			assert.deepEqual(outputOf(results.smoke1echo, 'Echo'), [{ message: 'hello' }]);

			assert.equal(results.smoke2fail.status, 'error');
			assert.equal(results.smoke2fail.error.message, 'Echo was asked to fail');
			assert.equal(results.smoke2fail.error.node.name, 'Echo');
			assert.equal(results.smoke2fail.runData.Echo[0].executionStatus, 'error');

			assert.equal(results.smoke3cof.status, 'success');
			assert.deepEqual(outputOf(results.smoke3cof, 'Echo'), [{ error: 'Echo was asked to fail' }]);

			// A node that throws although "Continue On Fail" is set: n8n 2.8.4 marks the task as failed,
			// passes the input items through, and — because it was the last node — fails the run.
			assert.equal(results.smoke5throw.runData.Echo[0].executionStatus, 'error');
			assert.equal(results.smoke5throw.runData.Echo[0].error.message, 'Echo was asked to fail');
			assert.deepEqual(outputOf(results.smoke5throw, 'Echo'), [{}]);
			assert.equal(results.smoke5throw.status, 'error');

			// execute() returns (does not throw) a run whose node failed.
			const single = await timed('execute(error)', () => n8n.execute('smoke2fail'));
			assert.equal(single.status, 'error');
			assert.equal(single.exitCode, 1);
			assert.equal(single.error.message, 'Echo was asked to fail');
		});

		test('polling trigger: publish, start, first poll, owner setup, stop', async () => {
			await n8n.importWorkflows([
				{
					id: 'smoke4tick',
					name: 'Smoke Tick',
					active: false,
					settings: {},
					nodes: [
						{
							id: 't1',
							name: 'Tick Trigger',
							type: `${PKG}.tickTrigger`,
							typeVersion: 1,
							position: [0, 0],
							parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] } },
						},
						{
							id: 't2',
							name: 'Echo',
							type: `${PKG}.echo`,
							typeVersion: 1,
							position: [200, 0],
							parameters: { message: '={{ "tick " + $json.tick }}' },
						},
					],
					connections: { 'Tick Trigger': { main: [[{ node: 'Echo', type: 'main', index: 0 }]] } },
				},
			]);
			await timed('publish', () => n8n.publish('smoke4tick'));
			const t0 = Date.now();
			await timed('start', () => n8n.start());
			const [first] = await n8n.waitForExecutions('smoke4tick', 1, { timeoutMs: 60000 });
			timings['spawn→first poll execution'] = Date.now() - t0;
			assert.equal(first.status, 'success');
			assert.equal(first.mode, 'trigger');
			const [tick] = outputOf(first, 'Tick Trigger');
			assert.equal(tick.tick, 1);
			assert.equal(tick.mode, 'trigger');
			assert.equal(tick.activation, 'init');
			assert.deepEqual(outputOf(first, 'Echo'), [{ message: 'tick 1' }]);

			const owner = { email: 'smoke@example.com', password: 'Smoke1234', firstName: 'Smoke', lastName: 'Test' };
			assert.equal((await n8n.setupOwner(owner)).created, true);
			assert.equal((await n8n.setupOwner(owner)).created, false, 'idempotent');
			const login = await fetch(`${n8n.baseUrl}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
			});
			assert.equal(login.status, 200);
			assert.match(login.headers.get('set-cookie') ?? '', /n8n-auth=/);

			await timed('stop', () => n8n.stop());
			assert.equal(n8n.running, false);
		});
	});
}
