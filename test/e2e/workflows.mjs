// Builders for the workflows the end-to-end tests import into a real n8n.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { n8nBin } from '../../scripts/lib/n8n-install.mjs';
import { repoRoot } from '../../scripts/lib/paths.mjs';

/**
 * The `skip` value of an e2e suite: false when the selected n8n is installed, else why not.
 * With E2E_REQUIRE_N8N set (as `npm run test:e2e` does) a missing n8n is an error instead.
 */
export function skipWithoutN8n() {
	if (existsSync(n8nBin())) return false;
	if (process.env.E2E_REQUIRE_N8N) throw new Error('n8n is not installed: run `npm run test:e2e` (it installs n8n on first use)');
	return 'n8n is not installed (npm run test:e2e installs it)';
}

export const PACKAGE = 'n8n-nodes-research-data';

/** A Manual Trigger followed by `steps` in a chain; each step is {name, type, parameters, ...}. */
export function chain(id, name, steps) {
	const nodes = [
		{ id: `${id}-0`, name: 'Run', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		...steps.map((step, i) => ({ id: `${id}-${i + 1}`, typeVersion: 1, position: [220 * (i + 1), 0], ...step })),
	];
	const connections = {};
	for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

/** A node of this package. */
export function our(nodeName, name, parameters, credentials, extra = {}) {
	return { name, type: `${PACKAGE}.${nodeName}`, parameters, credentials, ...extra };
}

/** A Code node that outputs the given items (to feed several items into a node). */
export function items(name, jsonItems) {
	return {
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: { jsCode: `return ${JSON.stringify(jsonItems.map((json) => ({ json })))};` },
	};
}

export function loadExamples(prefix) {
	const dir = join(repoRoot, 'examples');
	return readdirSync(dir)
		.filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
		.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

/** Output items of a node in a run (first run, first output). */
export function outputOf(result, nodeName) {
	const task = result.runData?.[nodeName]?.[0];
	return (task?.data?.main?.[0] ?? []).map((item) => item.json);
}
