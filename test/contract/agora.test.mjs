// Contract tests for the Agora emulator: the checks listed at the end of the API reference
// (agora.md), one test each, numbered like the reference. Checks 5, 6, 7, 17, 18, 19 and 21
// need the transfer protocols (import sessions, chunked uploads, ZIP downloads), which come
// with issue 6. Every test starts from the demo seed (emulators/agora/README.md lists it);
// the reference's example ids are mapped onto the demo's (DEMO in demo-seed.mjs).
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startAgoraEmulator } from '../../emulators/agora/server.mjs';
import { DEMO } from '../../emulators/agora/demo-seed.mjs';
import { agoraClients, apiKeyAuth, waitForTimeline } from '../../emulators/agora/testing.mjs';
import { createClient, pollUntil } from '../../emulators/lib/contract-client.mjs';

const STEP_MS = 25;
const { projects: P, folders: F, exams: E, series: S, datasets: D, tasks: T } = DEMO;
const sha1 = (text) => createHash('sha1').update(text).digest('hex');

let agora;
let alice;
let reader;
let anonymous;
let control;

before(async () => {
	agora = await startAgoraEmulator({ stepMs: STEP_MS });
	({ alice, reader, anonymous } = agoraClients(agora.url));
	control = createClient(agora.url);
});
after(async () => {
	await agora?.close();
});
beforeEach(async () => {
	assert.equal((await control.post('/__emulator/reset')).status, 200);
	await control.post('/__emulator/config', {
		json: { pageSize: 10, version: '7.14.6', stepMs: STEP_MS },
	});
});

