// Contract tests for the Agora emulator, part 2: behaviour beyond the reference's numbered
// checks that the node relies on — the authentication variants of B.3, the status codes of
// B.11, permissions, folders and the trash, copy/move, tasks and the timeline, search and
// saved queries, tags, parameters, users. Every test starts from the demo seed.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgoraEmulator } from '../../emulators/agora/server.mjs';
import { DEMO } from '../../emulators/agora/demo-seed.mjs';
import { agoraClients, KEYS, waitForTimeline } from '../../emulators/agora/testing.mjs';
import { basicAuth, createClient } from '../../emulators/lib/contract-client.mjs';

const { projects: P, folders: F, exams: E, series: S, datasets: D, tasks: T } = DEMO;

let agora;
let alice;
let admin;
let reader;
let anonymous;
let control;

before(async () => {
	agora = await startAgoraEmulator({ stepMs: 20 });
	({ alice, admin, reader, anonymous } = agoraClients(agora.url));
	control = createClient(agora.url);
});
after(async () => {
	await agora?.close();
});
beforeEach(async () => {
	assert.equal((await control.post('/__emulator/reset')).status, 200);
});

describe('authentication (B.3)', () => {
	test('rest-auth login (form or JSON) gives one session key; Token <key> works until logout', async () => {
		const form = await anonymous.post('/api/v1/rest-auth/login/', {
			form: { username: 'alice', password: 'alice-password' },
		});
		assert.equal(form.status, 200);
		assert.match(form.data.key, /^[0-9a-f]{40}$/);
		const json = await anonymous.post('/api/v1/rest-auth/login/', {
			json: { username: 'alice', password: 'alice-password' },
		});
		assert.equal(json.data.key, form.data.key, 'one token per user');
		const session = createClient(agora.url, { authorization: `Token ${form.data.key}` });
		assert.equal((await session.get('/api/v2/user/me/')).data.username, 'alice');
		const sessionAsApiKey = await anonymous.get('/api/v2/user/me/', {
			authorization: `X-Agora-Api-Key ${form.data.key}`,
		});
		assert.equal(sessionAsApiKey.status, 401, 'X-Agora-Api-Key takes API keys only');
		assert.equal((await session.post('/api/v1/rest-auth/logout/')).status, 200);
		assert.deepEqual((await session.get('/api/v2/user/me/')).data, { detail: 'Invalid token.' });
	});

	test('login failures are 400 with DRF field errors', async () => {
		const wrong = await anonymous.post('/api/v1/rest-auth/login/', {
			json: { username: 'alice', password: 'nope' },
		});
		assert.equal(wrong.status, 400);
		assert.deepEqual(wrong.data, {
			non_field_errors: ['Unable to log in with provided credentials.'],
		});
		const missing = await anonymous.post('/api/v1/rest-auth/login/', {
			json: { username: 'alice' },
		});
		assert.deepEqual(missing.data, { password: ['This field is required.'] });
	});

	test('Basic credentials fetch the API key; GET apikey 404 without one, POST makes a new one', async () => {
		const basic = await anonymous.get('/api/v1/apikey/', {
			authorization: basicAuth('alice', 'alice-password'),
		});
		assert.deepEqual(basic.data, { key: KEYS.alice });
		const wrong = await anonymous.get('/api/v1/apikey/', {
			authorization: basicAuth('alice', 'bad'),
		});
		assert.equal(wrong.status, 401);
		assert.deepEqual(wrong.data, { detail: 'Invalid username/password.' });
		assert.equal((await admin.delete('/api/v1/apikey/')).status, 204);
		const adminBasic = basicAuth('admin', 'admin-password');
		assert.equal(
			(await anonymous.get('/api/v1/apikey/', { authorization: adminBasic })).status,
			404,
		);
		assert.equal(
			(await admin.get('/api/v2/user/me/')).status,
			401,
			'the withdrawn key no longer works',
		);
		const created = await anonymous.post('/api/v1/apikey/', {
			authorization: adminBasic,
			json: {},
		});
		assert.equal(created.status, 201);
		assert.match(
			created.data.key,
			/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
		);
		const fresh = await anonymous.get('/api/v2/user/me/', {
			authorization: `X-Agora-Api-Key ${created.data.key}`,
		});
		assert.equal(fresh.data.username, 'admin');
	});

	test('malformed and foreign Authorization headers', async () => {
		assert.deepEqual((await anonymous.get('/api/v2/project/', { authorization: 'Token' })).data, {
			detail: 'Invalid token header. No credentials provided.',
		});
		assert.deepEqual(
			(await anonymous.get('/api/v2/project/', { authorization: 'Token a b' })).data,
			{
				detail: 'Invalid token header. Token string should not contain spaces.',
			},
		);
		const bearer = await anonymous.get('/api/v2/project/', {
			authorization: `Bearer ${KEYS.alice}`,
		});
		assert.equal(bearer.status, 401);
		assert.deepEqual(bearer.data, { detail: 'Authentication credentials were not provided.' });
		assert.equal(
			(await anonymous.get('/api/v2/project/', { authorization: `token ${KEYS.alice}` })).status,
			200,
		);
		// Open routes ignore bad credentials.
		assert.equal(
			(await anonymous.get('/api/v1/version/', { authorization: 'Token bogus' })).status,
			200,
		);
	});
});

