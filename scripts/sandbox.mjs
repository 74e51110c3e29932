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
import { startAlyxEmulator } from '../emulators/alyx/server.mjs';
import { startAgoraEmulator } from '../emulators/agora/server.mjs';

const SANDBOX = join(repoRoot, '.sandbox');
const N8N_PORT = Number(process.env.SANDBOX_N8N_PORT ?? 5678);
const PORTS = {
	ccAgency: Number(process.env.SANDBOX_CC_AGENCY_PORT ?? 5701),
	alyx: Number(process.env.SANDBOX_ALYX_PORT ?? 5702),
	agora: Number(process.env.SANDBOX_AGORA_PORT ?? 5703),
};
// The Agora emulator's demo key for alice (emulators/agora/README.md).
const AGORA_ALICE_KEY = 'a11ce000-5e1f-4c0d-9e57-000000000001';
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
	const alyx = await startAlyxEmulator({ port: PORTS.alyx, seed: 'demo', dataFile: join(SANDBOX, 'emulators', 'alyx.json') });
	stops.push(() => alyx.close());
	const agora = await startAgoraEmulator({ port: PORTS.agora, seed: 'demo', dataDir: join(SANDBOX, 'emulators', 'agora'), stepMs: 1000 });
	stops.push(() => agora.close());

	const n8n = await createN8nInstance({ userFolder: join(SANDBOX, 'n8n'), port: N8N_PORT, log: (m) => log(m) });
	n8n.installPackageTarball(tarball);

	// What was imported before is remembered, so a newer checkout adds its new examples and
	// credentials without overwriting workflows the user has edited.
	const markerPath = join(SANDBOX, 'n8n', '.imported.json');
	const imported = existsSync(markerPath) ? JSON.parse(readFileSync(markerPath, 'utf8')) : { credentials: [], examples: [] };
	const credentials = [
		{
			id: 'ccAgencyLocal',
			name: 'CC-Agency (local emulator)',
			type: 'ccAgencyApi',
			data: { baseUrl: cc.url, username: 'alice', password: 'alice-password', authentication: 'basic', ignoreSslIssues: false },
		},
		{
			id: 'alyxLocal',
			name: 'Alyx (local emulator)',
			type: 'alyxApi',
			data: { baseUrl: alyx.url, username: 'alice', password: 'alice-password', ignoreSslIssues: false },
		},
		{
			id: 'agoraLocal',
			name: 'Agora (local emulator)',
			type: 'agoraApi',
			data: { baseUrl: agora.url, authentication: 'apiKey', apiKey: AGORA_ALICE_KEY, headerStyle: 'token', routeSet: 'documented', ignoreSslIssues: false },
		},
	].filter((c) => !imported.credentials.includes(c.id));
	const dir = join(repoRoot, 'examples');
	const examples = readdirSync(dir).filter((f) => f.endsWith('.json') && !imported.examples.includes(f));
	if (credentials.length) {
		log(`importing credentials: ${credentials.map((c) => c.name).join(', ')}`);
		await n8n.importCredentials(credentials);
	}
	if (examples.length) {
		log(`importing example workflows: ${examples.join(', ')}`);
		await n8n.importWorkflows(examples.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))));
	}
	writeFileSync(
		markerPath,
		JSON.stringify({ credentials: [...imported.credentials, ...credentials.map((c) => c.id)], examples: [...imported.examples, ...examples] }, null, 2),
	);

	await n8n.start();
	stops.push(() => n8n.stop());
	await n8n.setupOwner(OWNER);

	console.log(`
  n8n with n8n-nodes-research-data is running:

    n8n         http://localhost:${N8N_PORT}
    login       ${OWNER.email} / ${OWNER.password}

    CC-Agency   ${cc.url}  (emulator; users alice/alice-password, admin/admin-password)
    Alyx        ${alyx.url}  (emulator; users alice/alice-password, admin/admin-password, public/public-password)
    Agora       ${agora.url}  (emulator; alice/alice-password, API key ${AGORA_ALICE_KEY})

  Credentials for the emulators and the example workflows are imported.
  State persists in .sandbox/ (npm start -- --reset starts afresh). Press Ctrl-C to stop.
`);
} catch (error) {
	console.error(`[sandbox] failed: ${error.stack ?? error}`);
	await stopAll(1);
}