describe('Part A: the documented v2 API', () => {
	test('1. Token header: 200 envelope; without it 401 "not provided"', async () => {
		const res = await alice.get('/api/v2/project/');
		assert.equal(res.status, 200);
		assert.deepEqual(Object.keys(res.data), ['count', 'next', 'previous', 'results']);
		assert.equal(res.data.results.length, res.data.count);
		const none = await anonymous.get('/api/v2/project/');
		assert.equal(none.status, 401);
		assert.deepEqual(none.data, { detail: 'Authentication credentials were not provided.' });
		assert.equal(none.headers.get('www-authenticate'), 'Token');
		const bad = await anonymous.get('/api/v2/project/', {
			authorization: 'Token 00000000-0000-4000-8000-000000000000',
		});
		assert.equal(bad.status, 401);
		assert.deepEqual(bad.data, { detail: 'Invalid token.' });
	});

	test('2. page pagination: page size 2, three projects, page 2, no_page, Return All', async () => {
		await control.post('/__emulator/config', { json: { pageSize: 2 } });
		assert.equal(
			(await alice.post('/api/v2/project/', { json: { name: 'Third', description: '' } })).status,
			201,
		);
		const first = await alice.get('/api/v2/project/');
		assert.equal(first.data.count, 3);
		assert.equal(first.data.next, `${agora.url}/api/v2/project/?page=2`);
		assert.equal(first.data.previous, null);
		assert.equal(first.data.results.length, 2);
		const second = await alice.get('/api/v2/project/?page=2');
		assert.equal(second.data.results.length, 1);
		assert.equal(second.data.next, null);
		assert.equal(second.data.previous, `${agora.url}/api/v2/project/`);
		const all = await alice.get('/api/v2/project/?no_page=1');
		assert.ok(Array.isArray(all.data));
		assert.equal(all.data.length, 3);
		// "Return all" by following next.
		const collected = [];
		let url = '/api/v2/project/';
		while (url) {
			const page = await alice.get(url);
			collected.push(...page.data.results);
			url = page.data.next?.slice(agora.url.length) ?? null;
		}
		assert.deepEqual(
			collected.map((p) => p.id),
			all.data.map((p) => p.id),
		);
		assert.deepEqual((await alice.get('/api/v2/project/?page=3')).data, {
			detail: 'Invalid page.',
		});
	});

	test('3. My Agora -> root folder -> items', async () => {
		const my = (await alice.get('/api/v2/project/myagora/')).data;
		assert.equal(my.id, P.aliceMyAgora);
		assert.equal(my.is_myagora, true);
		assert.equal(my.root_folder, F.aliceRoot);
		const root = await alice.get(`/api/v2/project/${my.id}/root_folder/`);
		assert.equal(root.status, 200);
		assert.equal(root.data.id, my.root_folder);
		assert.equal(root.data.name, 'root');
		assert.equal(root.data.project, my.id);
		const items = await alice.get(`/api/v2/folder/${root.data.id}/items/`);
		assert.equal(items.status, 200);
		assert.ok(items.data.count >= 4);
		for (const item of items.data.results) {
			assert.deepEqual(Object.keys(item), [
				'id',
				'folder',
				'object_id',
				'content_type',
				'modified_date',
				'is_link',
				'is_temporary',
				'content_object',
			]);
			assert.equal(item.folder, root.data.id);
			assert.equal(item.content_object.id, item.object_id);
		}
	});

	test('4. walk project -> files; ?project=, ?exam=, ?series= narrow the lists', async () => {
		assert.equal((await alice.get(`/api/v2/exam/${E.brainMri}/`)).status, 200);
		const series = await alice.get(`/api/v2/exam/${E.brainMri}/series/`);
		assert.equal(series.status, 200);
		assert.deepEqual(
			series.data.results.map((s) => s.name),
			['Survey', 'T1 MPRAGE', 'fMRI resting state'],
		);
		const datasets = await alice.get(`/api/v2/series/${S.t1}/datasets/`);
		assert.equal(datasets.status, 200);
		assert.equal(datasets.data.count, 2);
		const files = await alice.get(`/api/v2/dataset/${D.t1Dicom}/datafiles/`);
		assert.equal(files.status, 200);
		assert.equal(files.data.count, 3);
		assert.deepEqual(Object.keys(files.data.results[0]), [
			'id',
			'dataset',
			'type',
			'relative_path',
			'original_filename',
			'size',
			'sha1',
			'is_anonymized',
			'mime_type',
			'created_date',
			'modified_date',
		]);

		const allExams = (await alice.get('/api/v2/exam/')).data.count;
		const shared = (await alice.get(`/api/v2/exam/?project=${P.shared}`)).data;
		assert.ok(shared.count < allExams);
		assert.ok(shared.results.every((e) => e.project === P.shared));
		const ofExam = (await alice.get(`/api/v2/series/?exam=${E.brainMri}`)).data;
		assert.equal(ofExam.count, 3);
		assert.ok(ofExam.count < (await alice.get('/api/v2/series/')).data.count);
		for (const param of ['series', 'serie']) {
			const ofSeries = (await alice.get(`/api/v2/dataset/?${param}=${S.t1}`)).data;
			assert.equal(ofSeries.count, 2);
			assert.ok(ofSeries.results.every((d) => d.serie === S.t1));
		}
	});

	test('8. run task (documented form): QUEUED, STARTED, FINISHED with output; ERROR variant', async () => {
		// Steps long enough that every state is seen even on a loaded machine.
		await control.post('/__emulator/config', { json: { stepMs: 100 } });
		const run = await alice.post('/api/v2/runtask/', {
			json: { task: T.echo, inputs: [{ object_type: 'dataset', object_id: D.t1Dicom }] },
		});
		assert.equal(run.status, 200);
		assert.deepEqual(Object.keys(run.data), ['timeline_item_id']);
		const { item, seen } = await waitForTimeline(alice, run.data.timeline_item_id);
		assert.deepEqual(seen, ['QUEUED', 'STARTED', 'FINISHED']);
		assert.equal(item.output, 'done');
		assert.match(item.log, /finished/);

		const failing = await alice.post('/api/v2/runtask/', {
			json: { task: T.failing, inputs: [{ object_type: 'dataset', object_id: D.t1Dicom }] },
		});
		const failed = (await waitForTimeline(alice, failing.data.timeline_item_id)).item;
		assert.equal(failed.state, 'ERROR');
		assert.equal(failed.output, 'starting');
		assert.equal(failed.error, 'exit code 1');
	});

	test('9. cancel a running item: CANCELING, then CANCELED', async () => {
		const run = await alice.post('/api/v2/runtask/', {
			json: { task: T.long, inputs: [{ object_type: 'dataset', object_id: D.t1Dicom }] },
		});
		const id = run.data.timeline_item_id;
		await waitForTimeline(alice, id, { until: (i) => i.state === 'STARTED' });
		const cancel = await alice.post(`/api/v2/timelineitem/${id}/cancel/`);
		assert.equal(cancel.status, 200);
		assert.equal(cancel.data.state, 'CANCELING');
		const { item } = await waitForTimeline(alice, id);
		assert.equal(item.state, 'CANCELED');
		assert.equal(item.data.state, 5);
		const again = await alice.post(`/api/v2/timelineitem/${id}/cancel/`);
		assert.equal(again.status, 400);
		assert.match(again.data.detail, /not running/);
	});

	test('10. AQL query returns the matching exams; a malformed query is 400 with detail', async () => {
		const res = await alice.post('/api/v2/search/query/', {
			json: { query: 'exam.name ~ "brain" AND exam.start_time.year = 2024' },
		});
		assert.equal(res.status, 200);
		assert.deepEqual(
			res.data.results.map((e) => e.name),
			['Brain MRI', 'Brain MRI follow-up'],
		);
		for (const query of [
			'exam.name ~',
			'exam.name = "brain',
			'exam.nope = 1',
			'AND exam.name = "x"',
			'(exam.name = "x"',
		]) {
			const bad = await alice.post('/api/v2/search/query/', { json: { query } });
			assert.equal(bad.status, 400, query);
			assert.equal(typeof bad.data.detail, 'string', query);
		}
	});

	test('11. current user: GET and PATCH /api/v2/user/me/', async () => {
		const me = await alice.get('/api/v2/user/me/');
		assert.equal(me.status, 200);
		assert.equal(me.data.username, 'alice');
		assert.equal(me.data.email, 'alice@example.org');
		const patched = await alice.patch('/api/v2/user/me/', { json: { first_name: 'M' } });
		assert.equal(patched.status, 200);
		assert.equal(patched.data.first_name, 'M');
		assert.equal(patched.data.last_name, 'Anderson');
		assert.equal((await alice.get('/api/v2/user/me/')).data.first_name, 'M');
		const bad = await alice.patch('/api/v2/user/me/', { json: { email: 'not-an-email' } });
		assert.equal(bad.status, 400);
		assert.deepEqual(bad.data, { email: ['Enter a valid email address.'] });
	});
});