describe('status codes (B.11)', () => {
	test('404: unknown object JSON, unknown path Django HTML, non-integer id routing 404', async () => {
		const missing = await alice.get('/api/v2/exam/99999/');
		assert.equal(missing.status, 404);
		assert.deepEqual(missing.data, { detail: 'Not found.' });
		const unknown = await alice.get('/api/v2/nothing/');
		assert.equal(unknown.status, 404);
		assert.match(unknown.contentType, /^text\/html/);
		assert.equal((await alice.get('/api/v2/exam/abc/')).status, 404);
		const otherProject = await alice.get(`/api/v2/exam/${E.cardiacCine}/`);
		assert.equal(otherProject.status, 404, 'objects of projects alice is not in are invisible');
	});

	test('405 with Allow; OPTIONS lists the methods', async () => {
		const res = await alice.request('PATCH', '/api/v2/project/myagora/');
		assert.equal(res.status, 405);
		assert.deepEqual(res.data, { detail: 'Method "PATCH" not allowed.' });
		assert.equal(res.headers.get('allow'), 'GET, HEAD, OPTIONS');
		const options = await alice.request('OPTIONS', '/api/v2/project/');
		assert.equal(options.status, 200);
		assert.equal(options.headers.get('allow'), 'GET, HEAD, OPTIONS, POST');
	});

	test('400 field errors, JSON parse errors, 415 for other bodies', async () => {
		const required = await alice.post('/api/v2/project/', { json: { description: 'x' } });
		assert.equal(required.status, 400);
		assert.deepEqual(required.data, { name: ['This field is required.'] });
		const blank = await alice.post('/api/v2/project/', { json: { name: '  ' } });
		assert.deepEqual(blank.data, { name: ['This field may not be blank.'] });
		const parse = await alice.post('/api/v2/project/', {
			body: '{"name": ',
			contentType: 'application/json',
		});
		assert.equal(parse.status, 400);
		assert.equal(
			parse.data.detail,
			'JSON parse error - Expecting value: line 1 column 10 (char 9)',
		);
		const text = await alice.post('/api/v2/project/', { body: 'name', contentType: 'text/plain' });
		assert.equal(text.status, 415);
		assert.deepEqual(text.data, { detail: 'Unsupported media type "text/plain" in request.' });
	});

	test('201 on every create the connectors insist on', async () => {
		const project = await alice.post('/api/v2/project/', {
			json: { name: 'New', description: 'd' },
		});
		assert.equal(project.status, 201);
		assert.equal(project.data.is_myagora, false);
		assert.equal(typeof project.data.root_folder, 'number');
		const statuses = {
			folderNew: (
				await alice.post(`/api/v1/folder/${project.data.root_folder}/new/`, { json: { name: 'a' } })
			).status,
			linkTo: (
				await alice.post(`/api/v1/dataset/${D.t1Nifti}/link_to/${project.data.root_folder}/`, {
					form: {},
				})
			).status,
			tagInstance: (
				await alice.post('/api/v2/tag-instance/', {
					json: {
						tag_definition: DEMO.tags.review,
						tagged_object_content_type: 'exam',
						tagged_object_id: E.wristMri,
					},
				})
			).status,
			tagDefinition: (
				await alice.post('/api/v2/tag-definition/', {
					json: {
						label: 'new',
						user: 1,
						project: P.shared,
						group: null,
						color: '#112233',
						visibility: 2,
						scope: 1,
					},
				})
			).status,
			parameterSet: (
				await alice.post(`/api/v2/exam/${E.wristMri}/parametersets/`, {
					json: { name: 'User Parameters', parameters: [{ Name: 'TR', Value: 1.5 }] },
				})
			).status,
			task: (
				await alice.post('/api/v1/taskdefinition/', {
					json: {
						id: null,
						name: 'mine',
						project: P.shared,
						inputs: [],
						outputs: [],
						execute_template: 'echo hi',
					},
				})
			).status,
			membership: (
				await alice.post('/api/v2/projectmembership/', {
					json: { project: project.data.id, role: 3, user: DEMO.users.reader },
				})
			).status,
		};
		assert.deepEqual(statuses, {
			folderNew: 201,
			linkTo: 201,
			tagInstance: 201,
			tagDefinition: 201,
			parameterSet: 201,
			task: 201,
			membership: 201,
		});
	});

	test('204 on every delete the connectors insist on', async () => {
		const folder = (
			await alice.post(`/api/v1/folder/${F.aliceRoot}/new/`, { json: { name: 'tmp' } })
		).data;
		const link = (
			await alice.post(`/api/v1/exam/${E.wristMri}/link_to/${F.myFolder}/`, { form: {} })
		).data;
		const tag = (
			await alice.post('/api/v2/tag-instance/', {
				form: {
					tag_definition: DEMO.tags.good,
					tagged_object_content_type: 'exam',
					tagged_object_id: E.wristMri,
				},
			})
		).data;
		const task = (
			await alice.post('/api/v1/taskdefinition/', { json: { name: 'x', project: P.shared } })
		).data;
		const statuses = {
			folder: (await alice.delete(`/api/v2/folder/${folder.object_id}/`)).status,
			folderItem: (await alice.delete(`/api/v1/folderitem/${link.id}/`)).status,
			tagInstance: (await alice.delete(`/api/v2/tag-instance/${tag.id}/`)).status,
			task: (await alice.delete(`/api/v1/taskdefinition/${task.id}/`)).status,
			exam: (await alice.delete(`/api/v1/exam/${E.brainFollowUp}/`)).status,
			trashItem: (await alice.delete(`/api/v1/trash/${DEMO.trash.oldData}/delete`)).status,
		};
		assert.deepEqual(statuses, {
			folder: 204,
			folderItem: 204,
			tagInstance: 204,
			task: 204,
			exam: 204,
			trashItem: 204,
		});
	});

	test('403 for the read-only user and for observers; 403 for members without the manager role', async () => {
		const denied = { detail: 'You do not have permission to perform this action.' };
		assert.deepEqual((await reader.post('/api/v2/project/', { json: { name: 'x' } })).data, denied);
		assert.equal(
			(await reader.post(`/api/v1/folder/${F.sharedRoot}/new/`, { json: { name: 'x' } })).status,
			403,
		);
		assert.equal((await reader.get(`/api/v2/exam/${E.brainMri}/`)).status, 200, 'observers read');
		assert.equal(
			(await reader.get(`/api/v2/parameterset/${DEMO.parametersets.t1User}/?flat=True`)).status,
			403,
		);
		assert.equal(
			(await reader.patch('/api/v2/user/me/', { json: { first_name: 'R' } })).status,
			200,
			'own profile',
		);
		assert.equal(
			(await alice.put(`/api/v2/project/${P.shared}/`, { json: { name: 'mine now' } })).status,
			403,
		);
		assert.equal(
			(await admin.put(`/api/v2/project/${P.shared}/`, { json: { name: 'Renamed' } })).data.name,
			'Renamed',
		);
		assert.equal(
			(await alice.post('/api/v1/user/', { form: { username: 'x', password: 'y' } })).status,
			403,
		);
	});
});

