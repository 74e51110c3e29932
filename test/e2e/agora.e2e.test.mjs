// Agora end to end: the packed package in a real n8n 2.8.4 against the Agora emulator (demo).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndPack } from '../../scripts/lib/pack.mjs';
import { getFreePort } from '../../scripts/lib/free-port.mjs';
import { createN8nInstance } from '../../scripts/lib/n8n-instance.mjs';
import { startAgoraEmulator } from '../../emulators/agora/server.mjs';
import { PACKAGE, chain, items, loadExamples, our, outputOf, skipWithoutN8n } from './workflows.mjs';
import { AGORA_ALICE_KEY as ALICE_KEY } from '../../scripts/lib/emulator-credentials.mjs';

const skip = skipWithoutN8n();

const READER_KEY = '4ead0000-5e1f-4c0d-9e57-000000000003';
const cred = (id) => ({ agoraApi: { id, name: id } });
const LOCAL = cred('agoraLocal');
const byId = (value) => ({ __rl: true, mode: 'id', value: String(value) });
const agora = (name, parameters, credentials = LOCAL, extra = {}) => our('agora', name, parameters, credentials, extra);

describe('Agora in a real n8n', { skip, timeout: 15 * 60 * 1000 }, () => {
	let emulator;
	let strict; // a server that takes API keys only as X-Agora-Api-Key (the connectors' style)
	let legacy; // a server without the documented v2 routes, only the connectors' ones
	let n8n;
	let userFolder;
	const results = {};

	before(async () => {
		emulator = await startAgoraEmulator({ seed: 'demo', stepMs: 100 });
		strict = await startAgoraEmulator({ seed: 'demo', stepMs: 100, apiKeySchemes: ['x-agora-api-key'] });
		legacy = await startAgoraEmulator({ seed: 'demo', stepMs: 100, documentedRoutes: false });
		const { tarball } = buildAndPack();
		userFolder = mkdtempSync(join(tmpdir(), 'n8n-e2e-agora-'));
		n8n = await createN8nInstance({ userFolder, port: await getFreePort() });
		n8n.installPackageTarball(tarball);
		const data = (extra) => ({ baseUrl: emulator.url, authentication: 'apiKey', apiKey: ALICE_KEY, headerStyle: 'token', routeSet: 'documented', ignoreSslIssues: false, ...extra });
		await n8n.importCredentials([
			{ id: 'agoraLocal', name: 'Agora (local emulator)', type: 'agoraApi', data: data({}) },
			{ id: 'agoraConnector', name: 'agoraConnector', type: 'agoraApi', data: data({ headerStyle: 'xAgoraApiKey', routeSet: 'connector' }) },
			{ id: 'agoraPassword', name: 'agoraPassword', type: 'agoraApi', data: data({ authentication: 'password', username: 'alice', password: 'alice-password', apiKey: '' }) },
			{ id: 'agoraReader', name: 'agoraReader', type: 'agoraApi', data: data({ apiKey: READER_KEY }) },
			{ id: 'agoraWrongKey', name: 'agoraWrongKey', type: 'agoraApi', data: data({ apiKey: '00000000-0000-0000-0000-000000000000' }) },
			{ id: 'agoraNowhere', name: 'agoraNowhere', type: 'agoraApi', data: { ...data({}), baseUrl: 'http://127.0.0.1:9' } },
			{ id: 'agoraStrictToken', name: 'agoraStrictToken', type: 'agoraApi', data: { ...data({}), baseUrl: strict.url } },
			{ id: 'agoraStrictHeader', name: 'agoraStrictHeader', type: 'agoraApi', data: { ...data({ headerStyle: 'xAgoraApiKey' }), baseUrl: strict.url } },
			{ id: 'agoraAutoLegacy', name: 'agoraAutoLegacy', type: 'agoraApi', data: { ...data({ routeSet: 'auto' }), baseUrl: legacy.url } },
			{ id: 'agoraDocumentedLegacy', name: 'agoraDocumentedLegacy', type: 'agoraApi', data: { ...data({}), baseUrl: legacy.url } },
		]);
		const examples = loadExamples('agora-').filter((w) => !w.nodes.some((n) => n.type === `${PACKAGE}.agoraTrigger`));
		const withCredential = (workflow, id, credential) => ({
			...workflow,
			id,
			name: `${workflow.name} (${credential})`,
			nodes: workflow.nodes.map((n) => (n.credentials?.agoraApi ? { ...n, credentials: cred(credential) } : n)),
		});
		const uploadExample = examples.find((w) => w.nodes.some((n) => n.name === 'ZIP of the QA Exam'));
		const workflows = [
			...examples,
			chain('agora10Tree', 'folder tree by path', [agora('Make', { resource: 'folder', operation: 'getByPath', folder: byId(1), path: 'incoming/2026/run_01', create: true })]),
			chain('agora11Copy', 'copy an exam', [agora('Copy', { resource: 'exam', operation: 'copy', exam: byId(2), project: byId(1), folder: byId(6), timeout: 120 })]),
			chain('agora12Aql', 'AQL search', [agora('Query', { resource: 'search', operation: 'query', query: 'exam.name ~ "brain" AND exam.start_time.year = 2024' })]),
			chain('agora13Connector', 'connector routes and header', [
				agora('Me', { resource: 'user', operation: 'getCurrent' }, cred('agoraConnector')),
				agora('Items', { resource: 'folder', operation: 'getItems', folder: byId(1) }, cred('agoraConnector'), { executeOnce: true }),
			]),
			chain('agora14Password', 'username and password', [agora('Me', { resource: 'user', operation: 'getCurrent' }, cred('agoraPassword'))]),
			chain('agora20WrongKey', 'wrong key', [agora('Me', { resource: 'user', operation: 'getCurrent' }, cred('agoraWrongKey'))]),
			chain('agora21UnknownFolder', 'unknown folder', [agora('Get', { resource: 'folder', operation: 'get', folder: byId(9999) })]),
			chain('agora22AboveRoot', 'path above the root', [agora('Get', { resource: 'folder', operation: 'getByPath', folder: byId(6), path: '../../x', create: false })]),
			chain('agora23MissingInput', 'missing task input', [agora('Run', { resource: 'task', operation: 'run', task: byId(2), inputs: { input: [{ key: 'ds', value: '2' }] }, target: byId(9) })]),
			chain('agora24NoTarget', 'task target missing', [agora('Run', { resource: 'task', operation: 'run', task: byId(2), inputs: { input: [{ key: 'ds', value: '2' }, { key: 'size', value: '64' }] }, target: '' })]),
			chain('agora25BadAql', 'malformed AQL', [agora('Query', { resource: 'search', operation: 'query', query: 'exam.name ~~ AND (' })]),
			chain('agora26Locked', 'locked exam', [
				agora('Lock', { resource: 'exam', operation: 'lock', exam: byId(4) }),
				agora('Move', { resource: 'exam', operation: 'move', exam: byId(4), project: byId(1), folder: byId(7), timeout: 60 }),
			]),
			chain('agora27ReaderParams', '403 on parameters', [agora('Params', { resource: 'dataset', operation: 'searchParameters', dataset: byId(2), search: '' }, cred('agoraReader'))]),
			chain('agora28Nowhere', 'unreachable URL', [agora('Me', { resource: 'user', operation: 'getCurrent' }, cred('agoraNowhere'))]),
			chain('agora29FailingTask', 'failing task', [agora('Run', { resource: 'task', operation: 'runAndWait', task: byId(3), inputs: { input: [{ key: 'ds', value: '2' }] }, target: '', waitOptions: { pollInterval: 1 } })]),
			chain('agora30UnknownTag', 'unknown tag name', [agora('Tag', { resource: 'tag', operation: 'getByName', name: 'no-such-tag' })]),
			chain('agora31Parameter', 'parameter by name', [agora('TE', { resource: 'dataset', operation: 'getParameter', dataset: byId(2), parameterName: 'TE' })]),
			chain('agora32BadValue', 'input of the wrong type', [agora('Run', { resource: 'task', operation: 'run', task: byId(2), inputs: { input: [{ key: 'ds', value: '2' }, { key: 'size', value: 'big' }] }, target: byId(9) })]),
			chain('agora33Continue', 'continue on fail', [
				items('Names', [{ name: 'good' }, { name: 'no-such-tag' }, { name: 'review' }]),
				agora('Tag', { resource: 'tag', operation: 'getByName', name: '={{ $json.name }}' }, LOCAL, { onError: 'continueRegularOutput' }),
			]),
			chain('agora34Datafile', 'datafile record', [agora('File', { resource: 'datafile', operation: 'get', id: '19' })]),
			chain('agora35WrongHeaderStyle', 'wrong header style', [agora('Me', { resource: 'user', operation: 'getCurrent' }, cred('agoraStrictToken'))]),
			chain('agora36RightHeaderStyle', 'the other header style', [agora('Me', { resource: 'user', operation: 'getCurrent' }, cred('agoraStrictHeader'))]),
			// A server without the documented routes: Automatic finds the connectors' routes.
			chain('agora37AutoLegacy', 'automatic routes on a server without the documented ones', [
				agora('Me', { resource: 'user', operation: 'getCurrent' }, cred('agoraAutoLegacy')),
				agora('Items', { resource: 'folder', operation: 'getItems', folder: byId(1) }, cred('agoraAutoLegacy'), { executeOnce: true }),
				agora('Copy', { resource: 'exam', operation: 'copy', exam: byId(2), project: byId(1), folder: byId(6), timeout: 120 }, cred('agoraAutoLegacy'), { executeOnce: true }),
			]),
			withCredential(uploadExample, 'agora38AutoLegacyTransfers', 'agoraAutoLegacy'),
			chain('agora39DocumentedLegacy', 'documented routes on a server without them', [agora('Me', { resource: 'user', operation: 'getCurrent' }, cred('agoraDocumentedLegacy'))]),
		];
		await n8n.importWorkflows(workflows);
		Object.assign(results, await n8n.executeMany(workflows.map((w) => w.id)));
	});

	after(async () => {
		await n8n?.stop();
		await emulator?.close();
		await strict?.close();
		await legacy?.close();
		if (userFolder) rmSync(userFolder, { recursive: true, force: true });
	});

	const ok = (r) => assert.equal(r.status, 'success', JSON.stringify(r.error));

	test('walks from My Agora to the datafiles', () => {
		const r = results.agora1WalkMyAgora;
		ok(r);
		const files = outputOf(r, 'Files');
		assert.ok(files.some((f) => f.original_filename === 'scan.dcm' && f.size === 11));
	});

	test('runs a task into a results folder, waits, and tags the exam', () => {
		const r = results.agora2RunTask;
		ok(r);
		const [run] = outputOf(r, 'Resample');
		assert.equal(run.outcome, 'finished');
		assert.ok(run.createdObjectIds.length >= 1);
		assert.ok(outputOf(r, 'Tag the exam')[0].id);
	});

	test('the upload example: a generated file into Agora, back with its SHA-1 checked, and an exam as ZIP', () => {
		const r = results.agora3UploadDownload;
		ok(r);
		const [uploaded] = outputOf(r, 'Upload');
		assert.equal(uploaded.path, 'qa/qa-measurements.csv');
		assert.equal(uploaded.hashStatus, 'verified');
		assert.equal(outputOf(r, 'Download Again')[0].sha1Verified, true);
		const [zip] = outputOf(r, 'ZIP of the QA Exam');
		assert.equal(zip.fileName, 'Brain Phantom QA.zip');
		assert.ok(zip.size > 0);
	});

	test('creates a folder tree by path', () => {
		ok(results.agora10Tree);
		assert.equal(outputOf(results.agora10Tree, 'Make')[0].name, 'run_01');
	});

	test('copies an exam and returns the copy', () => {
		ok(results.agora11Copy);
		const [copy] = outputOf(results.agora11Copy, 'Copy');
		assert.notEqual(copy.id, 2);
		assert.equal(copy.name, 'Wrist MRI');
	});

	test('finds exams with AQL', () => {
		ok(results.agora12Aql);
		assert.ok(outputOf(results.agora12Aql, 'Query').some((e) => e.name === 'Brain MRI'));
	});

	test('works with the connector header and routes, and with a password login', () => {
		ok(results.agora13Connector);
		assert.equal(outputOf(results.agora13Connector, 'Me')[0].username, 'alice');
		assert.ok(outputOf(results.agora13Connector, 'Items').some((i) => i.contentType === 'series' && i.isLink));
		ok(results.agora14Password);
		assert.equal(outputOf(results.agora14Password, 'Me')[0].username, 'alice');
	});

	test('Automatic routes work on a server without the documented routes, transfers included', async () => {
		const r = results.agora37AutoLegacy;
		ok(r);
		assert.equal(outputOf(r, 'Me')[0].username, 'alice');
		assert.ok(outputOf(r, 'Items').some((i) => i.contentType === 'series' && i.isLink));
		assert.equal(outputOf(r, 'Copy')[0].name, 'Wrist MRI');
		const t = results.agora38AutoLegacyTransfers;
		ok(t);
		assert.equal(outputOf(t, 'Upload')[0].hashStatus, 'verified');
		assert.equal(outputOf(t, 'Download Again')[0].sha1Verified, true);
		assert.ok(outputOf(t, 'ZIP of the QA Exam')[0].size > 0);
		// No request went to a missing route but the probe of the documented current user.
		const { requests } = await (await fetch(`${legacy.url}/__emulator/requests?limit=100000`)).json();
		const missed = requests.filter((e) => e.status === 404).map((e) => `${e.method} ${e.path}`);
		assert.ok(missed.length > 0 && missed.every((m) => m === 'GET /api/v2/user/me/'), missed.join(', '));
		// Documented routes on that server: the 404 says what to change.
		assert.match(results.agora39DocumentedLegacy.error.message, /Agora could not find it/);
		assert.match(results.agora39DocumentedLegacy.error.description, /set Routes to "Automatic"/);
	});

	test('bad input fails with a clear error that names the field', () => {
		const message = (id) => results[id].error?.message ?? '';
		assert.match(message('agora20WrongKey'), /Agora did not accept the credentials/);
		// A server that takes keys only as X-Agora-Api-Key: the error says to switch the style, and switching works.
		assert.match(message('agora35WrongHeaderStyle'), /Agora did not accept the credentials: Invalid token/);
		assert.match(results.agora35WrongHeaderStyle.error.description, /switch "Header Style"/);
		assert.equal(outputOf(results.agora36RightHeaderStyle, 'Me')[0].username, 'alice');
		assert.match(results.agora20WrongKey.error.description, /Header Style/);
		assert.match(message('agora21UnknownFolder'), /Agora could not find it/);
		assert.match(message('agora22AboveRoot'), /Path: ".*" goes above the project's root folder/);
		assert.match(message('agora23MissingInput'), /Inputs: task "Resample" needs input "size"/);
		assert.match(message('agora24NoTarget'), /Target Folder: task "Resample" writes results/);
		assert.match(message('agora25BadAql'), /Agora rejected the request/);
		assert.match(message('agora26Locked'), /Agora (refused access|could not move)/);
		assert.match(message('agora27ReaderParams'), /Agora refused access/);
		assert.match(message('agora28Nowhere'), /Could not reach Agora at http:\/\/127.0.0.1:9\/api\/v2\/user\/me\/ \(ECONNREFUSED\)/);
		assert.match(message('agora29FailingTask'), /Task "Failing task" failed: exit code 1/);
		assert.match(message('agora30UnknownTag'), /Name: there is no tag "no-such-tag"/);
	});

	test('a value of the wrong type names the input', () => {
		assert.match(results.agora32BadValue.error.message, /Input "size": "big" is not a whole number/);
	});

	test('with Continue On Fail the unknown tag becomes an error item and the others are found', () => {
		const out = outputOf(results.agora33Continue, 'Tag');
		assert.equal(results.agora33Continue.status, 'success');
		assert.deepEqual([out[0].label, Boolean(out[1].error), out[2].label], ['good', true, 'review']);
	});

	test('gets a datafile record with its SHA-1', () => {
		const [file] = outputOf(results.agora34Datafile, 'File');
		assert.equal(file.original_filename, 'scan.dcm');
		assert.equal(file.sha1, '2aae6c35c94fcfb415dbe95f408b9ce91ee846ed');
	});

	test('reads a parameter by name', () => {
		ok(results.agora31Parameter);
		assert.equal(outputOf(results.agora31Parameter, 'TE')[0].Value, 0.03);
	});

	test('the published trigger fires once when a task run finishes', async () => {
		const [watch] = loadExamples('agora-on-task-finished');
		await n8n.importWorkflows([watch]);
		await n8n.publish(watch.id);
		await n8n.start();
		const started = await (
			await fetch(`${emulator.url}/api/v2/runtask/`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', Authorization: `Token ${ALICE_KEY}` },
				body: JSON.stringify({ task: 1, inputs: [{ object_type: 'dataset', object_id: 2 }] }),
			})
		).json();
		const id = started.timeline_item_id;
		const emitted = async () => (await n8n.executions(watch.id)).flatMap((e) => outputOf({ runData: e.data?.resultData?.runData }, 'When a task run finishes'));
		const deadline = Date.now() + 150_000;
		let events = [];
		while (Date.now() < deadline) {
			events = await emitted();
			if (events.some((e) => e.id === id)) break;
			await new Promise((r) => setTimeout(r, 2000));
		}
		assert.equal(events.filter((e) => e.id === id).length, 1, 'the finished run fired once');
		assert.equal(events.find((e) => e.id === id).outcome, 'finished');
		const before = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()).requests;
		const idleDeadline = Date.now() + 90_000;
		while (Date.now() < idleDeadline) {
			if ((await (await fetch(`${emulator.url}/__emulator/stats`)).json()).requests > before) break;
			await new Promise((r) => setTimeout(r, 2000));
		}
		events = await emitted();
		const ids = events.map((e) => e.id);
		assert.equal(new Set(ids).size, ids.length, 'no item fired twice');
	});
});