describe('Part B: connector behaviour', () => {
	test('12. X-Agora-Api-Key header: 200; a wrong key 401', async () => {
		const res = await anonymous.get('/api/v2/project/?limit=10000000000', {
			authorization: apiKeyAuth('alice'),
		});
		assert.equal(res.status, 200);
		const wrong = await anonymous.get('/api/v2/project/?limit=10000000000', {
			authorization: 'X-Agora-Api-Key 11111111-2222-4333-8444-555555555555',
		});
		assert.equal(wrong.status, 401);
		assert.deepEqual(wrong.data, { detail: 'Invalid token.' });
	});

	test('13. connection check and version (with the 6.9.0 and dev variants)', async () => {
		const current = await alice.get('/api/v1/user/current/');
		assert.equal(current.status, 200);
		assert.equal(current.data.id, DEMO.users.alice);
		assert.equal(current.data.username, 'alice');
		assert.equal(current.data.institution, 'ETH Zurich');
		assert.equal(current.data.email, 'alice@example.org');
		const version = await anonymous.get('/api/v1/version/');
		assert.equal(version.status, 200);
		assert.deepEqual(version.data, { server: 'Agora', version: '7.14.6' });
		for (const v of ['6.9.0', 'dev']) {
			await control.post('/__emulator/config', { json: { version: v } });
			assert.equal((await anonymous.get('/api/v1/version/')).data.version, v);
		}
	});

	test('14. list unwrapping: limit gives an envelope of 2 projects, no_page a bare array', async () => {
		const res = await alice.get('/api/v2/project/?limit=10000000000', {
			authorization: apiKeyAuth('alice'),
		});
		assert.equal(res.data.count, 2);
		assert.equal(res.data.results.length, 2);
		assert.equal(res.data.next, null);
		assert.equal(res.data.offset, 0);
		const bare = await alice.get('/api/v2/project/?no_page=1');
		assert.deepEqual(
			bare.data.map((p) => p.id),
			res.data.results.map((p) => p.id),
		);
	});

	test('15. v1 items: bare array with a folder item and a linked serie item', async () => {
		const res = await alice.get(`/api/v1/folder/${F.aliceRoot}/items/?limit=10000000000`);
		assert.equal(res.status, 200);
		assert.ok(Array.isArray(res.data));
		const folder = res.data.find((it) => it.content_type === 'folder');
		assert.equal(folder.content_object.name, 'data');
		const serie = res.data.find((it) => it.content_type === 'serie');
		assert.equal(serie.is_link, true);
		assert.equal(serie.object_id, S.t1);
		assert.equal(serie.content_object.name, 'T1 MPRAGE');
		const dataset = res.data.find((it) => it.content_type === 'dataset');
		assert.ok(Array.isArray(dataset.content_object.datafiles), 'v1 embeds datafiles');
		const v2 = await alice.get(`/api/v2/folder/${F.aliceRoot}/items/`);
		assert.equal(v2.data.count, res.data.length);
		assert.equal(
			v2.data.results.find((it) => it.content_type === 'dataset').content_object.datafiles,
			undefined,
		);
	});

	test('16. create folder: 201 folder item whose content_object is the new folder', async () => {
		const res = await alice.post(`/api/v1/folder/${F.aliceRoot}/new/`, {
			json: { name: 'Results' },
		});
		assert.equal(res.status, 201);
		assert.equal(res.data.folder, F.aliceRoot);
		assert.equal(res.data.content_type, 'folder');
		assert.equal(res.data.object_id, res.data.content_object.id);
		assert.equal(res.data.content_object.name, 'Results');
		assert.equal(res.data.content_object.project, P.aliceMyAgora);
		const folder = await alice.get(`/api/v2/folder/${res.data.object_id}/`);
		assert.deepEqual(Object.keys(folder.data).slice(0, 5), [
			'id',
			'name',
			'project',
			'queries',
			'locked',
		]);
	});

	test('20. datafile metadata and download: hello world', async () => {
		const ds = await alice.get(`/api/v1/dataset/${D.scan}/`);
		assert.equal(ds.status, 200);
		assert.equal(ds.data.datafiles.length, 1);
		const [df] = ds.data.datafiles;
		assert.equal(df.id, DEMO.datafiles.scanDcm);
		assert.equal(df.original_filename, 'scan.dcm');
		assert.equal(df.size, 11);
		assert.equal(df.sha1, sha1('hello world'));
		const file = await alice.get(`/api/v1/datafile/${df.id}/download/`);
		assert.equal(file.status, 200);
		assert.equal(file.text, 'hello world');
		assert.equal(file.headers.get('content-length'), '11');
		assert.match(file.headers.get('content-disposition'), /filename="scan\.dcm"/);
		const missing = await alice.get('/api/v1/datafile/999999/download/');
		assert.equal(missing.status, 404);
		assert.deepEqual(missing.data, { detail: 'Not found.' });
	});

	test('22. keyed task run: definition, exact body -> 200 item with data.state 6, validation', async () => {
		const def = (await alice.get(`/api/v1/taskdefinition/${T.resample}/`)).data;
		assert.deepEqual(
			def.inputs.map(({ key, type, required }) => ({ key, type, required })),
			[
				{ key: 'ds', type: 3, required: true },
				{ key: 'size', type: 6, required: true },
			],
		);
		assert.equal(def.outputs[0].id, 1);
		assert.equal(def.outputs[0].type, 2);
		const body = {
			target: { object_id: F.taskResults, object_type: 'folder' },
			inputs: { ds: { object_id: D.t1Dicom, object_type: 'dataset' }, size: 1024 },
		};
		const run = await alice.post(`/api/v1/taskdefinition/${T.resample}/run/`, { json: body });
		assert.equal(run.status, 200);
		assert.equal(typeof run.data.id, 'number');
		assert.equal(run.data.data.state, 6);
		assert.equal(run.data.state, 'QUEUED');

		const missingInput = await alice.post(`/api/v1/taskdefinition/${T.resample}/run/`, {
			json: { target: body.target, inputs: { ds: body.inputs.ds } },
		});
		assert.equal(missingInput.status, 400);
		assert.deepEqual(missingInput.data, { inputs: { size: ['This field is required.'] } });
		const missingTarget = await alice.post(`/api/v1/taskdefinition/${T.resample}/run/`, {
			json: { inputs: body.inputs },
		});
		assert.equal(missingTarget.status, 400);
		assert.deepEqual(missingTarget.data, { target: ['This field is required.'] });
	});

	test('23. timeline join: states 6 -> 1 -> 2 with related objects; ERROR 3 with messages; CANCELED 5', async () => {
		await control.post('/__emulator/config', { json: { stepMs: 100 } });
		const run = await alice.post(`/api/v1/taskdefinition/${T.resample}/run/`, {
			json: {
				target: { object_id: F.taskResults, object_type: 'folder' },
				inputs: { ds: { object_id: D.t1Dicom, object_type: 'dataset' }, size: 64 },
			},
		});
		const codes = [];
		const done = await pollUntil(
			async () => {
				const item = (await alice.get(`/api/v2/timeline/${run.data.id}/`)).data;
				if (codes.at(-1) !== item.data.state) codes.push(item.data.state);
				return item.data.state === 2 ? item : false;
			},
			{ timeoutMs: 10_000, intervalMs: 2, description: 'the run to finish' },
		);
		assert.deepEqual(codes, [6, 1, 2]);
		assert.equal(done.data.related_objects.length, 1);
		const created = await alice.get(`/api/v2/dataset/${done.data.related_objects[0].id}/`);
		assert.equal(created.status, 200);
		assert.equal(created.data.name, 'Resample - resampled');
		const results = await alice.get(`/api/v1/folder/${F.taskResults}/items/`);
		assert.ok(results.data.some((it) => it.object_id === created.data.id));

		const fail = await alice.post(`/api/v1/taskdefinition/${T.failing}/run/`, {
			json: { target: null, inputs: { ds: { object_id: D.t1Dicom, object_type: 'dataset' } } },
		});
		const failed = (await waitForTimeline(alice, fail.data.id, { route: '/api/v2/timeline/' }))
			.item;
		assert.equal(failed.data.state, 3);
		assert.equal(failed.error, 'exit code 1');
		assert.equal(failed.data.error.message, 'exit code 1');

		const long = await alice.post(`/api/v1/taskdefinition/${T.long}/run/`, {
			json: { target: null, inputs: { ds: { object_id: D.t1Dicom, object_type: 'dataset' } } },
		});
		await alice.post(`/api/v2/timeline/${long.data.id}/cancel/`);
		const canceled = (await waitForTimeline(alice, long.data.id, { route: '/api/v2/timeline/' }))
			.item;
		assert.equal(canceled.data.state, 5);
	});

	test('24. tag and untag (form and JSON): 201, then 204', async () => {
		const form = await alice.post('/api/v2/tag-instance/', {
			form: {
				tag_definition: DEMO.tags.good,
				tagged_object_content_type: 'serie',
				tagged_object_id: S.fmri,
			},
		});
		assert.equal(form.status, 201);
		assert.equal(typeof form.data.id, 'number');
		assert.equal(form.data.tagged_object_content_type, 'serie');
		const json = await alice.post('/api/v2/tag-instance/', {
			json: {
				tag_definition: DEMO.tags.good,
				tagged_object_content_type: 'series',
				tagged_object_id: S.survey,
			},
		});
		assert.equal(json.status, 201);
		const tags = await alice.get(`/api/v2/series/${S.fmri}/tags/`);
		assert.deepEqual(
			tags.data.results.map((t) => t.label),
			['good'],
		);
		assert.equal((await alice.delete(`/api/v2/tag-instance/${form.data.id}/`)).status, 204);
		assert.equal((await alice.get(`/api/v2/series/${S.fmri}/tags/`)).data.count, 0);
		assert.equal((await alice.delete(`/api/v2/tag-instance/${form.data.id}/`)).status, 404);
	});

	test('25. parameters: bare list of 2 sets, flat set, PATCH merged list, 403 for an observer', async () => {
		const sets = await alice.get(`/api/v2/dataset/${D.t1Dicom}/parametersets/`);
		assert.equal(sets.status, 200);
		assert.ok(Array.isArray(sets.data));
		assert.equal(sets.data.length, 2);
		assert.deepEqual(Object.keys(sets.data[0]), ['id', 'name', 'read_only']);
		const user = sets.data.find((s) => !s.read_only);
		const flat = await alice.get(`/api/v2/parameterset/${user.id}/?flat=True`);
		assert.deepEqual(flat.data.parameters, [
			{ Name: 'TR', Value: 1.5 },
			{ Name: 'TE', Value: 0.03 },
		]);
		const merged = flat.data.parameters.map((p) => (p.Name === 'TR' ? { ...p, Value: 2.5 } : p));
		const patch = await alice.patch(`/api/v2/parameterset/${user.id}/`, {
			json: { name: flat.data.name, parameters: merged },
		});
		assert.equal(patch.status, 200);
		assert.deepEqual(
			(await alice.get(`/api/v2/parameterset/${user.id}/?flat=True`)).data.parameters,
			merged,
		);
		const denied = await reader.get(`/api/v2/dataset/${D.t1Dicom}/parametersets/`);
		assert.equal(denied.status, 403);
		assert.deepEqual(denied.data, { detail: 'You do not have permission to perform this action.' });
	});

	test('26. lock / unlock with form ids=1 and JSON {"ids": [1]}', async () => {
		const lock = await alice.post('/api/v2/exam/lock_ids/', { form: { ids: E.brainMri } });
		assert.equal(lock.status, 200);
		assert.equal((await alice.get(`/api/v2/exam/${E.brainMri}/`)).data.locked, true);
		assert.equal(
			(await alice.put(`/api/v1/exam/${E.brainMri}/`, { json: { name: 'renamed' } })).status,
			403,
		);
		const unlock = await alice.post('/api/v2/exam/unlock_ids/', { json: { ids: [E.brainMri] } });
		assert.equal(unlock.status, 200);
		assert.equal((await alice.get(`/api/v2/exam/${E.brainMri}/`)).data.locked, false);
		assert.equal(
			(await alice.post('/api/v2/exam/lock_ids/', { json: { ids: [E.brainMri, E.wristMri] } }))
				.status,
			200,
		);
		assert.equal((await alice.get(`/api/v2/exam/${E.wristMri}/`)).data.locked, true);
	});

	test('27. empty trash: list covers 2 projects; DELETE .../delete (no slash) -> 204 per item', async () => {
		const trash = await alice.get('/api/v1/trash/?limit=10000000000');
		const projects = new Set(trash.data.results.map((t) => t.project));
		assert.deepEqual([...projects].sort(), [P.aliceMyAgora, P.shared]);
		const mine = trash.data.results.filter((t) => t.project === P.aliceMyAgora);
		for (const item of mine)
			assert.equal((await alice.delete(`/api/v1/trash/${item.id}/delete`)).status, 204);
		const left = (await alice.get('/api/v1/trash/?limit=10000000000')).data.results;
		assert.deepEqual(
			left.map((t) => t.project),
			[P.shared],
		);
	});

	test('28. breadcrumb: root/data/my_folder, parent is entry [-2]', async () => {
		const res = await alice.get(`/api/v1/folder/${F.myFolder}/breadcrumb/`);
		assert.equal(res.status, 200);
		assert.deepEqual(
			res.data.map(({ object_id, name }) => ({ object_id, name })),
			[
				{ object_id: F.aliceRoot, name: 'root' },
				{ object_id: F.data, name: 'data' },
				{ object_id: F.myFolder, name: 'my_folder' },
			],
		);
		assert.equal(res.data.map((e) => e.name).join('/'), 'root/data/my_folder');
		assert.equal(res.data.at(-2).object_id, F.data);
	});

	test('29. relations: bare array; the other end is a readable series', async () => {
		const res = await alice.get(`/api/v1/serie/${S.survey}/datarelations/`);
		assert.equal(res.status, 200);
		assert.ok(Array.isArray(res.data));
		const [relation] = res.data;
		const other =
			relation.from_object.object_id === S.survey ? relation.to_object : relation.from_object;
		assert.deepEqual(other, { object_id: S.t1, content_type: 'serie' });
		assert.equal((await alice.get(`/api/v1/serie/${other.object_id}/`)).data.name, 'T1 MPRAGE');
		const exam = await alice.get(`/api/v1/exam/${E.brainMri}/datarelations/`);
		assert.equal(exam.data[0].to_object.object_id, E.brainFollowUp);
	});

	test('30. link (empty form) -> 201 is_link item; unlink -> 204, the exam stays', async () => {
		const link = await alice.post(`/api/v1/exam/${E.brainFollowUp}/link_to/${F.myFolder}/`, {
			body: '',
			contentType: 'application/x-www-form-urlencoded',
		});
		assert.equal(link.status, 201);
		assert.equal(link.data.is_link, true);
		assert.equal(link.data.content_type, 'exam');
		assert.equal(link.data.folder, F.myFolder);
		const items = (await alice.get(`/api/v1/folder/${F.myFolder}/items/`)).data;
		assert.ok(items.some((it) => it.id === link.data.id));
		assert.equal((await alice.delete(`/api/v1/folderitem/${link.data.id}/`)).status, 204);
		assert.equal((await alice.get(`/api/v1/folder/${F.myFolder}/items/`)).data.length, 0);
		assert.equal((await alice.get(`/api/v1/exam/${E.brainFollowUp}/`)).status, 200);
	});

	test('31. exam copy: 200 timeline item; at state 2 related_objects holds the source and the copy', async () => {
		const res = await alice.post(
			`/api/v2/exam/${E.brainMri}/copy_to/${P.aliceMyAgora}/folder/${F.data}/`,
			{ json: {} },
		);
		assert.equal(res.status, 200);
		assert.deepEqual(
			res.data.data.related_objects.map((r) => r.id),
			[E.brainMri],
		);
		const { item } = await waitForTimeline(alice, res.data.id, { route: '/api/v2/timeline/' });
		assert.equal(item.data.state, 2);
		const ids = item.data.related_objects.map((r) => r.id);
		assert.equal(ids.length, 2);
		assert.ok(ids.includes(E.brainMri));
		const copyId = ids.find((id) => id !== E.brainMri);
		const copy = (await alice.get(`/api/v2/exam/${copyId}/`)).data;
		assert.equal(copy.name, 'Brain MRI');
		assert.equal(copy.project, P.aliceMyAgora);
		assert.equal((await alice.get(`/api/v2/exam/${copyId}/series/`)).data.count, 3);
		assert.ok(
			(await alice.get(`/api/v1/folder/${F.data}/items/`)).data.some(
				(it) => it.object_id === copyId && it.content_type === 'exam',
			),
		);
	});

	test('32. full-text search and django-style filters on /api/v1/exam/', async () => {
		const res = await alice.get('/api/v1/search/fulltext/?q=brain&t=2');
		assert.equal(res.status, 200);
		assert.ok(res.data.count >= 3);
		assert.ok(res.data.results.every((r) => r.content_type === 'exam' && /brain/i.test(r.name)));
		const wrist = await alice.get('/api/v1/exam/?name__icontains=wrist');
		assert.deepEqual(
			wrist.data.results.map((e) => e.name),
			['Wrist MRI'],
		);
		const year = await alice.get('/api/v1/exam/?start_time__year=2024');
		assert.deepEqual(
			year.data.results.map((e) => e.name),
			['Brain MRI', 'Brain MRI follow-up'],
		);
	});

	test('33. users and groups lists', async () => {
		const users = await alice.get('/api/v1/user/?limit=10000000000');
		assert.equal(users.status, 200);
		assert.deepEqual(
			users.data.results.map((u) => u.username),
			['alice', 'admin', 'reader'],
		);
		assert.deepEqual(
			(await alice.get('/api/v1/user/?username=reader&limit=10000000000')).data.results.map(
				(u) => u.id,
			),
			[DEMO.users.reader],
		);
		const groups = await alice.get('/api/v1/groups/?limit=10000000000');
		assert.equal(groups.status, 200);
		assert.deepEqual((await alice.get('/api/v2/group/')).data.results, groups.data.results);
		assert.deepEqual(
			groups.data.results.map((g) => g.name),
			['MR Physics', 'Radiology'],
		);
	});

	test('34. no trailing slash and form-encoded POSTs work', async () => {
		const current = await alice.get('/api/v1/user/current');
		assert.equal(current.status, 200);
		assert.equal(current.data.username, 'alice');
		assert.equal((await alice.get(`/api/v2/exam/${E.brainMri}`)).status, 200);
		// Forms for the POSTs of checks 16, 22, 24, 25 and 26 (24 and 26 are form-encoded above).
		const folder = await alice.post(`/api/v1/folder/${F.aliceRoot}/new`, {
			form: { name: 'Form folder' },
		});
		assert.equal(folder.status, 201);
		assert.equal(folder.data.content_object.name, 'Form folder');
		const run = await alice.post(`/api/v1/taskdefinition/${T.resample}/run/`, {
			form: {
				target: JSON.stringify({ object_id: F.taskResults, object_type: 'folder' }),
				inputs: JSON.stringify({ ds: { object_id: D.t1Dicom, object_type: 'dataset' }, size: 32 }),
			},
		});
		assert.equal(run.status, 200, run.text);
		const seedRun = await alice.post('/api/v2/runtask/', {
			form: {
				task: T.echo,
				inputs: JSON.stringify([{ object_type: 'dataset', object_id: D.t1Dicom }]),
			},
		});
		assert.equal(seedRun.status, 200, seedRun.text);
		const set = await alice.post(`/api/v2/dataset/${D.t1Nifti}/parametersets/`, {
			form: { name: 'User Parameters', parameters: JSON.stringify([{ Name: 'TR', Value: 1.5 }]) },
		});
		assert.equal(set.status, 201);
		assert.deepEqual(Object.keys(set.data), ['id', 'name', 'read_only']);
		const project = await alice.post('/api/v2/project/', { form: { name: 'Form project' } });
		assert.equal(project.status, 201);
		const login = await anonymous.post('/api/v1/rest-auth/login', {
			form: { username: 'alice', password: 'alice-password' },
		});
		assert.equal(login.status, 200);
	});
});