describe('folders and the trash', () => {
	test('get-or-create: a duplicate name is 400; v2 POST /folder/ {name, parent}', async () => {
		const dup = await alice.post(`/api/v1/folder/${F.aliceRoot}/new/`, { json: { name: 'data' } });
		assert.equal(dup.status, 400);
		assert.deepEqual(dup.data, { name: ['A folder with the name "data" already exists.'] });
		const items = (await alice.get(`/api/v1/folder/${F.aliceRoot}/items/`)).data;
		assert.equal(
			items.find((it) => it.content_type === 'folder' && it.content_object.name === 'data')
				.object_id,
			F.data,
		);
		const created = await alice.post('/api/v2/folder/', { json: { name: 'made', parent: F.data } });
		assert.equal(created.status, 201);
		assert.equal(created.data.parent, F.data);
		assert.equal(created.data.project, P.aliceMyAgora);
		const badParent = await alice.post('/api/v2/folder/', { json: { name: 'x', parent: 99999 } });
		assert.deepEqual(badParent.data, { parent: ['Invalid pk "99999" - object does not exist.'] });
		const listed = await alice.get(`/api/v2/folder/?project=${P.aliceMyAgora}&no_page=1`);
		assert.ok(listed.data.some((f) => f.id === created.data.id));
	});

	test('recursive delete goes to the trash and does not follow links; restore brings it back', async () => {
		const top = (await alice.post(`/api/v1/folder/${F.aliceRoot}/new/`, { json: { name: 'top' } }))
			.data.object_id;
		const sub = (await alice.post(`/api/v1/folder/${top}/new/`, { json: { name: 'sub' } })).data
			.object_id;
		await alice.post(`/api/v2/dataset/${D.scan}/move_to/${P.aliceMyAgora}/folder/${sub}/`, {
			json: {},
		});
		await alice.post(`/api/v1/exam/${E.wristMri}/link_to/${top}/`, { form: {} });
		assert.equal((await alice.delete(`/api/v2/folder/${top}/`)).status, 204);
		assert.equal((await alice.get(`/api/v2/folder/${top}/`)).status, 404);
		assert.equal((await alice.get(`/api/v2/folder/${sub}/`)).status, 404);
		assert.equal((await alice.get(`/api/v2/dataset/${D.scan}/`)).status, 404);
		assert.equal(
			(await alice.get(`/api/v2/exam/${E.wristMri}/`)).status,
			200,
			'the linked exam stays',
		);
		const trash = (await alice.get('/api/v1/trash/?no_page=1')).data;
		const entry = trash.find((t) => t.object_id === top);
		assert.equal(entry.content_type, 'folder');
		assert.equal(entry.name, 'top');
		assert.equal((await alice.post(`/api/v1/trash/${entry.id}/restore/`)).status, 200);
		assert.equal((await alice.get(`/api/v2/dataset/${D.scan}/`)).status, 200);
		assert.equal(
			(await alice.delete(`/api/v2/folder/${F.aliceRoot}/`)).status,
			400,
			'root folders stay',
		);
	});

	test('folder tree, folders of an object, folder item detail, delete_ids', async () => {
		const tree = (await alice.get(`/api/v2/folder/${F.aliceRoot}/tree/`)).data;
		const data = tree.content_object.items.find((it) => it.content_object.name === 'data');
		assert.ok(data.content_object.items.some((it) => it.content_object.name === 'my_folder'));
		const folders = (await alice.get(`/api/v2/exam/${E.brainMri}/folders/`)).data.results
			.map((f) => f.id)
			.sort();
		assert.deepEqual(folders, [F.aliceRoot, F.sharedRoot]);
		const link = (
			await alice.post(`/api/v1/dataset/${D.t1Nifti}/link_to/${F.myFolder}/`, { form: {} })
		).data;
		assert.equal((await alice.get(`/api/v2/folderitem/${link.id}/`)).data.is_link, true);
		assert.equal(
			(await alice.post('/api/v1/folderitem/delete_ids/', { json: { ids: [link.id] } })).status,
			204,
		);
		assert.equal((await alice.get(`/api/v2/folderitem/${link.id}/`)).status, 404);
		assert.equal((await alice.get(`/api/v2/dataset/${D.t1Nifti}/`)).status, 200);
	});

	test("saved queries appear in their folder's queries", async () => {
		assert.deepEqual((await alice.get(`/api/v2/folder/${F.aliceRoot}/`)).data.queries, [
			DEMO.queries.brain2024,
		]);
	});
});

