// npm start: the package in a real n8n with the platform emulators, credentials and example
// workflows ready, at http://localhost:5678. Ctrl-C stops everything; state (n8n's database,
// the emulators' data) persists in .sandbox/ until `npm start -- --reset`.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/paths.mjs';
import { ensureN8n } from './lib/n8n-install.mjs';
import { buildAndPack } from './lib/pack.mjs';
import { createN8nInstance } from './lib/n8n-instance.mjs';
import { startCcAgencyEmulator } from '../emulators/cc-agency/server.mjs';

const SANDBOX = join(repoRoot, '.sandbox');
const N8N_PORT = Number(process.env.SANDBOX_N8N_PORT ?? 5678);
const PORTS = { ccAgency: Number(process.env.SANDBOX_CC_AGENCY_PORT ?? 5701) };
const OWNER = { email: 'lab@example.com', password: 'Sandbox-Pa55word', firstName: 'Lab', lastName: 'Admin' };

if (process.argv.includes('--reset')) {
	rmSync(SANDBOX, { recursive: true, force: true });
	console.log('Sandbox state removed.');
}
mkdirSync(join(SANDBOX, 'emulators'), { recursive: true });

const log = (message) => console.log(`[sandbox] ${message}`);
const stops = [];
let stopping = false;
async function stopAll(code = 0) {
	if (stopping) return;
	stopping = true;
	log('stopping...');
	for (const stop of stops.reverse()) await stop().catch(() => {});
	process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

try {
	ensureN8n();
	log('building and packing the package...');
	const { tarball } = buildAndPack();

	const cc = await startCcAgencyEmulator({
		port: PORTS.ccAgency,
		seed: 'demo',
		dataFile: join(SANDBOX, 'emulators', 'cc-agency.json'),
		stepMs: 1000,
	});
	stops.push(() => cc.close());

	const n8n = await createN8nInstance({ userFolder: join(SANDBOX, 'n8n'), port: N8N_PORT, log: (m) => log(m) });
	n8n.installPackageTarball(tarball);

	const marker = join(SANDBOX, 'n8n', '.examples-imported');
	if (!existsSync(marker)) {
		log('importing credentials and example workflows...');
		await n8n.importCredentials([
			{
				id: 'ccAgencyLocal',
				name: 'CC-Agency (local emulator)',
				type: 'ccAgencyApi',
				data: { baseUrl: cc.url, username: 'alice', password: 'alice-password', authentication: 'basic', ignoreSslIssues: false },
			},
		]);
		const dir = join(repoRoot, 'examples');
		const workflows = readdirSync(dir)
			.filter((f) => f.endsWith('.json'))
			.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
		await n8n.importWorkflows(workflows);
		writeFileSync(marker, new Date().toISOString());
	}

	await n8n.start();
	stops.push(() => n8n.stop());
	await n8n.setupOwner(OWNER);

	console.log(`
  n8n with n8n-nodes-research-data is running:

    n8n         http://localhost:${N8N_PORT}
    login       ${OWNER.email} / ${OWNER.password}

    CC-Agency   ${cc.url}  (emulator; users alice/alice-password, admin/admin-password)

  Credentials for the emulators and the example workflows are imported.
  State persists in .sandbox/ (npm start -- --reset starts afresh). Press Ctrl-C to stop.
`);
} catch (error) {
	console.error(`[sandbox] failed: ${error.stack ?? error}`);
	await stopAll(1);
}
