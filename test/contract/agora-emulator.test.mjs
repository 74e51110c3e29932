// Contract tests for the Agora emulator, part 3: what is not Agora but other code relies on —
// the /__emulator/ control routes (stats, reset, bulk timeline, faults, config, request log),
// the seeds and their documented ids, options, the data directory and the CLI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgoraEmulator } from '../../emulators/agora/server.mjs';
import { DEMO } from '../../emulators/agora/demo-seed.mjs';
import { agoraClients, apiKeyAuth, KEYS, tokenAuth, waitForTimeline } from '../../emulators/agora/testing.mjs';
import { createClient, pollUntil } from '../../emulators/lib/contract-client.mjs';

const SERVER = fileURLToPath(new URL('../../emulators/agora/server.mjs', import.meta.url));

let workDir;
before(() => {
	workDir = mkdtempSync(join(tmpdir(), 'agora-contract-'));
});
after(() => {
	rmSync(workDir, { recursive: true, force: true });
});

describe('control routes', () => {
	let agora;
	let alice;
	let control;
	before(async () => {
		agora = await startAgoraEmulator({ stepMs: 20 });
		({ alice } = agoraClients(agora.url));
		control = createClient(agora.url);
	});
	after(async () => {
		await agora?.close();
	});

	test('stats count every non-control request and the bytes sent', async () => {
		await control.post('/__emulator/stats/reset');
		const a = await alice.get('/api/v2/project/');
		const b = await alice.get('/api/v2/project?page=1');
		const c = await alice.get('/api/v2/exam/99999/');
		const d = await alice.get('/nothing/here/');
		const stats = (await control.get('/__emulator/stats')).data;
		assert.equal(stats.requests, 4);
		assert.deepEqual(stats.byRoute, {
			'GET /api/v2/project/': 2,
			'GET /api/v2/exam/:id/': 1,
			'GET (unmatched)': 1,
		});
		assert.equal(
			stats.bytesOut,
			[a, b, c, d].reduce((sum, r) => sum + Buffer.byteLength(r.text), 0),
		);
		await control.post('/__emulator/stats/reset');
		assert.deepEqual((await control.get('/__emulator/stats')).data, {
			requests: 0,
			bytesOut: 0,
			byRoute: {},
		});
	});

	test('faults inject 503 with Retry-After: 0 on the chosen routes', async () => {
		assert.equal(
			(
				await control.post('/__emulator/faults', {
					json: { rate503: 1, routes: ['/api/v1/version'] },
				})
			).status,
			200,
		);
		try {
			const res = await alice.get('/api/v1/version/');
			assert.equal(res.status, 503);
			assert.equal(res.headers.get('retry-after'), '0');
			assert.equal((await alice.get('/api/v2/project/')).status, 200, 'other routes are untouched');
			assert.equal((await control.get('/__emulator/faults')).data.injected, 1);
		} finally {
			await control.post('/__emulator/faults', { json: { rate503: 0 } });
		}
		assert.equal((await alice.get('/api/v1/version/')).status, 200);
		assert.equal((await control.post('/__emulator/faults', { json: { rate503: 2 } })).status, 400);
	});

	test('the request log shows what a client put on the wire', async () => {
		await control.post('/__emulator/requests/reset');
		await alice.post('/api/v2/exam/lock_ids', { form: { ids: DEMO.exams.brainMri } });
		const { requests } = (await control.get('/__emulator/requests?limit=5')).data;
		assert.equal(requests.length, 1);
		const [entry] = requests;
		assert.equal(entry.method, 'POST');
		assert.equal(entry.path, '/api/v2/exam/lock_ids');
		assert.equal(entry.route, 'POST /api/v2/exam/lock_ids/');
		assert.equal(entry.headers.authorization, `Token ${KEYS.alice}`);
		assert.equal(entry.body.text, `ids=${DEMO.exams.brainMri}`);
		assert.equal(entry.status, 200);
		await alice.get('/api/v2/project/?limit=5');
		const later = (await control.get(`/__emulator/requests?since=${entry.seq}`)).data.requests;
		assert.deepEqual(
			later.map((r) => [r.path, r.query]),
			[['/api/v2/project/', 'limit=5']],
		);
	});

	test('config changes page size, version and step time at runtime; unknown keys are 400', async () => {
		const set = await control.post('/__emulator/config', {
			json: { pageSize: 1, version: 'dev', stepMs: 15 },
		});
		assert.equal(set.status, 200);
		assert.equal(set.data.pageSize, 1);
		assert.ok(!JSON.stringify(set.data).includes('alice-password'), 'passwords are never shown');
		assert.equal((await alice.get('/api/v2/project/')).data.results.length, 1);
		assert.equal((await alice.get('/api/v1/version/')).data.version, 'dev');
		assert.equal((await control.post('/__emulator/config', { json: { bogus: 1 } })).status, 400);
		await control.post('/__emulator/config', {
			json: { pageSize: 10, version: '7.14.6', stepMs: 20 },
		});
	});

	test('reset returns to the demo seed, including users and keys', async () => {
		await alice.post(`/api/v1/folder/${DEMO.folders.aliceRoot}/new/`, {
			json: { name: 'scratch' },
		});
		await alice.post('/api/v1/apikey/', { json: {} });
		assert.equal((await alice.get('/api/v2/user/me/')).status, 401, 'the old key was replaced');
		const res = await control.post('/__emulator/reset');
		assert.deepEqual(res.data, { reset: true, seed: 'demo' });
		const items = (await alice.get(`/api/v1/folder/${DEMO.folders.aliceRoot}/items/`)).data;
		assert.ok(!items.some((it) => it.content_object.name === 'scratch'));
		assert.equal((await alice.get('/api/v2/user/me/')).status, 200);
	});

	test('bulk-timeline adds 100 000 old items; lists page over them and filter them', async () => {
		await control.post('/__emulator/reset');
		const res = await control.post('/__emulator/bulk-timeline', {
			json: { count: 100_000, state: 'FINISHED', type: 'task', ageSeconds: 86_400 },
		});
		assert.equal(res.status, 200, res.text);
		assert.equal(res.data.created, 100_000);
		assert.equal(res.data.username, 'alice');
		const page = (await alice.get('/api/v2/timelineitem/')).data;
		assert.equal(page.count, 100_003);
		assert.equal(page.results.length, 10);
		assert.equal(page.results[0].id, res.data.lastId, 'newest first');
		const newest = page.results[0];
		assert.ok(Date.parse(newest.created_date) < Date.now() - 86_000_000, 'a day old');
		assert.equal(newest.data.state, 2);
		const last = (await alice.get('/api/v2/timelineitem/?limit=5&offset=99998')).data;
		assert.deepEqual(
			last.results.map((i) => i.id),
			[5, 4, 3, 2, 1],
		);
		const recent = (
			await alice.get(
				`/api/v2/timeline/?modified_date__gt=${encodeURIComponent(newest.created_date)}`,
			)
		).data;
		assert.deepEqual(
			recent.results.map((i) => i.id),
			[newest.id],
		);
		// The queries a polling trigger makes (highest id, above an id, a set of ids, running ones).
		assert.deepEqual(
			(await alice.get('/api/v2/timelineitem/?ordering=-id&limit=1')).data.results.map((i) => i.id),
			[res.data.lastId],
		);
		const above = (
			await alice.get(`/api/v2/timelineitem/?id__gt=${res.data.lastId - 3}&ordering=id&limit=100`)
		).data;
		assert.deepEqual(
			above.results.map((i) => i.id),
			[res.data.lastId - 2, res.data.lastId - 1, res.data.lastId],
		);
		assert.deepEqual(
			(await alice.get('/api/v2/timelineitem/?id__in=1,3&limit=100')).data.results.map((i) => i.id),
			[3, 1],
		);
		assert.equal(
			(await alice.get('/api/v2/timelineitem/?state__in=QUEUED,STARTED,CANCELING&limit=100')).data
				.count,
			0,
		);
		assert.equal(
			(await alice.get('/api/v2/timelineitem/?type__in=copy,move&limit=1')).data.count,
			0,
		);
		const errors = await control.post('/__emulator/bulk-timeline', {
			json: { count: 3, state: 'ERROR', username: 'admin' },
		});
		assert.equal(errors.data.username, 'admin');
		assert.equal(
			(await alice.get('/api/v2/timelineitem/?state=ERROR')).data.count,
			1,
			"admin's items are not alice's",
		);
		for (const bad of [
			{ count: 0, state: 'FINISHED' },
			{ count: 1, state: 'STARTED' },
			{ count: 1, state: 'FINISHED', type: 'x' },
			{ count: 1, state: 'FINISHED', username: 'nobody' },
		])
			assert.equal(
				(await control.post('/__emulator/bulk-timeline', { json: bad })).status,
				400,
				JSON.stringify(bad),
			);
		await control.post('/__emulator/reset');
		assert.equal((await alice.get('/api/v2/timelineitem/')).data.count, 3);
	});

	test('timeline/:id puts an item into any state; IDLE goes on like QUEUED', async () => {
		const run = await alice.post('/api/v2/runtask/', {
			json: {
				task: DEMO.tasks.long,
				inputs: [{ object_type: 'dataset', object_id: DEMO.datasets.t1Dicom }],
			},
		});
		const id = run.data.timeline_item_id;
		const idle = await control.post(`/__emulator/timeline/${id}`, { json: { state: 0 } });
		assert.deepEqual(idle.data, { id, state: 'IDLE' });
		assert.equal((await alice.get(`/api/v2/timeline/${id}/`)).data.data.state, 0);
		await waitForTimeline(alice, id, { until: (i) => i.state === 'STARTED' });
		await control.post(`/__emulator/timeline/${id}`, { json: { state: 'CANCELING' } });
		assert.equal((await alice.get(`/api/v2/timeline/${id}/`)).data.data.state, 4);
		assert.equal((await waitForTimeline(alice, id)).item.state, 'CANCELED');
		const failed = await control.post(`/__emulator/timeline/${DEMO.timeline.echoFinished}`, {
			json: { state: 'ERROR', error: 'boom' },
		});
		assert.equal(failed.status, 200);
		const item = (await alice.get(`/api/v2/timeline/${DEMO.timeline.echoFinished}/`)).data;
		assert.deepEqual(
			[item.data.state, item.error, item.data.error],
			[3, 'boom', { message: 'boom' }],
		);
		assert.equal(
			(await control.post(`/__emulator/timeline/${id}`, { json: { state: 'constructor' } })).status,
			400,
		);
		assert.equal(
			(await control.post('/__emulator/timeline/99999', { json: { state: 'IDLE' } })).status,
			400,
		);
		await control.post('/__emulator/reset');
	});

	test('unknown control routes are 404 JSON', async () => {
		const res = await control.get('/__emulator/nope');
		assert.equal(res.status, 404);
		assert.ok(res.data.error);
	});
});