describe('exams, series, datasets, patients', () => {
	test('exam datasets: v2 direct only, files/ all with datafiles, tree', async () => {
		const direct = (await alice.get(`/api/v2/exam/${E.brainMri}/datasets/`)).data.results.map(
			(d) => d.name,
		);
		assert.deepEqual(direct, ['Exam report']);
		const files = (await alice.get(`/api/v1/exam/${E.brainMri}/files/?limit=10000000000`)).data
			.results;
		assert.equal(files.length, 5);
		assert.ok(files.every((d) => Array.isArray(d.datafiles)));
		const tree = (await alice.get(`/api/v2/exam/${E.brainMri}/tree/`)).data;
		assert.deepEqual(
			tree.series.map((s) => s.datasets.length),
			[1, 2, 1],
		);
		assert.equal(tree.datasets.length, 1);
		assert.equal(tree.patient.name, 'Daniel Smith', 'the patient is nested');
		const projectTree = (await alice.get(`/api/v2/project/${P.shared}/tree/`)).data;
		assert.deepEqual(
			projectTree.map((e) => e.name),
			['Brain MRI', 'Wrist MRI', 'Brain MRI follow-up'],
		);
	});

	test('exam move (also the slash-less move_to{pid}/ of py) and rename', async () => {
		const move = await alice.post(`/api/v2/exam/${E.wristMri}/move_to${P.aliceMyAgora}/`, {
			json: {},
		});
		assert.equal(move.status, 200, move.text);
		assert.equal(move.data.type, 'move');
		await waitForTimeline(alice, move.data.id);
		const exam = (await alice.get(`/api/v2/exam/${E.wristMri}/`)).data;
		assert.equal(exam.project, P.aliceMyAgora);
		assert.equal(
			(await alice.get(`/api/v2/series/?exam=${E.wristMri}`)).data.results[0].project,
			P.aliceMyAgora,
		);
		assert.ok(
			(await alice.get(`/api/v1/folder/${F.aliceRoot}/items/`)).data.some(
				(it) => it.object_id === E.wristMri && !it.is_link,
			),
		);
		assert.ok(
			!(await alice.get(`/api/v1/folder/${F.sharedRoot}/items/`)).data.some(
				(it) => it.object_id === E.wristMri && it.content_type === 'exam',
			),
		);
		const renamed = await alice.put(`/api/v1/exam/${E.wristMri}/`, {
			json: { id: E.wristMri, name: 'Wrist', project: P.aliceMyAgora },
		});
		assert.equal(renamed.status, 200);
		assert.equal(renamed.data.name, 'Wrist');
	});

	test('copy/move targets are validated', async () => {
		const wrongFolder = await alice.post(
			`/api/v2/exam/${E.brainMri}/copy_to/${P.aliceMyAgora}/folder/${F.sharedRoot}/`,
			{ json: {} },
		);
		assert.equal(wrongFolder.status, 400);
		assert.deepEqual(wrongFolder.data, {
			folder: ['The folder does not belong to the target project.'],
		});
		const foreign = await alice.post(`/api/v2/exam/${E.brainMri}/copy_to/${P.cardiac}/`, {
			json: {},
		});
		assert.equal(foreign.status, 400);
		const seedForm = await alice.post(`/api/v2/exam/${E.brainMri}/copy/`, {
			json: { folder: F.myFolder },
		});
		assert.equal(seedForm.status, 200);
		const { item } = await waitForTimeline(alice, seedForm.data.id);
		assert.equal(item.state, 'FINISHED');
	});

	test('series copy is a timeline item; dataset copy/move answer the dataset', async () => {
		const res = await alice.post(
			`/api/v2/series/${S.t1}/copy_to/${P.aliceMyAgora}/folder/${F.myFolder}/`,
			{ json: {} },
		);
		assert.equal(res.status, 200);
		const { item } = await waitForTimeline(alice, res.data.id);
		const copyId = item.related_objects.find((r) => r.id !== S.t1).id;
		assert.equal((await alice.get(`/api/v2/series/${copyId}/datasets/`)).data.count, 2);
		const copy = await alice.post(
			`/api/v2/dataset/${D.t1Nifti}/copy_to/${P.aliceMyAgora}/folder/${F.myFolder}/`,
			{ json: {} },
		);
		assert.equal(copy.status, 200);
		assert.notEqual(copy.data.id, D.t1Nifti);
		assert.equal(copy.data.project, P.aliceMyAgora);
		const files = (await alice.get(`/api/v2/dataset/${copy.data.id}/datafiles/`)).data.results;
		const original = (await alice.get(`/api/v2/dataset/${D.t1Nifti}/datafiles/`)).data.results;
		assert.equal(files[0].sha1, original[0].sha1);
		const bytes = await alice.get(`/api/v1/datafile/${files[0].id}/download/`);
		assert.equal(Number(bytes.headers.get('content-length')), original[0].size);
	});

	test('UID lookups, patients and their exams, series and dataset parents', async () => {
		const exam = await alice.get(
			`/api/v2/project/${P.shared}/exam/uid/1.2.826.0.1.3680043.8.498.1001/`,
		);
		assert.equal(exam.data.id, E.brainMri);
		assert.equal((await alice.get(`/api/v2/project/${P.shared}/exam/uid/9.9.9/`)).status, 404);
		assert.equal(
			(await alice.get(`/api/v2/project/${P.shared}/series/uid/1.2.826.0.1.3680043.8.498.1001.2/`))
				.data.id,
			S.t1,
		);
		const patients = (await alice.get('/api/v1/patient/?limit=10000000000')).data.results.map(
			(p) => p.name,
		);
		assert.deepEqual(patients, ['Daniel Smith', 'Jane Doe', 'Phantom']);
		assert.deepEqual(
			(await alice.get('/api/v1/patient/?birth_date_gte=1979-01-01')).data.results.map(
				(p) => p.name,
			),
			['Daniel Smith'],
		);
		const exams = (
			await alice.get(`/api/v1/patient/${DEMO.patients.danielSmith}/exams/`)
		).data.results.map((e) => e.id);
		assert.deepEqual(exams, [E.brainMri, E.brainFollowUp]);
		assert.equal((await alice.get(`/api/v2/series/${S.t1}/exam/`)).data.id, E.brainMri);
		assert.equal(
			(await alice.get(`/api/v2/dataset/${D.t1Dicom}/patient/`)).data.patient_id,
			'HOSP2',
		);
		assert.deepEqual(
			(await alice.get(`/api/v2/project/${P.shared}/patient/`)).data.results.map((p) => p.id),
			[1, 2],
		);
	});

	test('list filters: operators, legacy suffixes, bad values, ordering', async () => {
		assert.deepEqual(
			(await alice.get('/api/v1/exam/?start_time_gte=2024-02-01')).data.results.map((e) => e.name),
			['Brain MRI follow-up'],
		);
		assert.deepEqual(
			(
				await alice.get('/api/v1/exam/?scanner_name__istartswith=ingenia&ordering=-start_time')
			).data.results.map((e) => e.name),
			['Brain Phantom QA', 'Wrist MRI'],
		);
		assert.deepEqual(
			(await alice.get(`/api/v1/dataset/?type=${101}`)).data.results.map((d) => d.name),
			['T2 TSE PAR/REC'],
		);
		const bad = await alice.get('/api/v1/exam/?start_time__gte=yesterday');
		assert.equal(bad.status, 400);
		assert.deepEqual(bad.data, { start_time__gte: ['Enter a valid date/time.'] });
		assert.equal(
			(await alice.get('/api/v1/exam/?unknown_filter=1')).data.count,
			4,
			'unknown filters are ignored',
		);
	});
});

