// The credential "Test" button of the three credentials, in a real n8n: the same REST call the
// editor makes when a user saves a credential (POST /rest/credentials/test), against the
// emulators. Right credentials pass; each common mistake fails with a message that says what to
// change. For Agora also the route sets: Automatic passes on a server without the documented
// routes, Documented fails there. The messages are n8n's own for the HTTP status (n8n drops the
// response before a credential's responseCode rules could word them; see AgoraApi.credentials.ts),
// so the README's troubleshooting says what each means.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndPack } from '../../scripts/lib/pack.mjs';
import { getFreePort } from '../../scripts/lib/free-port.mjs';
import { createN8nInstance } from '../../scripts/lib/n8n-instance.mjs';
import { emulatorCredentials } from '../../scripts/lib/emulator-credentials.mjs';
import { startAgoraEmulator } from '../../emulators/agora/server.mjs';
import { startAlyxEmulator } from '../../emulators/alyx/server.mjs';
import { startCcAgencyEmulator } from '../../emulators/cc-agency/server.mjs';
import { skipWithoutN8n } from './workflows.mjs';

const skip = skipWithoutN8n();

const OWNER = { email: 'owner@lab.example', password: 'Credential-test-1', firstName: 'Lab', lastName: 'Owner' };

describe('Credential tests in a real n8n', { skip, timeout: 8 * 60 * 1000 }, () => {
	const servers = {};
	const credentials = new Map();
	let n8n;
	let userFolder;
	let cookie;

	/** A credential like the sandbox's, with some fields changed. */
	function variant(id, type, url, change = {}) {
		const base = emulatorCredentials({ agora: url, alyx: url, ccAgency: url }).find((c) => c.type === type);
		credentials.set(id, { id, name: id, type, data: { ...base.data, baseUrl: url, ...change } });
	}

	/** What the editor's Test button gets: {status: 'OK' | 'Error', message}. */
	async function testCredential(id) {
		const response = await fetch(`${n8n.baseUrl}/rest/credentials/test`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie },
			body: JSON.stringify({ credentials: credentials.get(id) }),
			signal: AbortSignal.timeout(60000),
		});
		const text = await response.text();
		assert.equal(response.status, 200, text);
		return JSON.parse(text).data;
	}

	before(async () => {
		servers.agora = await startAgoraEmulator({ seed: 'demo' });
		servers.legacy = await startAgoraEmulator({ seed: 'demo', documentedRoutes: false });
		servers.strict = await startAgoraEmulator({ seed: 'demo', apiKeySchemes: ['x-agora-api-key'] });
		servers.alyx = await startAlyxEmulator({ port: 0, seed: 'demo' });
		servers.cc = await startCcAgencyEmulator({ port: 0, seed: 'demo' });
		const nowhere = 'http://127.0.0.1:9';

		variant('agoraAuto', 'agoraApi', servers.agora.url);
		variant('agoraAutoLegacy', 'agoraApi', servers.legacy.url);
		variant('agoraDocumentedLegacy', 'agoraApi', servers.legacy.url, { routeSet: 'documented' });
		variant('agoraConnectorLegacy', 'agoraApi', servers.legacy.url, { routeSet: 'connector', headerStyle: 'xAgoraApiKey' });
		variant('agoraWrongKey', 'agoraApi', servers.agora.url, { apiKey: '00000000-0000-0000-0000-000000000000' });
		variant('agoraOtherHeaderStyle', 'agoraApi', servers.strict.url);
		variant('agoraPassword', 'agoraApi', servers.agora.url, { authentication: 'password', username: 'alice', password: 'alice-password', apiKey: '' });
		variant('agoraWrongPassword', 'agoraApi', servers.agora.url, { authentication: 'password', username: 'alice', password: 'not-it', apiKey: '' });
		variant('agoraNotAgora', 'agoraApi', servers.alyx.url);
		variant('agoraNowhere', 'agoraApi', nowhere);
		variant('alyx', 'alyxApi', servers.alyx.url);
		variant('alyxWrongPassword', 'alyxApi', servers.alyx.url, { password: 'not-it' });
		variant('alyxNowhere', 'alyxApi', nowhere);
		variant('cc', 'ccAgencyApi', servers.cc.url);
		variant('ccWrongPassword', 'ccAgencyApi', servers.cc.url, { password: 'not-it' });
		variant('ccNowhere', 'ccAgencyApi', nowhere);

		const { tarball } = buildAndPack();
		userFolder = mkdtempSync(join(tmpdir(), 'n8n-e2e-credentials-'));
		n8n = await createN8nInstance({ userFolder, port: await getFreePort() });
		n8n.installPackageTarball(tarball);
		await n8n.importCredentials([...credentials.values()]);
		await n8n.start();
		await n8n.setupOwner(OWNER);
		const login = await fetch(`${n8n.baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
		});
		assert.equal(login.status, 200, await login.text());
		cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
	});

	after(async () => {
		await n8n?.stop();
		for (const server of Object.values(servers)) await server?.close();
		if (userFolder) rmSync(userFolder, { recursive: true, force: true });
	});

	const passes = async (id) => assert.deepEqual(await testCredential(id), { status: 'OK', message: 'Connection successful!' }, id);
	const failsWith = async (id, pattern) => {
		const result = await testCredential(id);
		assert.equal(result.status, 'Error', `${id}: ${JSON.stringify(result)}`);
		console.log(`${id}: ${result.message}`);
		assert.match(result.message, pattern, id);
		for (const secret of ['alice-password', 'not-it', credentials.get('agoraAuto').data.apiKey])
			assert.ok(!result.message.includes(secret), `${id}: the message shows a secret`);
	};

	test('Agora: right credentials pass with every route set the server has', async () => {
		await passes('agoraAuto');
		await passes('agoraAutoLegacy');
		await passes('agoraConnectorLegacy');
		await passes('agoraPassword');
	});

	test('Agora: each mistake fails with what to change', async () => {
		await failsWith('agoraDocumentedLegacy', /could not be found/);
		await failsWith('agoraWrongKey', /Authorization failed/);
		await failsWith('agoraOtherHeaderStyle', /Authorization failed/);
		await failsWith('agoraWrongPassword', /./);
		await failsWith('agoraNotAgora', /could not be found/);
		await failsWith('agoraNowhere', /refused the connection/);
	});

	test('Alyx and CC-Agency: right credentials pass, a wrong password or address fails', async () => {
		await passes('alyx');
		await failsWith('alyxWrongPassword', /./);
		await failsWith('alyxNowhere', /refused the connection/);
		await passes('cc');
		await failsWith('ccWrongPassword', /./);
		await failsWith('ccNowhere', /refused the connection/);
	});
});
