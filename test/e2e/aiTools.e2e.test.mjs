// AI tools end to end: what a real n8n 2.8.4 offers AI agents once the packed package is
// installed. n8n generates a `<package>.<node>Tool` variant of every node with
// `usableAsTool: true` (dist/tool-generation/ai-tools.js): an ai_tool output instead of main,
// a "Tool Description" choice (automatic from resource and operation, or manual) and the node's
// own parameters. One `n8n export:nodes` call (≈3 s) lists every node type n8n loaded.
//
// Skips when n8n is not installed, unless E2E_REQUIRE_N8N is set (then it fails).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_N8N_VERSION } from '../../scripts/lib/n8n-install.mjs';
import { createN8nInstance, isN8nInstalled } from '../../scripts/lib/n8n-instance.mjs';
import { buildAndPack } from '../../scripts/lib/pack.mjs';

const PKG = 'n8n-nodes-research-data';
const ACTION_NODES = ['agora', 'alyx', 'ccAgency'];
const TRIGGER_NODES = ['agoraTrigger', 'alyxTrigger', 'ccAgencyTrigger'];
const version = process.env.E2E_N8N_VERSION || DEFAULT_N8N_VERSION;
const installed = isN8nInstalled(version);
const required = Boolean(process.env.E2E_REQUIRE_N8N);
const notInstalled = `n8n ${version} is not installed (run \`node scripts/lib/n8n-install.mjs ${version}\`)`;
const skip = !installed && !required ? `${notInstalled}; set E2E_REQUIRE_N8N=1 to make this a failure` : false;

const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';
const optionValues = (property) => (property?.options ?? []).map((o) => o.value).sort();

if (required && !installed) {
	test('AI tools in a real n8n', () => {
		assert.fail(`E2E_REQUIRE_N8N is set but ${notInstalled}`);
	});
} else {
	describe('AI tools in a real n8n', { skip, timeout: 300000 }, () => {
		let tmp;
		/** Node type descriptions by name, as the real n8n loaded them. */
		const types = new Map();

		before(async () => {
			const { tarball } = buildAndPack();
			tmp = await mkdtemp(join(tmpdir(), 'n8n-e2e-ai-tools-'));
			const n8n = await createN8nInstance({
				userFolder: join(tmp, 'user'),
				version,
				log: (m) => process.env.E2E_VERBOSE && console.error(`[n8n] ${m}`),
			});
			assert.equal(n8n.installPackageTarball(tarball).name, PKG);
			for (const type of await n8n.exportNodes()) {
				// export:nodes lists each version of a versioned node; ours have one.
				if (!types.has(type.name)) types.set(type.name, type);
			}
		});

		after(async () => {
			if (tmp && !process.env.E2E_KEEP) await rm(tmp, { recursive: true, force: true });
		});

		test('n8n loaded every node of the package', () => {
			for (const name of [...ACTION_NODES, ...TRIGGER_NODES]) assert.ok(types.has(`${PKG}.${name}`), `${PKG}.${name} is loaded`);
		});

		test('each action node has a Tool variant, and nothing else of the package does', () => {
			const tools = [...types.keys()].filter((name) => name.startsWith(`${PKG}.`) && name.endsWith('Tool')).sort();
			assert.deepEqual(tools, ACTION_NODES.map((name) => `${PKG}.${name}Tool`).sort());
			for (const name of TRIGGER_NODES) assert.ok(!types.has(`${PKG}.${name}Tool`), `${name} has no Tool variant`);
		});

		for (const name of ACTION_NODES) {
			test(`${name}Tool is an AI tool with a tool description and the node's resources and operations`, () => {
				const node = types.get(`${PKG}.${name}`);
				const tool = types.get(`${PKG}.${name}Tool`);
				assert.ok(node && tool, `${name} and ${name}Tool are loaded`);
				assert.equal(node.usableAsTool, true);
				assert.deepEqual(tool.outputs, ['ai_tool']);
				assert.deepEqual(tool.inputs, []);
				assert.equal(tool.displayName, `${node.displayName} Tool`);
				assert.deepEqual(tool.credentials, node.credentials, 'the tool uses the same credential');

				// What the agent is told about the tool: set automatically from resource and operation,
				// or a manual text that defaults to the node's description.
				const byName = (n) => tool.properties.filter((p) => p.name === n);
				const [descriptionType] = byName('descriptionType');
				assert.deepEqual(optionValues(descriptionType), ['auto', 'manual']);
				assert.equal(descriptionType.default, 'auto');
				const [toolDescription] = byName('toolDescription');
				assert.equal(toolDescription.type, 'string');
				assert.equal(toolDescription.default, node.description);
				assert.ok(toolDescription.default.length >= 25, 'a real description, not a placeholder');

				// The resource / operation parameters the agent chooses from, unchanged.
				const [resource] = byName('resource');
				assert.equal(resource.type, 'options');
				assert.deepEqual(optionValues(resource), optionValues(node.properties.find((p) => p.name === 'resource')));
				assert.ok(resource.options.length >= 3, 'several resources');
				const operations = byName('operation');
				// n8n adds a "Custom API Call" resource and operation (its own, without an action) to nodes
				// whose credential the HTTP Request node can use (here Alyx's).
				const own = (option) => option.value !== CUSTOM_API_CALL;
				const ownResources = resource.options.filter(own);
				assert.equal(operations.length, ownResources.length, 'one Operation selector per resource');
				const nodeOperations = node.properties.filter((p) => p.name === 'operation');
				assert.deepEqual(operations, nodeOperations);
				for (const selector of operations) {
					for (const option of selector.options.filter(own)) {
						assert.ok(option.action, `${selector.displayOptions.show.resource} › ${option.value} has an action`);
						// How good the text is, is test/unit/aiReadability.test.ts's job; here: it arrives.
						assert.ok(option.description?.length > 0, `${selector.displayOptions.show.resource} › ${option.value} is described`);
					}
				}
				// Every other parameter of the node is there too, for the agent to fill.
				const toolNames = new Set(tool.properties.map((p) => p.name));
				for (const property of node.properties) assert.ok(toolNames.has(property.name), `${property.name} is a tool parameter`);
			});
		}
	});
}