describe('seeds and options', () => {
	test('apiKeySchemes makes a server that takes API keys in one header style only', async () => {
		const agora = await startAgoraEmulator({ stepMs: 20, apiKeySchemes: ['x-agora-api-key'] });
		try {
			const me = async (authorization) => {
				const response = await fetch(`${agora.url}/api/v2/user/me/`, { headers: { authorization } });
				return [response.status, (await response.json()).detail ?? 'ok'];
			};
			assert.deepEqual(await me(apiKeyAuth('alice')), [200, 'ok']);
			assert.deepEqual(await me(tokenAuth('alice')), [401, 'Invalid token.']);
			// Session keys still come as Token after a login.
			const login = await fetch(`${agora.url}/api/v1/rest-auth/login/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'alice-password' }) });
			assert.deepEqual(await me(`Token ${(await login.json()).key}`), [200, 'ok']);
			// The other way round, the unknown scheme is anonymous.
			await fetch(`${agora.url}/__emulator/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKeySchemes: ['token'] }) });
			assert.deepEqual(await me(apiKeyAuth('alice')), [401, 'Authentication credentials were not provided.']);
			assert.deepEqual(await me(tokenAuth('alice')), [200, 'ok']);
		} finally {
			await agora.close();
		}
	});

	test('documentedRoutes: false makes a server with only the connectors\' routes', async () => {
		const agora = await startAgoraEmulator({ stepMs: 20, documentedRoutes: false });
		try {
			const status = async (path) => {
				const response = await fetch(`${agora.url}${path}`, { headers: { authorization: apiKeyAuth('alice') } });
				return [response.status, response.headers.get('content-type').split(';')[0]];
			};
			// Seed 000's documented-only routes are missing, as on a server without them.
			for (const path of ['/api/v2/user/me/', '/api/v2/folder/1/items/', '/api/v2/exam/', '/api/v2/timelineitem/1/', '/api/v2/importsession/1/'])
				assert.deepEqual(await status(path), [404, 'text/html'], path);
			// The connectors' routes (v1 and their v2 ones) work.
			for (const path of ['/api/v1/user/current/', '/api/v1/folder/1/items/', '/api/v1/exam/', '/api/v2/project/', '/api/v2/folder/1/', '/api/v1/version/'])
				assert.equal((await status(path))[0], 200, path);
			// Switched back at runtime.
			const set = await fetch(`${agora.url}/__emulator/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ documentedRoutes: true }) });
			assert.equal(set.status, 200);
			assert.equal((await status('/api/v2/user/me/'))[0], 200);
			const bad = await fetch(`${agora.url}/__emulator/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ documentedRoutes: 'no' }) });
			assert.equal(bad.status, 400);
		} finally {
			await agora.close();
		}
	});

	test('the demo ids of DEMO name the documented objects', async () => {
		const agora = await startAgoraEmulator({ stepMs: 20 });
		try {
			const t = agora.store.t;
			const names = (table, ids) =>
				Object.fromEntries(
					Object.entries(ids).map(([k, id]) => [
						k,
						t[table].get(id)?.name ?? t[table].get(id)?.label,
					]),
				);
			assert.deepEqual(
				Object.fromEntries(
					Object.entries(DEMO.users).map(([k, id]) => [k, t.users.get(id).username]),
				),
				{ alice: 'alice', admin: 'admin', reader: 'reader' },
			);
			assert.deepEqual(names('projects', DEMO.projects), {
				aliceMyAgora: 'My Agora',
				adminMyAgora: 'My Agora',
				readerMyAgora: 'My Agora',
				shared: 'Brain Imaging Study',
				cardiac: 'Cardiac Pilot',
			});
			assert.deepEqual(names('folders', DEMO.folders), {
				aliceRoot: 'root',
				adminRoot: 'root',
				readerRoot: 'root',
				sharedRoot: 'root',
				cardiacRoot: 'root',
				data: 'data',
				myFolder: 'my_folder',
				oldData: 'old data',
				taskResults: 'Task Results',
				incoming: 'Incoming',
				reports: 'Reports',
			});
			assert.deepEqual(names('exams', DEMO.exams), {
				brainMri: 'Brain MRI',
				wristMri: 'Wrist MRI',
				brainFollowUp: 'Brain MRI follow-up',
				phantomQa: 'Brain Phantom QA',
				testExam: 'Test exam',
				cardiacCine: 'Cardiac cine',
			});
			assert.deepEqual(names('series', DEMO.series), {
				survey: 'Survey',
				t1: 'T1 MPRAGE',
				fmri: 'fMRI resting state',
				t2Tse: 'T2 TSE sagittal',
				t1FollowUp: 'T1 MPRAGE',
				dti: 'DTI 64 directions',
				qaT1: 'QA T1',
				test: 'Test',
				cine: 'Cine SA',
			});
			assert.deepEqual(Object.values(names('datasets', DEMO.datasets)), [
				'Survey DICOM',
				'T1 MPRAGE DICOM',
				'T1 MPRAGE NIfTI',
				'fMRI DICOM',
				'T2 TSE raw',
				'T2 TSE PAR/REC',
				'Exam report',
				'T1 follow-up DICOM',
				'DTI DICOM',
				'QA DICOM',
				'scan',
				'Test data',
				'Cine DICOM',
				'old notes',
			]);
			assert.equal(t.datafiles.get(DEMO.datafiles.scanDcm).original_filename, 'scan.dcm');
			assert.deepEqual(names('patients', DEMO.patients), {
				danielSmith: 'Daniel Smith',
				janeDoe: 'Jane Doe',
				phantom: 'Phantom',
				heartVolunteer: 'Heart Volunteer',
			});
			assert.deepEqual(names('parametersets', DEMO.parametersets), {
				t1Acquisition: 'Acquisition Parameters',
				t1User: 'User Parameters',
			});
			assert.deepEqual(names('tagdefs', DEMO.tags), {
				good: 'good',
				review: 'review',
				artifact: 'artifact',
				adminOnly: 'admin-only',
			});
			assert.deepEqual(names('tasks', DEMO.tasks), {
				echo: 'Echo dataset',
				resample: 'Resample',
				failing: 'Failing task',
				long: 'Long computation',
				examSummary: 'Exam summary',
			});
			assert.deepEqual(names('scripttasks', DEMO.scripttasks), { convert: 'Convert to NIfTI' });
			assert.deepEqual(names('timeline', DEMO.timeline), {
				echoFinished: 'Echo dataset',
				failingError: 'Failing task',
				longCanceled: 'Long computation',
			});
			assert.deepEqual(names('queries', DEMO.queries), {
				brain2024: 'Brain exams 2024',
				syncedSeries: 'Synchronised series',
			});
			assert.deepEqual(names('trash', DEMO.trash), { oldData: 'old data', testExam: 'Test exam' });
			assert.deepEqual(names('groups', DEMO.groups), {
				mrPhysics: 'MR Physics',
				radiology: 'Radiology',
			});
			assert.equal(t.taginstances.size, Object.keys(DEMO.taginstances).length);
			assert.equal(t.relations.size, Object.keys(DEMO.relations).length);
		} finally {
			await agora.close();
		}
	});

	test("seed 'none': users with their My Agora only", async () => {
		const agora = await startAgoraEmulator({ seed: 'none', stepMs: 20 });
		try {
			const { alice, reader } = agoraClients(agora.url);
			const projects = (await alice.get('/api/v2/project/')).data.results;
			assert.deepEqual(
				projects.map((p) => [p.name, p.is_myagora]),
				[['My Agora', true]],
			);
			assert.equal(
				(await alice.get(`/api/v2/folder/${projects[0].root_folder}/items/`)).data.count,
				0,
			);
			assert.equal((await alice.get('/api/v2/exam/')).data.count, 0);
			assert.equal((await alice.get('/api/v2/timelineitem/')).data.count, 0);
			assert.equal((await alice.get('/api/v2/task/')).data.count, 0);
			assert.equal((await reader.get('/api/v2/project/myagora/')).status, 200);
		} finally {
			await agora.close();
		}
	});

	test('custom users: keys, no key, read-only flag; option validation', async () => {
		const agora = await startAgoraEmulator({
			seed: 'none',
			users: [
				{ username: 'bob', password: 'bob-pw', apiKey: '0b0b0b0b-0000-4000-8000-000000000000' },
				{ username: 'carol', password: 'carol-pw', apiKey: null, readOnly: true },
			],
		});
		try {
			const bob = createClient(agora.url, {
				authorization: 'X-Agora-Api-Key 0b0b0b0b-0000-4000-8000-000000000000',
			});
			assert.equal((await bob.get('/api/v1/user/current/')).data.username, 'bob');
			assert.equal((await bob.post('/api/v2/project/', { json: { name: 'p' } })).status, 201);
			const login = await createClient(agora.url).post('/api/v1/rest-auth/login/', {
				json: { username: 'carol', password: 'carol-pw' },
			});
			const carol = createClient(agora.url, { authorization: `Token ${login.data.key}` });
			assert.equal((await carol.get('/api/v1/apikey/')).status, 404);
			assert.equal((await carol.post('/api/v2/project/', { json: { name: 'p' } })).status, 403);
		} finally {
			await agora.close();
		}
		await assert.rejects(startAgoraEmulator({ seed: 'full' }), /seed must be/);
		await assert.rejects(
			startAgoraEmulator({ users: [{ username: 'x' }] }),
			/needs username and password/,
		);
		await assert.rejects(startAgoraEmulator({ stepMs: 0 }), /stepMs/);
	});
});

