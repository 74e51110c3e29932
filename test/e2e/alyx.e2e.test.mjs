// Alyx end to end: the packed package in a real n8n 2.8.4 against the Alyx emulator (demo lab).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndPack } from '../../scripts/lib/pack.mjs';
import { getFreePort } from '../../scripts/lib/free-port.mjs';
import { createN8nInstance } from '../../scripts/lib/n8n-instance.mjs';
import { startAlyxEmulator } from '../../emulators/alyx/server.mjs';
import { PACKAGE, chain, items, loadExamples, our, outputOf, skipWithoutN8n } from './workflows.mjs';

const skip = skipWithoutN8n();

const cred = (id) => ({ alyxApi: { id, name: id } });
const LOCAL = cred('alyxLocal');
const byId = (value) => ({ __rl: true, mode: 'id', value });
const alyx = (name, parameters, credentials = LOCAL, extra = {}) => our('alyx', name, parameters, credentials, extra);

describe('Alyx in a real n8n', { skip, timeout: 15 * 60 * 1000 }, () => {
	let emulator;
	let n8n;
	let userFolder;
	const results = {};

	before(async () => {
		emulator = await startAlyxEmulator({ seed: 'demo' });
		const { tarball } = buildAndPack();
		userFolder = mkdtempSync(join(tmpdir(), 'n8n-e2e-alyx-'));
		n8n = await createN8nInstance({ userFolder, port: await getFreePort() });
		n8n.installPackageTarball(tarball);
		const data = (username, password, baseUrl = emulator.url) => ({ baseUrl, username, password, ignoreSslIssues: false });
		await n8n.importCredentials([
			{ id: 'alyxLocal', name: 'Alyx (local emulator)', type: 'alyxApi', data: data('alice', 'alice-password') },
			{ id: 'alyxPublic', name: 'alyxPublic', type: 'alyxApi', data: data('public', 'public-password') },
			{ id: 'alyxWrong', name: 'alyxWrong', type: 'alyxApi', data: data('alice', 'not-her-password') },
			{ id: 'alyxNowhere', name: 'alyxNowhere', type: 'alyxApi', data: data('alice', 'alice-password', 'http://127.0.0.1:9') },
		]);
		const register = (name, sessionPath, filenames, extra = {}) =>
			alyx(name, { resource: 'file', operation: 'register', sessionPath, filenames, repositoryBy: 'name', repository: byId('cortexlab_server'), options: {}, ...extra });
		const workflows = [
			...loadExamples('alyx-').filter((w) => !w.nodes.some((n) => n.type === `${PACKAGE}.alyxTrigger`)),
			chain('alyx10Wrong', 'wrong password', [alyx('Me', { resource: 'user', operation: 'get', user: byId('alice') }, cred('alyxWrong'))]),
			chain('alyx11ReadOnly', 'read-only user writes', [alyx('Weigh', { resource: 'weighing', operation: 'create', subject: byId('KS022'), weight: 20, additionalFields: {} }, cred('alyxPublic'))]),
			chain('alyx12ReadOnlyReads', 'read-only user reads', [alyx('Subjects', { resource: 'subject', operation: 'getAll', returnAll: true, filters: {} }, cred('alyxPublic'))]),
			chain('alyx13Unknown', 'unknown subject', [alyx('Get', { resource: 'subject', operation: 'get', subject: byId('Nobody') })]),
			chain('alyx14BadDate', 'bad date', [alyx('Create', { resource: 'session', operation: 'create', subject: byId('KS022'), additionalFields: { startTime: 'yesterday' } })]),
			chain('alyx15OneDate', 'single-date range', [alyx('List', { resource: 'session', operation: 'getAll', returnAll: true, filters: { dateFrom: '2026-01-01' } })]),
			chain('alyx16NoRepo', 'unknown repository', [register('Register', 'KS022/2026-01-01/001', 'alf/trials.table.pqt', { repository: byId('nope') })]),
			chain('alyx17NoSession', 'register-file without a session', [register('Register', 'KS022/2020-01-01/001', 'alf/trials.table.pqt')]),
			chain('alyx18BadQc', 'bad QC filter', [alyx('List', { resource: 'session', operation: 'getAll', returnAll: true, filters: { qc: '={{ "BOGUS" }}' } })]),
			chain('alyx19BadJson', 'malformed JSON field', [alyx('Create', { resource: 'session', operation: 'create', subject: byId('KS022'), additionalFields: { extendedQc: '{"behavior": ' } })]),
			chain('alyx20Nowhere', 'unreachable URL', [alyx('Me', { resource: 'user', operation: 'get', user: byId('alice') }, cred('alyxNowhere'))]),
			chain('alyx21Hashes', 'hash count mismatch', [register('Register', 'KS022/2026-01-01/001', 'alf/a.b.npy, alf/c.d.npy', { options: { hashes: 'only-one' } })]),
			chain('alyx22Continue', 'continue on fail', [
				items('Subjects', [{ subject: 'KS022' }, { subject: 'Nobody' }, { subject: 'SWC_043' }]),
				alyx('Weigh', { resource: 'weighing', operation: 'create', subject: byId('={{ $json.subject }}'), weight: 22.5, additionalFields: {} }, LOCAL, { onError: 'continueRegularOutput' }),
			]),
			chain('alyx23Limit', 'limit', [alyx('Weighings', { resource: 'weighing', operation: 'getAll', returnAll: false, limit: 3, filters: {} })]),
		];
		await n8n.importWorkflows([...workflows, chain('alyx24AfterRevoke', 'after token revoke', [alyx('Me', { resource: 'user', operation: 'get', user: byId('alice') })])]);
		Object.assign(results, await n8n.executeMany(workflows.map((w) => w.id)));
		// An administrator deletes alice's token: the next run must log in again by itself.
		await fetch(`${emulator.url}/__emulator/token/revoke`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'alice' }) });
		results.alyx24AfterRevoke = await n8n.execute('alyx24AfterRevoke');
	});

	after(async () => {
		await n8n?.stop();
		await emulator?.close();
		if (userFolder) rmSync(userFolder, { recursive: true, force: true });
	});

	test('the example records a subject, session, weighing, water and files, then lists the datasets', () => {
		const r = results.alyx1RecordSession;
		assert.equal(r.status, 'success', JSON.stringify(r.error));
		const [session] = outputOf(r, 'Session');
		assert.match(session.id, /^[0-9a-f-]{36}$/);
		assert.equal(outputOf(r, 'Weighing')[0].weight, 21.7);
		assert.equal(outputOf(r, 'Water')[0].session, session.id);
		const registered = outputOf(r, 'Register files');
		assert.deepEqual(registered.map((d) => d.name), ['trials.table.pqt', 'wheel.position.npy']);
		const datasets = outputOf(r, 'Datasets of the session');
		assert.deepEqual(datasets.map((d) => d.name).sort(), ['trials.table.pqt', 'wheel.position.npy']);
		assert.ok(datasets.every((d) => d.id && d.file_records.length > 0));
	});

	test('the water report example lists restricted subjects with their daily requirement', () => {
		const r = results.alyx2WaterReport;
		assert.equal(r.status, 'success', JSON.stringify(r.error));
		const [requirement] = outputOf(r, 'Water requirement');
		assert.ok(Array.isArray(requirement.records) && requirement.records.length >= 6);
	});

	test('a wrong password names the credential', () => {
		assert.equal(results.alyx10Wrong.status, 'error');
		assert.match(results.alyx10Wrong.error.message, /Alyx did not accept the credentials: Unable to log in/);
		assert.ok(!JSON.stringify(results.alyx10Wrong.raw ?? {}).includes('not-her-password'));
	});

	test('a read-only user can read but not write', () => {
		assert.match(results.alyx11ReadOnly.error.message, /Alyx refused the change/);
		assert.match(results.alyx11ReadOnly.error.description, /read-only/);
		assert.equal(results.alyx12ReadOnlyReads.status, 'success');
	});

	test('input errors name the field and the fix', () => {
		assert.match(results.alyx13Unknown.error.message, /Alyx could not find it: No Subject matches the given query/);
		assert.match(results.alyx14BadDate.error.message, /Start Time: "yesterday" is not a date and time/);
		assert.match(results.alyx15OneDate.error.message, /Date: a date range needs both a start and an end date/);
		assert.match(results.alyx16NoRepo.error.message, /The specified repository does not exist/);
		assert.match(results.alyx17NoSession.error.message, /A base session for KS022 on 2020-01-01 does not exist/);
		assert.match(results.alyx18BadQc.error.message, /Alyx does not know that QC value/);
		assert.match(results.alyx19BadJson.error.message, /Extended QC: not valid JSON/);
		assert.match(results.alyx20Nowhere.error.message, /Could not reach Alyx at http:\/\/127.0.0.1:9\/users\/alice \(ECONNREFUSED\)/);
		assert.match(results.alyx21Hashes.error.message, /Hashes: 1 values for 2 files/);
	});

	test('with Continue On Fail the bad item becomes an error item and the others are recorded', () => {
		const out = outputOf(results.alyx22Continue, 'Weigh');
		assert.equal(results.alyx22Continue.status, 'success');
		assert.equal(out.length, 3);
		assert.equal(out[0].subject, 'KS022');
		assert.match(out[1].error, /Nobody/);
		assert.equal(out[2].subject, 'SWC_043');
	});

	test('Limit returns exactly Limit records', () => {
		assert.equal(outputOf(results.alyx23Limit, 'Weighings').length, 3);
	});

	test('a deleted token is replaced by a new login, without an error', () => {
		assert.equal(results.alyx24AfterRevoke.status, 'success', JSON.stringify(results.alyx24AfterRevoke.error));
		assert.equal(outputOf(results.alyx24AfterRevoke, 'Me')[0].username, 'alice');
	});

	test('the published trigger fires once for a new session', async () => {
		const [watch] = loadExamples('alyx-on-new-session');
		await n8n.importWorkflows([watch]);
		await n8n.publish(watch.id);
		await n8n.start();
		const login = await (await fetch(`${emulator.url}/auth-token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'alice-password' }) })).json();
		const created = await (
			await fetch(`${emulator.url}/sessions`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', Authorization: `Token ${login.token}` },
				body: JSON.stringify({ subject: 'SWC_043', number: 7, task_protocol: 'e2e' }),
			})
		).json();
		const emitted = async () => (await n8n.executions(watch.id)).flatMap((e) => outputOf({ runData: e.data?.resultData?.runData }, 'When a session is created'));
		const deadline = Date.now() + 150_000;
		let events = [];
		while (Date.now() < deadline) {
			events = await emitted();
			if (events.some((e) => e.id === created.id)) break;
			await new Promise((r) => setTimeout(r, 2000));
		}
		assert.equal(events.filter((e) => e.id === created.id).length, 1, 'the new session fired once');
		const before = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()).byRoute['GET /sessions'] ?? 0;
		const idleDeadline = Date.now() + 90_000;
		while (Date.now() < idleDeadline) {
			const now = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()).byRoute['GET /sessions'] ?? 0;
			if (now > before) break;
			await new Promise((r) => setTimeout(r, 2000));
		}
		events = await emitted();
		const ids = events.map((e) => e.id);
		assert.equal(new Set(ids).size, ids.length, 'no session fired twice');
		const executions = await n8n.executions(watch.id);
		const details = executions.flatMap((e) => outputOf({ runData: e.data?.resultData?.runData }, 'Session details'));
		assert.ok(details.some((d) => d.id === created.id && d.task_protocol === 'e2e'), 'the workflow fetched the session details');
	});
});