describe('tasks and the timeline', () => {
	test('task lists: /task/, project tasks, script tasks; export', async () => {
		const tasks = (await alice.get('/api/v2/task/?no_page=1')).data.map((d) => d.name);
		assert.deepEqual(tasks, [
			'Echo dataset',
			'Resample',
			'Failing task',
			'Long computation',
			'Exam summary',
		]);
		assert.equal((await alice.get(`/api/v2/project/${P.shared}/task/`)).data.count, 4);
		const yaml = (await alice.get(`/api/v2/project/${P.shared}/taskdefinition_yaml/`)).data.results;
		assert.equal(yaml[0].yml.inputs.dataset.type, 'dataset');
		const exported = (await alice.get(`/api/v1/taskdefinition/${T.resample}/export/`)).data;
		assert.equal(exported.name, 'Resample');
		assert.equal(exported.id, undefined);
		const imported = await alice.post(`/api/v2/project/${P.aliceMyAgora}/task/imp/`, {
			json: [exported],
		});
		assert.equal(imported.status, 200);
		assert.equal(imported.data[0].project, P.aliceMyAgora);
	});

	test('script task run with keyed inputs; unknown and wrongly typed inputs are 400', async () => {
		const run = await alice.post(`/api/v2/taskdefinition_yaml/${DEMO.scripttasks.convert}/run/`, {
			json: {
				target: { object_id: F.taskResults, object_type: 'folder' },
				inputs: { dataset: { object_id: D.t1Dicom, object_type: 'dataset' } },
			},
		});
		assert.equal(run.status, 200);
		const { item } = await waitForTimeline(alice, run.data.id, { route: '/api/v2/timeline/' });
		assert.equal(item.output, `converting ${D.t1Dicom}\ndone`);
		const wrong = await alice.post(`/api/v1/taskdefinition/${T.resample}/run/`, {
			json: {
				target: F.taskResults,
				inputs: { ds: { object_id: E.brainMri, object_type: 'exam' }, size: 'big', extra: 1 },
			},
		});
		assert.equal(wrong.status, 400);
		assert.deepEqual(wrong.data, {
			inputs: {
				extra: ['Unknown input.'],
				ds: ['Expected an object of type dataset, got exam.'],
				size: ['A valid integer is required.'],
			},
		});
		const range = await alice.post(`/api/v1/taskdefinition/${T.resample}/run/`, {
			json: { target: F.taskResults, inputs: { ds: D.t1Dicom, size: 2 } },
		});
		assert.deepEqual(range.data, {
			inputs: { size: ['Ensure this value is greater than or equal to 16.'] },
		});
	});

	test('runtask list form: by order, by key, mismatches are 400; results default to My Agora', async () => {
		const mismatch = await alice.post('/api/v2/runtask/', {
			json: { task: T.echo, inputs: [{ object_type: 'exam', object_id: E.brainMri }] },
		});
		assert.equal(mismatch.status, 400);
		assert.match(mismatch.data.inputs[0], /does not match the task input "ds"/);
		const tooMany = await alice.post('/api/v2/runtask/', {
			json: {
				task: T.echo,
				inputs: [
					{ object_type: 'dataset', object_id: D.t1Dicom },
					{ object_type: 'dataset', object_id: D.t1Nifti },
				],
			},
		});
		assert.equal(tooMany.status, 400);
		assert.equal(
			(await alice.post('/api/v2/runtask/', { json: { task: 99999, inputs: [] } })).status,
			400,
		);
		const run = await alice.post('/api/v2/runtask/', {
			json: {
				task: T.resample,
				inputs: [
					{ object_type: 'dataset', object_id: D.t1Dicom },
					{ key: 'size', value: 256 },
				],
			},
		});
		assert.equal(run.status, 200, run.text);
		const { item } = await waitForTimeline(alice, run.data.timeline_item_id);
		assert.equal(item.state, 'FINISHED');
		assert.equal(item.target.object_id, F.aliceRoot);
		const created = item.related_objects[0].id;
		assert.ok(
			(await alice.get(`/api/v1/folder/${F.aliceRoot}/items/`)).data.some(
				(it) => it.object_id === created && it.content_type === 'dataset',
			),
		);
		assert.deepEqual(
			(await alice.get(`/api/v2/exam/${E.brainMri}/result_folders/`)).data.results.map((f) => f.id),
			[F.aliceRoot],
		);
	});

	test('timeline lists: newest first, state as string or integer, ordering, visibility', async () => {
		const list = (await alice.get('/api/v2/timelineitem/')).data;
		assert.deepEqual(
			list.results.map((i) => i.id),
			[DEMO.timeline.longCanceled, DEMO.timeline.failingError, DEMO.timeline.echoFinished],
		);
		assert.deepEqual(
			(await alice.get('/api/v2/timelineitem/?state=ERROR')).data.results.map((i) => i.id),
			[DEMO.timeline.failingError],
		);
		assert.deepEqual(
			(await alice.get('/api/v2/timeline/?state=2')).data.results.map((i) => i.id),
			[DEMO.timeline.echoFinished],
		);
		assert.deepEqual(
			(await alice.get('/api/v2/timelineitem/?ordering=created_date')).data.results.map(
				(i) => i.id,
			),
			[1, 2, 3],
		);
		assert.deepEqual(
			(
				await alice.get('/api/v2/timelineitem/?modified_date__gt=2024-03-02T10:00:02Z')
			).data.results.map((i) => i.id),
			[3],
		);
		const own = await admin.post('/api/v2/runtask/', {
			json: { task: T.echo, inputs: [{ object_type: 'dataset', object_id: D.t1Dicom }] },
		});
		assert.equal(
			(await alice.get(`/api/v2/timelineitem/${own.data.timeline_item_id}/`)).status,
			200,
			'shared project items are visible',
		);
		const cardiacDataset = DEMO.datasets.cineDicom;
		assert.equal((await alice.get(`/api/v2/dataset/${cardiacDataset}/`)).status, 404);
	});

	test('task definitions can be created, updated and deleted; runs follow their template', async () => {
		const created = await alice.post('/api/v1/taskdefinition/', {
			json: {
				id: null,
				name: 'counter',
				project: P.aliceMyAgora,
				execute_template: 'echo one && echo {{label}} ; exit 3',
				inputs: [{ id: null, key: 'label', type: 5, required: true, name: 'Label' }],
				outputs: [],
			},
		});
		assert.equal(created.status, 201);
		const updated = await alice.put(`/api/v1/taskdefinition/${created.data.id}/`, {
			json: { ...created.data, name: 'counter2' },
		});
		assert.equal(updated.data.name, 'counter2');
		const run = await alice.post(`/api/v1/taskdefinition/${created.data.id}/run/`, {
			json: { target: null, inputs: { label: 'two' } },
		});
		const { item } = await waitForTimeline(alice, run.data.id);
		assert.equal(item.state, 'ERROR');
		assert.equal(item.output, 'one\ntwo');
		assert.equal(item.exit_code, 3);
		assert.equal((await alice.delete(`/api/v1/taskdefinition/${created.data.id}/`)).status, 204);
		assert.equal((await alice.get(`/api/v1/taskdefinition/${created.data.id}/`)).status, 404);
	});
});