describe('data directory', () => {
	test('state and datafile bytes survive a restart; unfinished runs resume', async () => {
		const dataDir = join(workDir, 'persist');
		let agora = await startAgoraEmulator({ stepMs: 40, dataDir });
		let { alice } = agoraClients(agora.url);
		const folder = (
			await alice.post(`/api/v1/folder/${DEMO.folders.aliceRoot}/new/`, { json: { name: 'kept' } })
		).data;
		const run = await alice.post(`/api/v1/taskdefinition/${DEMO.tasks.resample}/run/`, {
			json: {
				target: { object_id: DEMO.folders.taskResults, object_type: 'folder' },
				inputs: { ds: { object_id: DEMO.datasets.t1Dicom, object_type: 'dataset' }, size: 128 },
			},
		});
		await waitForTimeline(alice, run.data.id, { until: (i) => i.state === 'STARTED' });
		await agora.close();
		assert.ok(existsSync(join(dataDir, 'state.json')));
		assert.ok(existsSync(join(dataDir, 'files', String(DEMO.datafiles.scanDcm))));
		assert.ok(
			!readFileSync(join(dataDir, 'state.json'), 'utf8').includes('alice-password'),
			'no plain passwords on disk',
		);

		agora = await startAgoraEmulator({ stepMs: 20, dataDir });
		try {
			({ alice } = agoraClients(agora.url));
			assert.equal((await alice.get(`/api/v2/folder/${folder.object_id}/`)).data.name, 'kept');
			assert.equal(
				(await alice.get(`/api/v1/datafile/${DEMO.datafiles.scanDcm}/download/`)).text,
				'hello world',
			);
			const { item, seen } = await waitForTimeline(alice, run.data.id);
			assert.equal(item.state, 'FINISHED');
			assert.ok(!seen.includes('QUEUED'), 'resumed, not restarted');
			assert.equal(
				(await alice.get(`/api/v1/dataset/${item.related_objects[0].id}/`)).data.datafiles.length,
				1,
			);
		} finally {
			await agora.close();
		}
		assert.ok(
			existsSync(join(dataDir, 'files', String(DEMO.datafiles.scanDcm))),
			'a data directory is kept on close',
		);
	});

	test('without a data directory the bytes live in a temporary directory that close() removes', async () => {
		const agora = await startAgoraEmulator({ stepMs: 20 });
		const { alice } = agoraClients(agora.url);
		assert.equal(
			(await alice.get(`/api/v1/datafile/${DEMO.datafiles.scanDcm}/download/`)).text,
			'hello world',
		);
		await agora.close();
		await agora.close(); // idempotent
	});
});

