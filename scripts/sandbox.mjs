// npm start: the package in a real n8n with the platform emulators, credentials and example
// workflows ready, at http://localhost:5678. Ctrl-C stops everything; state (n8n's database,
// the emulators' data) persists in .sandbox/ until `npm start -- --reset`.
// Ports can be moved with SANDBOX_N8N_PORT, SANDBOX_CC_AGENCY_PORT, SANDBOX_ALYX_PORT and
// SANDBOX_AGORA_PORT. The work is done by scripts/lib/sandbox-env.mjs (also used by the tests).
import { join } from 'node:path';
import { repoRoot } from './lib/paths.mjs';
import { DEFAULT_PORTS, sandboxBanner, startSandbox } from './lib/sandbox-env.mjs';

const ports = {
	n8n: Number(process.env.SANDBOX_N8N_PORT ?? DEFAULT_PORTS.n8n),
	ccAgency: Number(process.env.SANDBOX_CC_AGENCY_PORT ?? DEFAULT_PORTS.ccAgency),
	alyx: Number(process.env.SANDBOX_ALYX_PORT ?? DEFAULT_PORTS.alyx),
	agora: Number(process.env.SANDBOX_AGORA_PORT ?? DEFAULT_PORTS.agora),
};
const log = (message) => console.log(`[sandbox] ${message}`);
const startedAt = Date.now();

let sandbox = null;
let stopping = false;
async function stopAll(code = 0) {
	if (stopping) return;
	stopping = true;
	log('stopping...');
	await sandbox?.stop();
	process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

try {
	const reset = process.argv.includes('--reset');
	sandbox = await startSandbox({ stateDir: join(repoRoot, '.sandbox'), ports, log, stepMs: 1000, reset });
	console.log(sandboxBanner(sandbox));
	log(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
} catch (error) {
	console.error(`[sandbox] failed: ${error.stack ?? error}`);
	stopping = false;
	await stopAll(1);
}