describe('search', () => {
	test('AQL: OR, NOT, parentheses, relations through the hierarchy, parameters', async () => {
		const q = async (query) =>
			(await alice.post('/api/v2/search/query/', { json: { query } })).data.results.map(
				(r) => r.name,
			);
		assert.deepEqual(await q('exam.name = "wrist mri" OR exam.start_time < "2023-12-01"'), [
			'Wrist MRI',
			'Brain Phantom QA',
		]);
		assert.deepEqual(await q('exam.scanner_name ~ "prisma" AND NOT (exam.start_time.month = 1)'), [
			'Brain MRI follow-up',
		]);
		assert.deepEqual(await q('exam.start_time = "2024-01-15"'), ['Brain MRI']);
		assert.deepEqual(await q('exam.name ~ "brain" AND series.name ~ "dti"'), [
			'Brain MRI follow-up',
		]);
		assert.deepEqual(await q('series.name ~ "t1" AND patient.name = "Daniel Smith"'), [
			'T1 MPRAGE',
			'T1 MPRAGE',
		]);
		assert.deepEqual(await q('dataset.type = 300 AND parameter.EX_GEO_voxel_size_m >= 3'), [
			'Survey DICOM',
			'fMRI DICOM',
		]);
		assert.deepEqual(await q('parameter.EX_CARD_sync > 0 AND parameter.EX_GEO_voxel_size_m < 2'), [
			'T1 MPRAGE',
		]);
	});

	test('py series search by parameters; full-text types and validation; per project', async () => {
		const series = await alice.get(
			`/api/v1/serie/search/?q=${encodeURIComponent('parameter.EX_CARD_sync > 0 AND parameter.EX_GEO_voxel_size_m < 2')}&limit=10000000000`,
		);
		assert.deepEqual(
			series.data.results.map((s) => s.id),
			[S.t1FollowUp],
		);
		const all = (await alice.get('/api/v1/search/fulltext/?q=t1&no_page=1')).data;
		assert.deepEqual([...new Set(all.map((r) => r.content_type))].sort(), ['dataset', 'serie']);
		assert.ok(all.every((r) => r.type === (r.content_type === 'serie' ? 3 : 4)));
		const bad = await alice.get('/api/v1/search/fulltext/?q=t1&t=7');
		assert.equal(bad.status, 400);
		assert.deepEqual(bad.data, {
			t: ['Select a valid choice. 7 is not one of the available choices.'],
		});
		const mine = (await alice.get(`/api/v2/project/${P.aliceMyAgora}/fulltext/?q=brain`)).data
			.results;
		assert.deepEqual(
			mine.map((r) => [r.content_type, r.name]),
			[['exam', 'Brain Phantom QA']],
		);
		assert.deepEqual(
			(await alice.get('/api/v1/search/fulltext/?q=good&t=11')).data.results.map((r) => r.name),
			['good'],
		);
	});

	test('saved queries: save (400 on bad AQL), list, run, update, delete', async () => {
		const bad = await alice.post('/api/v2/search/saved/', {
			json: { name: 'bad', query: 'exam.name ~' },
		});
		assert.equal(bad.status, 400);
		const saved = await alice.post('/api/v2/search/saved/', {
			json: { name: 'wrists', query: 'exam.name ~ "wrist"', folder: F.myFolder },
		});
		assert.equal(saved.status, 201);
		assert.deepEqual((await alice.get(`/api/v2/folder/${F.myFolder}/`)).data.queries, [
			saved.data.id,
		]);
		const names = (await alice.get('/api/v2/search/saved/')).data.results.map((q) => q.name);
		assert.deepEqual(names, ['Brain exams 2024', 'Synchronised series', 'wrists']);
		const run = await alice.post(`/api/v2/search/saved/${saved.data.id}/run/`);
		assert.equal(run.status, 200);
		assert.deepEqual(
			run.data.results.map((e) => e.name),
			['Wrist MRI'],
		);
		const patched = await alice.patch(`/api/v2/search/saved/${saved.data.id}/`, {
			json: { query: 'exam.name ~ "phantom"' },
		});
		assert.equal(patched.status, 200);
		assert.deepEqual(
			(await alice.post(`/api/v2/search/saved/${saved.data.id}/run/`)).data.results.map(
				(e) => e.name,
			),
			['Brain Phantom QA'],
		);
		assert.equal(
			(await admin.get(`/api/v2/search/saved/${saved.data.id}/`)).status,
			404,
			'saved queries are personal',
		);
		assert.equal((await alice.delete(`/api/v2/search/saved/${saved.data.id}/`)).status, 204);
	});
});