describe('command line', () => {
	test('prints one JSON line with the URL, serves, and exits cleanly on SIGTERM', async () => {
		const dataDir = join(workDir, 'cli');
		const child = spawn(
			process.execPath,
			[SERVER, '--port', '0', '--seed', 'demo', '--data-dir', dataDir, '--step-ms', '300'],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		const exited = new Promise((resolve) =>
			child.on('exit', (code, signal) => resolve({ code, signal })),
		);
		try {
			await pollUntil(() => stdout.includes('\n'), {
				timeoutMs: 10_000,
				description: `the ready line (stderr: ${stderr})`,
			});
			const lines = stdout.split('\n').filter(Boolean);
			assert.equal(lines.length, 1);
			const ready = JSON.parse(lines[0]);
			assert.deepEqual(Object.keys(ready), ['emulator', 'url']);
			assert.equal(ready.emulator, 'agora');
			assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
			const res = await createClient(ready.url, { authorization: `Token ${KEYS.alice}` }).get(
				'/api/v2/project/',
			);
			assert.equal(res.status, 200);
			assert.equal(res.data.count, 2, 'seeded');
		} finally {
			child.kill('SIGTERM');
		}
		const { code } = await exited;
		assert.equal(code, 0, stderr);
		assert.ok(existsSync(join(dataDir, 'state.json')), 'the state was written');
		assert.ok(
			JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')).tables.exams.rows.length >= 6,
		);
	});

	test('bad flags exit with code 2 and a usage line', async () => {
		const child = spawn(process.execPath, [SERVER, '--bogus'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stderr = '';
		child.stderr.on('data', (c) => (stderr += c));
		const code = await new Promise((resolve) => child.on('exit', resolve));
		assert.equal(code, 2);
		assert.match(stderr, /unknown flag "--bogus"/);
		assert.match(stderr, /--data-dir/);
	});
});