describe('tags, parameters, users', () => {
	test('personal tags are private; project tags are for members; validation', async () => {
		const aliceTags = (
			await alice.get('/api/v2/tag-definition/?limit=10000000000')
		).data.results.map((t) => t.label);
		assert.deepEqual(aliceTags, ['good', 'review', 'artifact']);
		const adminTags = (await admin.get('/api/v2/tag-definition/?no_page=1')).data.map(
			(t) => t.label,
		);
		assert.deepEqual(adminTags, ['good', 'artifact', 'admin-only']);
		assert.equal((await admin.get(`/api/v2/tag-definition/${DEMO.tags.review}/`)).status, 404);
		const byName = (await alice.get('/api/v2/tag-definition/?label=good')).data.results;
		assert.equal(byName[0].id, DEMO.tags.good);
		const dup = await alice.post('/api/v2/tag-instance/', {
			json: {
				tag_definition: DEMO.tags.good,
				tagged_object_content_type: 'exam',
				tagged_object_id: E.brainMri,
			},
		});
		assert.equal(dup.status, 400);
		const badType = await alice.post('/api/v2/tag-instance/', {
			form: {
				tag_definition: DEMO.tags.good,
				tagged_object_content_type: 'user',
				tagged_object_id: 1,
			},
		});
		assert.deepEqual(badType.data, {
			tagged_object_content_type: ['"user" is not a valid choice.'],
		});
		const forTag = (
			await alice.get(`/api/v2/project/${P.shared}/exam/for_tag/${DEMO.tags.good}/`)
		).data.results.map((e) => e.id);
		assert.deepEqual(forTag, [E.brainMri]);
		const instances = (await alice.get(`/api/v2/project/${P.shared}/tag-instance/`)).data.results;
		assert.equal(instances.length, 3);
	});

	test('read-only parameter sets refuse changes; created sets can be patched', async () => {
		const acq = await alice.patch(`/api/v2/parameterset/${DEMO.parametersets.t1Acquisition}/`, {
			json: { parameters: [] },
		});
		assert.equal(acq.status, 403);
		assert.deepEqual(acq.data, { detail: 'This parameter set is read-only.' });
		const flat = (
			await alice.get(`/api/v2/parameterset/${DEMO.parametersets.t1Acquisition}/?flat=True`)
		).data;
		const scanMode = flat.parameters.find((p) => p.Name === 'EX_ACQ_scan_mode');
		assert.equal(scanMode.Properties.EnumDescription, 3);
		assert.equal(flat.properties.EnumDescriptions[0].ID, 3);
		const created = await alice.post(`/api/v2/series/${S.t1}/parametersets/`, {
			json: { name: 'User Parameters', parameters: [{ Name: 'TR', Value: 1.5 }] },
		});
		assert.equal(created.status, 201);
		assert.deepEqual(created.data, {
			id: created.data.id,
			name: 'User Parameters',
			read_only: false,
		});
		const dup = await alice.patch(`/api/v2/parameterset/${created.data.id}/`, {
			json: {
				parameters: [
					{ Name: 'TR', Value: 1 },
					{ Name: 'TR', Value: 2 },
				],
			},
		});
		assert.equal(dup.status, 400);
		assert.deepEqual(
			(await alice.get(`/api/v2/series/${S.t1}/parametersets/`)).data.map((s) => s.name),
			['User Parameters'],
		);
	});

	test('admins create users (form); the new user has a My Agora and can log in', async () => {
		const res = await admin.post('/api/v1/user/', {
			form: {
				username: 'martin',
				password: 'martin-password',
				email: 'm@x.org',
				first_name: 'Martin',
				last_name: 'M',
				is_superuser: 'false',
			},
		});
		assert.equal(res.status, 201);
		assert.equal(res.data.username, 'martin');
		const dup = await admin.post('/api/v1/user/', { form: { username: 'martin', password: 'x' } });
		assert.deepEqual(dup.data, { username: ['A user with that username already exists.'] });
		const key = (
			await anonymous.post('/api/v1/rest-auth/login/', {
				json: { username: 'martin', password: 'martin-password' },
			})
		).data.key;
		const martin = createClient(agora.url, { authorization: `Token ${key}` });
		assert.equal((await martin.get('/api/v2/project/myagora/')).data.is_myagora, true);
		assert.equal((await martin.get('/api/v1/apikey/')).status, 404, 'no API key yet');
		assert.equal((await martin.get(`/api/v2/user/${DEMO.users.alice}/`)).data.username, 'alice');
	});
});
