// Contract tests for the Alyx 3.6.1 emulator: every check listed at the end of the API
// reference (alyx.md §13), one test each, numbered like the reference. Each test starts from
// the seed ('none': stock fixtures + lab cortexlab) and builds what it needs through the API,
// the way the captures did: lab `testlab` with repository `local`, project `main`, dataset
// types `trials.table` and `wheel.position`, and (mostly) subjects Algernon and Formy with a
// session on 2026-01-10.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAlyxEmulator } from '../../emulators/alyx/server.mjs';
import { createClient } from '../../emulators/lib/contract-client.mjs';

const PASSWORDS = { admin: 'admin-password', alice: 'alice-password', public: 'public-password' };
const HEX40 = /^[0-9a-f]{40}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const JSON_ACCEPT = { Accept: 'application/json' };

const SESSION_DETAIL_KEYS = [
	'subject',
	'users',
	'location',
	'procedures',
	'lab',
	'projects',
	'type',
	'task_protocol',
	'number',
	'start_time',
	'end_time',
	'narrative',
	'parent_session',
	'n_correct_trials',
	'n_trials',
	'url',
	'extended_qc',
	'qc',
	'wateradmin_session_related',
	'data_dataset_session_related',
	'auto_datetime',
	'id',
	'json',
	'probe_insertion',
	'field_of_view',
	'notes',
];
const SUBJECT_LIST_KEYS = [
	'nickname',
	'url',
	'id',
	'responsible_user',
	'birth_date',
	'age_weeks',
	'death_date',
	'species',
	'sex',
	'litter',
	'strain',
	'source',
	'line',
	'projects',
	'session_projects',
	'lab',
	'genotype',
	'description',
	'alive',
	'reference_weight',
	'last_water_restriction',
	'expected_water',
	'remaining_water',
	'json',
];
const SESSION_LIST_KEYS = [
	'id',
	'subject',
	'start_time',
	'number',
	'lab',
	'projects',
	'url',
	'task_protocol',
];
const ALGERNON = {
	nickname: 'Algernon',
	lab: 'testlab',
	sex: 'M',
	birth_date: '2025-01-15',
	projects: ['main'],
};
const SESSION_1 = {
	subject: 'Algernon',
	number: 1,
	lab: 'testlab',
	task_protocol: 'test protocol',
	projects: ['main'],
	start_time: '2026-01-10T12:00:00',
	users: ['admin'],
	type: 'Experiment',
};
const REGISTER = {
	created_by: 'admin',
	name: 'local',
	path: 'Algernon/2026-01-10/001',
	filenames: ['alf/trials.table.pqt', 'alf/wheel.position.npy'],
	hashes: ['abc123', 'def456'],
	filesizes: [1234, 5678],
	versions: ['1.0.0', '1.0.0'],
	server_only: false,
};

let alyx;
let anon;
let control;
const tokens = {};
const as = {};

async function login(username) {
	const res = await anon.post('/auth-token', {
		json: { username, password: PASSWORDS[username] },
		headers: JSON_ACCEPT,
	});
	assert.equal(res.status, 200, res.text);
	return res.data.token;
}

/** A client that sends `Authorization: Token <t>` and `Accept: application/json`. */
function clientFor(username) {
	const c = createClient(alyx.url, { authorization: `Token ${tokens[username]}` });
	const withAccept =
		(method) =>
		(path, options = {}) =>
			c.request(method, path, {
				...options,
				headers: { ...JSON_ACCEPT, ...(options.headers ?? {}) },
			});
	return {
		get: withAccept('GET'),
		post: withAccept('POST'),
		put: withAccept('PUT'),
		patch: withAccept('PATCH'),
		delete: withAccept('DELETE'),
		options: withAccept('OPTIONS'),
	};
}

async function expectStatus(promise, status) {
	const res = await promise;
	assert.equal(
		res.status,
		status,
		`${status} expected, got ${res.status}: ${res.text.slice(0, 300)}`,
	);
	return res;
}

/** The captures' world: testlab + local repository, project main, two dataset types. */
async function setupBase() {
	const admin = as.admin;
	await expectStatus(
		admin.post('/labs', { json: { name: 'testlab', timezone: 'Europe/London' } }),
		201,
	);
	await expectStatus(
		admin.post('/data-repository', {
			json: { name: 'local', hostname: 'localhost', data_url: 'http://example.org/data/' },
		}),
		201,
	);
	await expectStatus(admin.patch('/labs/testlab', { json: { repositories: ['local'] } }), 200);
	await expectStatus(
		admin.post('/projects', {
			json: { name: 'main', description: 'main project', users: ['admin'] },
		}),
		201,
	);
	for (const name of ['trials.table', 'wheel.position'])
		await expectStatus(admin.post('/dataset-types', { json: { name, filename_pattern: '' } }), 201);
}

async function setupSubjects() {
	await expectStatus(as.admin.post('/subjects', { json: ALGERNON }), 201);
	await expectStatus(
		as.admin.post('/subjects', { json: { nickname: 'Formy', lab: 'testlab', sex: 'F' } }),
		201,
	);
}

async function setupSession() {
	return (await expectStatus(as.admin.post('/sessions', { json: SESSION_1 }), 201)).data;
}

before(async () => {
	alyx = await startAlyxEmulator({ seed: 'none' });
	anon = createClient(alyx.url);
	control = createClient(alyx.url);
	for (const username of Object.keys(PASSWORDS)) {
		tokens[username] = await login(username);
		as[username] = clientFor(username);
	}
});
after(async () => {
	await alyx?.close();
});
beforeEach(async () => {
	await expectStatus(control.post('/__emulator/reset'), 200);
});

describe('alyx.md §13 checks', () => {
	test('1. login with form and JSON bodies; errors; GET and trailing slash', async () => {
		const form = await anon.post('/auth-token', {
			body: 'username=admin&password=admin-password',
			contentType: 'application/x-www-form-urlencoded',
		});
		assert.equal(form.status, 200);
		assert.deepEqual(Object.keys(form.data), ['token']);
		assert.match(form.data.token, HEX40);
		const again = await anon.post('/auth-token', {
			json: { username: 'admin', password: 'admin-password' },
		});
		assert.equal(again.data.token, form.data.token, 'a second login returns the same token');

		const wrong = await anon.post('/auth-token', {
			json: { username: 'admin', password: 'wrong' },
		});
		assert.equal(wrong.status, 400);
		assert.deepEqual(wrong.data, {
			non_field_errors: ['Unable to log in with provided credentials.'],
			status_code: 400,
		});
		const missing = await anon.post('/auth-token', { json: {} });
		assert.equal(missing.status, 400);
		assert.deepEqual(missing.data, {
			username: ['This field is required.'],
			password: ['This field is required.'],
			status_code: 400,
		});
		const get = await anon.get('/auth-token');
		assert.equal(get.status, 405);
		assert.deepEqual(get.data, { detail: 'Method "GET" not allowed.', status_code: 405 });
		const slash = await anon.post('/auth-token/', {
			json: { username: 'admin', password: 'admin-password' },
		});
		assert.equal(slash.status, 404);
		assert.match(slash.contentType, /^text\/html/);
	});

	test('2. token failures are 403 with DRF messages; a revoked token needs a new login', async () => {
		const cases = [
			[undefined, 'Authentication credentials were not provided.'],
			['Token deadbeef', 'Invalid token.'],
			['Token', 'Invalid token header. No credentials provided.'],
			['Token a b', 'Invalid token header. Token string should not contain spaces.'],
			[`Bearer ${tokens.admin}`, 'Authentication credentials were not provided.'],
		];
		for (const [authorization, detail] of cases) {
			const res = await anon.get('/subjects', { authorization, headers: JSON_ACCEPT });
			assert.equal(res.status, 403, String(authorization));
			assert.deepEqual(res.data, { detail, status_code: 403 });
			assert.equal(res.headers.get('www-authenticate'), null);
		}
		// The keyword is case-insensitive.
		assert.equal(
			(await anon.get('/subjects', { authorization: `token ${tokens.admin}` })).status,
			200,
		);

		// What the node does on "Invalid token.": log in again once, then retry.
		await expectStatus(
			control.post('/__emulator/token/revoke', { json: { username: 'alice' } }),
			200,
		);
		const stale = await as.alice.get('/subjects');
		assert.equal(stale.status, 403);
		assert.deepEqual(stale.data, { detail: 'Invalid token.', status_code: 403 });
		tokens.alice = await login('alice');
		as.alice = clientFor('alice');
		assert.equal((await as.alice.get('/subjects')).status, 200);
	});

	test('3. the public (read-only) user may GET but not POST', async () => {
		await setupBase();
		await setupSubjects();
		assert.equal((await as.public.get('/subjects')).status, 200);
		const write = await as.public.post('/weighings', { json: { subject: 'Algernon', weight: 24 } });
		assert.equal(write.status, 403);
		assert.deepEqual(write.data, {
			detail: 'You do not have permission to perform this action.',
			status_code: 403,
		});
		// Any authenticated (non-public) user may write, owner or not.
		assert.equal(
			(await as.alice.post('/weighings', { json: { subject: 'Algernon', weight: 24 } })).status,
			201,
		);
		assert.equal(
			(await as.alice.patch('/subjects/Algernon', { json: { description: 'by alice' } })).status,
			200,
		);
	});

	test('4. pagination envelope, links, limits and the empty page', async () => {
		await setupBase();
		await setupSubjects();
		const first = await as.admin.get('/subjects?limit=1');
		assert.deepEqual(Object.keys(first.data), ['count', 'next', 'previous', 'results']);
		assert.equal(first.data.count, 2);
		assert.equal(first.data.next, `${alyx.url}/subjects?limit=1&offset=1`);
		assert.equal(first.data.previous, null);
		assert.equal(first.data.results.length, 1);
		const second = await as.admin.get('/subjects?limit=1&offset=1');
		assert.equal(second.data.next, null);
		assert.equal(second.data.previous, `${alyx.url}/subjects?limit=1`);
		const past = await as.admin.get('/subjects?limit=1&offset=5');
		assert.deepEqual([past.data.count, past.data.results.length, past.data.next], [2, 0, null]);
		assert.equal(past.data.previous, `${alyx.url}/subjects?limit=1&offset=4`);

		const types = await as.admin.get('/dataset-types?limit=5000');
		assert.equal(types.data.results.length, types.data.count);
		assert.ok(types.data.count > 100);
		await expectStatus(control.post('/__emulator/bulk-sessions', { json: { count: 1200 } }), 200);
		const capped = await as.admin.get('/sessions?limit=5000');
		assert.equal(capped.data.results.length, 1000, 'limit is capped at 1000');
		assert.equal(capped.data.next, `${alyx.url}/sessions?limit=1000&offset=1000`);
		const fallback = await as.admin.get('/sessions?limit=abc');
		assert.equal(fallback.data.results.length, 250, 'limit=abc falls back to 250');
		assert.equal(fallback.data.next, `${alyx.url}/sessions?limit=250&offset=250`);
		const unpaged = await as.admin.get('/sessions');
		assert.equal(unpaged.data.results.length, 250, 'lists are paginated without ?limit');

		const empty = await as.admin.get('/water-restriction');
		assert.equal(
			JSON.stringify(empty.data),
			'{"count":0,"next":null,"previous":null,"results":[]}',
		);

		// "Return all" by following `next` sees every row once.
		let url = '/sessions?limit=500';
		const seen = new Set();
		while (url) {
			const page = await as.admin.get(url.replace(alyx.url, ''));
			for (const s of page.data.results) seen.add(s.id);
			url = page.data.next;
		}
		assert.equal(seen.size, 1200);
	});

	test('5. subject filters: booleans, names, UUID-only automatic filters', async () => {
		await setupBase();
		await setupSubjects();
		const all = await as.admin.get(
			'/subjects?alive=True&water_restricted=False&responsible_user=admin&stock=False',
		);
		assert.equal(all.status, 200);
		assert.deepEqual(
			all.data.results.map((s) => s.nickname),
			['Algernon', 'Formy'],
		);
		const byProject = await as.admin.get('/subjects?project=main');
		assert.deepEqual(
			byProject.data.results.map((s) => s.nickname),
			['Algernon'],
		);
		const uuidFilter = await as.admin.get('/subjects?projects=main');
		assert.equal(uuidFilter.status, 400);
		assert.deepEqual(uuidFilter.data, {
			projects: ['“main” is not a valid UUID.'],
			status_code: 400,
		});
		assert.equal(
			(await as.admin.get('/subjects?alive=maybe')).data.count,
			2,
			'alive=maybe is ignored',
		);
		assert.equal((await as.admin.get('/subjects?alive=False')).data.count, 0);
		assert.equal(
			(await as.admin.get('/subjects?nickname=algernon')).data.count,
			0,
			'nickname is case-sensitive',
		);
		assert.equal(
			(await as.admin.get('/subjects?starts_after=2026')).data.count,
			2,
			'unknown filters are ignored',
		);
	});

	test('6. subject detail, JSON 404 and HTML 404', async () => {
		await setupBase();
		await setupSubjects();
		const detail = await as.admin.get('/subjects/Algernon');
		assert.equal(detail.status, 200);
		assert.ok(
			Array.isArray(detail.data.weighings) && Array.isArray(detail.data.water_administrations),
		);
		assert.equal(detail.data.url, `${alyx.url}/subjects/Algernon`);
		const missing = await as.admin.get('/subjects/Nobody');
		assert.equal(missing.status, 404);
		assert.deepEqual(missing.data, {
			detail: 'No Subject matches the given query.',
			status_code: 404,
		});
		const slash = await as.admin.get('/subjects/');
		assert.equal(slash.status, 404);
		assert.match(slash.contentType, /^text\/html/);
		assert.match(slash.text, /<title>Not Found<\/title>/);
	});

	test('7. create subject: defaults, duplicates, validation, form encoding', async () => {
		await setupBase();
		const res = await as.admin.post('/subjects', { json: ALGERNON });
		assert.equal(res.status, 201);
		assert.equal(res.data.responsible_user, 'admin');
		assert.equal(res.data.species, 'Laboratory mouse');
		assert.match(res.data.id, UUID);
		assert.ok(!('weighings' in res.data), 'POST answers with the list serializer');
		assert.deepEqual(Object.keys(res.data), SUBJECT_LIST_KEYS);

		const dup = await as.admin.post('/subjects', { json: ALGERNON });
		assert.equal(dup.status, 400);
		assert.deepEqual(dup.data, {
			non_field_errors: [
				'The fields nickname, lab must make a unique set.',
				'The fields nickname, responsible_user must make a unique set.',
			],
			status_code: 400,
		});
		const noLab = await as.admin.post('/subjects', { json: { nickname: 'NoLab' } });
		assert.deepEqual(noLab.data, { lab: ['This field is required.'], status_code: 400 });
		const badLab = await as.admin.post('/subjects', { json: { nickname: 'X1', lab: 'nolab' } });
		assert.deepEqual(badLab.data, {
			lab: ['Object with name=nolab does not exist.'],
			status_code: 400,
		});
		const badDate = await as.admin.post('/subjects', {
			json: { nickname: 'B', lab: 'testlab', birth_date: '15/01/2025' },
		});
		assert.deepEqual(badDate.data, {
			birth_date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
			status_code: 400,
		});
		const badSex = await as.admin.post('/subjects', {
			json: { nickname: 'Formy', lab: 'testlab', sex: 'X' },
		});
		assert.deepEqual(badSex.data, { sex: ['"X" is not a valid choice.'], status_code: 400 });

		await expectStatus(
			as.admin.post('/projects', { json: { name: 'second', users: ['admin'] } }),
			201,
		);
		const form = await as.admin.post('/subjects', {
			body: 'nickname=Formy&lab=testlab&sex=F&projects=main&projects=second',
			contentType: 'application/x-www-form-urlencoded',
		});
		assert.equal(form.status, 201);
		assert.deepEqual(form.data.projects, ['main', 'second']);

		const unnamed = await as.admin.post('/subjects', { json: { lab: 'testlab' } });
		assert.equal(unnamed.status, 201);
		assert.equal(unnamed.data.nickname, '-');
	});

	test('8. update and delete a subject', async () => {
		await setupBase();
		await setupSubjects();
		const patched = await as.admin.patch('/subjects/Algernon', {
			json: { description: 'patched' },
		});
		assert.equal(patched.status, 200);
		assert.equal(patched.data.description, 'patched');
		assert.ok('weighings' in patched.data, 'PATCH answers with the detail serializer');
		const put = await as.admin.put('/subjects/Formy', {
			json: { nickname: 'Formy', lab: 'testlab', sex: 'U' },
		});
		assert.equal(put.status, 200);
		assert.equal(put.data.sex, 'U');
		const putMissing = await as.admin.put('/subjects/Formy', { json: { nickname: 'Formy' } });
		assert.deepEqual(putMissing.data, { lab: ['This field is required.'], status_code: 400 });
		const del = await as.admin.delete('/subjects/Formy');
		assert.equal(del.status, 204);
		assert.equal(del.text, '');
		assert.equal((await as.admin.get('/subjects/Formy')).status, 404);
	});

	test('9. create session: detail shape, defaults, time zones, validation', async () => {
		await setupBase();
		await setupSubjects();
		const res = await as.admin.post('/sessions', { json: SESSION_1 });
		assert.equal(res.status, 201);
		assert.deepEqual(Object.keys(res.data), SESSION_DETAIL_KEYS);
		assert.equal(res.data.qc, 'NOT_SET');
		assert.match(res.data.id, UUID);
		assert.equal(res.data.url, `${alyx.url}/sessions/${res.data.id}`);

		const before = new Date().toISOString().slice(0, 16);
		const minimal = await as.admin.post('/sessions', { json: { subject: 'Formy' } });
		assert.equal(minimal.status, 201);
		assert.deepEqual(minimal.data.users, ['admin']);
		assert.equal(minimal.data.lab, 'testlab');
		assert.equal(minimal.data.number, null);
		assert.equal(minimal.data.task_protocol, '');
		assert.ok(
			minimal.data.start_time >= before,
			`start_time ${minimal.data.start_time} defaults to now`,
		);

		const zulu = await as.admin.post('/sessions', {
			json: { subject: 'Formy', number: '2', start_time: '2026-01-11T08:00:00Z' },
		});
		assert.equal(zulu.data.start_time, '2026-01-11T08:00:00');
		assert.equal(zulu.data.number, 2);
		const offset = await as.admin.post('/sessions', {
			json: { subject: 'Formy', start_time: '2026-01-11T10:00:00+02:00' },
		});
		assert.equal(
			offset.data.start_time,
			'2026-01-11T08:00:00',
			'aware input is stored as naive UTC',
		);

		const errors = [
			[
				{ subject: 'Formy', start_time: 'yesterday' },
				{
					start_time: [
						'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].',
					],
				},
			],
			[
				{ subject: 'Formy', qc: 'GREAT' },
				{ qc: ['Invalid qc, choices are: CRITICAL, FAIL, WARNING, NOT_SET, PASS'] },
			],
			[
				{ subject: 'Algernon', users: ['ghost'] },
				{ users: ['Object with username=ghost does not exist.'] },
			],
			[{ number: 1 }, { subject: ['This field is required.'] }],
		];
		for (const [body, expected] of errors) {
			const bad = await as.admin.post('/sessions', { json: body });
			assert.equal(bad.status, 400, JSON.stringify(body));
			assert.deepEqual(bad.data, { ...expected, status_code: 400 });
		}
	});

	test('10. list sessions: shape, order and filters (including the 500s)', async () => {
		await setupBase();
		await setupSubjects();
		const s1 = await setupSession();
		await expectStatus(
			as.admin.post('/sessions', {
				json: { subject: 'Algernon', number: 2, start_time: '2026-01-20T09:00:00' },
			}),
			201,
		);
		await expectStatus(
			as.admin.post('/sessions', {
				json: { subject: 'Formy', number: 1, start_time: '2026-02-02T09:00:00' },
			}),
			201,
		);

		const list = await as.admin.get('/sessions?subject=algernon&date_range=2026-01-01,2026-01-31');
		assert.equal(list.status, 200);
		assert.equal(list.data.count, 2);
		for (const item of list.data.results) assert.deepEqual(Object.keys(item), SESSION_LIST_KEYS);
		assert.deepEqual(
			list.data.results.map((s) => s.start_time),
			['2026-01-20T09:00:00', '2026-01-10T12:00:00'],
			'ordered by -start_time',
		);

		await expectStatus(as.admin.post('/register-file', { json: REGISTER }), 201);
		const both = await as.admin.get('/sessions?dataset_types=trials.table,wheel.position');
		assert.deepEqual(
			both.data.results.map((s) => s.id),
			[s1.id],
		);
		assert.equal(
			(await as.admin.get('/sessions?dataset_types=trials.table,nothing.here')).data.count,
			0,
		);
		assert.equal(
			(await as.admin.get('/sessions?starts_after=2026-01-15')).data.count,
			3,
			'unknown filter ignored',
		);
		const django = await as.admin.get('/sessions?django=start_time__date__lt,2026-01-11');
		assert.deepEqual(
			django.data.results.map((s) => s.id),
			[s1.id],
		);

		await expectStatus(
			as.admin.patch(`/sessions/${s1.id}`, {
				json: { n_trials: 400, n_correct_trials: 300, extended_qc: { behavior: 1 }, qc: 'PASS' },
			}),
			200,
		);
		assert.deepEqual(
			(await as.admin.get('/sessions?performance_gte=70')).data.results.map((s) => s.id),
			[s1.id],
		);
		assert.equal((await as.admin.get('/sessions?performance_gte=80')).data.count, 0);
		assert.deepEqual(
			(await as.admin.get('/sessions?extended_qc=behavior__gte,1')).data.results.map((s) => s.id),
			[s1.id],
		);
		assert.equal((await as.admin.get('/sessions?qc=PASS')).data.count, 1);
		assert.equal(
			(await as.admin.get('/sessions?users=admin&lab=testlab&projects=mai')).data.count,
			1,
		);

		const single = await as.admin.get('/sessions?date_range=2026-01-01');
		assert.equal(single.status, 500);
		assert.deepEqual(single.data, { status_code: 500, detail: 'list index out of range' });
		const bogus = await as.admin.get('/sessions?qc=BOGUS');
		assert.equal(bogus.status, 500);
		assert.deepEqual(bogus.data, {
			status_code: 500,
			detail: 'Invalidqc, choices are: CRITICAL, FAIL, WARNING, NOT_SET, PASS',
		});
	});

	test('11. session detail and PATCH; JSON and HTML 404; DELETE of a missing session', async () => {
		await setupBase();
		await setupSubjects();
		const s1 = await setupSession();
		await expectStatus(as.admin.post('/register-file', { json: REGISTER }), 201);
		await expectStatus(
			as.admin.post('/register-file', {
				json: {
					name: 'local',
					path: 'Algernon/2026-01-10/001',
					filenames: 'alf/#2026-01-11#/trials.table.pqt',
					default: 'False',
					qc: 'PASS',
				},
			}),
			201,
		);
		const patched = await as.admin.patch(`/sessions/${s1.id}`, {
			json: { n_trials: 400, n_correct_trials: 300, extended_qc: { behavior: 1 }, qc: 'PASS' },
		});
		assert.equal(patched.status, 200);
		assert.deepEqual(Object.keys(patched.data), SESSION_DETAIL_KEYS);
		assert.equal(patched.data.n_trials, 400);
		assert.equal(patched.data.n_correct_trials, 300);
		assert.deepEqual(patched.data.extended_qc, { behavior: 1 });
		assert.equal(patched.data.qc, 'PASS');
		const datasets = (await as.admin.get(`/sessions/${s1.id}`)).data.data_dataset_session_related;
		assert.equal(datasets.length, 3);
		assert.deepEqual(datasets.map((d) => d.default_revision).sort(), ['False', 'True', 'True']);
		const revised = datasets.find((d) => d.default_revision === 'False');
		assert.match(revised.revision, UUID, 'the detail shows the revision UUID');
		assert.equal(datasets.find((d) => d.default_revision === 'True').revision, '');

		const none = await as.admin.get('/sessions/00000000-0000-0000-0000-000000000000');
		assert.equal(none.status, 404);
		assert.deepEqual(none.data, {
			detail: 'No Session matches the given query.',
			status_code: 404,
		});
		const notUuid = await as.admin.get('/sessions/not-a-uuid');
		assert.equal(notUuid.status, 404);
		assert.match(notUuid.contentType, /^text\/html/);
		const del = await as.admin.delete('/sessions/00000000-0000-0000-0000-000000000000');
		assert.equal(del.status, 404);
		assert.deepEqual(del.data, { detail: 'No Session matches the given query.', status_code: 404 });
	});

	test('12. weighings: create, validation, no PUT/PATCH, delete, id from url', async () => {
		await setupBase();
		await setupSubjects();
		const res = await as.admin.post('/weighings', {
			json: { subject: 'Algernon', weight: 25.3, date_time: '2026-01-10T09:00:00' },
		});
		assert.equal(res.status, 201);
		assert.deepEqual(Object.keys(res.data), ['subject', 'date_time', 'weight', 'user', 'url']);
		assert.equal(res.data.user, 'admin');
		assert.equal(res.data.date_time, '2026-01-10T09:00:00');
		const id = res.data.url.slice(-36);
		assert.match(id, UUID);
		assert.equal(res.data.url, `${alyx.url}/weighings/${id}`);

		const cases = [
			[{ subject: 'Algernon' }, { weight: ['This field is required.'] }],
			[
				{ subject: 'Algernon', weight: -1 },
				{ weight: ['Ensure this value is greater than or equal to 0.'] },
			],
			[
				{ subject: 'Ghost', weight: 20 },
				{ subject: ['Object with nickname=Ghost does not exist.'] },
			],
		];
		for (const [body, expected] of cases) {
			const bad = await as.admin.post('/weighings', { json: body });
			assert.equal(bad.status, 400);
			assert.deepEqual(bad.data, { ...expected, status_code: 400 });
		}
		for (const method of ['patch', 'put']) {
			const res405 = await as.admin[method](`/weighings/${id}`, { json: { weight: 1 } });
			assert.equal(res405.status, 405);
			assert.deepEqual(res405.data, {
				detail: `Method "${method.toUpperCase()}" not allowed.`,
				status_code: 405,
			});
		}
		assert.equal((await as.admin.get(`/weighings/${id}`)).status, 200);
		const del = await as.admin.delete(`/weighings/${id}`);
		assert.equal(del.status, 204);
		const gone = await as.admin.get(`/weighings/${id}`);
		assert.deepEqual(gone.data, {
			detail: 'No Weighing matches the given query.',
			status_code: 404,
		});
	});

	test('13. water administrations: defaults, types, session link, the date_range 500', async () => {
		await setupBase();
		await setupSubjects();
		const s1 = await setupSession();
		const res = await as.admin.post('/water-administrations', {
			json: { subject: 'Algernon', water_administered: 1.2, date_time: '2026-01-10T10:00:00' },
		});
		assert.equal(res.status, 201);
		assert.deepEqual(Object.keys(res.data), [
			'subject',
			'date_time',
			'water_administered',
			'water_type',
			'user',
			'url',
			'session',
			'adlib',
		]);
		assert.equal(res.data.water_type, 'Water');
		assert.equal(res.data.user, 'admin');
		assert.equal(res.data.session, null);
		assert.equal(res.data.adlib, false);
		const minimal = await as.admin.post('/water-administrations', { json: { subject: 'Formy' } });
		assert.equal(minimal.status, 201);
		assert.equal(minimal.data.water_administered, null);
		const badType = await as.admin.post('/water-administrations', {
			json: { subject: 'Algernon', water_type: 'Nope' },
		});
		assert.deepEqual(badType.data, {
			water_type: ['Object with name=Nope does not exist.'],
			status_code: 400,
		});
		const linked = await as.admin.post('/water-administrations', {
			json: { subject: 'Algernon', water_administered: 0.8, session: s1.id },
		});
		assert.equal(linked.data.session, s1.id);
		const detail = await as.admin.get(`/sessions/${s1.id}`);
		assert.deepEqual(
			detail.data.wateradmin_session_related.map((w) => w.water_administered),
			[0.8],
		);

		const broken = await as.admin.get(
			'/water-administrations?date_range=2026-01-01,2026-01-31&subject=algernon',
		);
		assert.equal(broken.status, 500);
		assert.match(
			broken.data.detail,
			/^Cannot resolve keyword 'start_time' into field\. Choices are: adlib, date_time, /,
		);
		assert.equal((await as.admin.get('/water-administrations?subject=algernon')).data.count, 2);
	});

	test('14. water requirement: a bare object with one record per day; unknown subject 500', async () => {
		await setupBase();
		await setupSubjects();
		await expectStatus(
			as.admin.post('/weighings', {
				json: { subject: 'Algernon', weight: 25.3, date_time: '2026-01-10T09:00:00' },
			}),
			201,
		);
		await expectStatus(
			as.admin.post('/water-administrations', {
				json: { subject: 'Algernon', water_administered: 1.2, date_time: '2026-01-10T10:00:00' },
			}),
			201,
		);
		const res = await as.admin.get(
			'/water-requirement/Algernon?start_date=2026-01-01&end_date=2026-01-12',
		);
		assert.equal(res.status, 200);
		assert.deepEqual(Object.keys(res.data), [
			'subject',
			'implant_weight',
			'reference_weight_pct',
			'zscore_weight_pct',
			'records',
		]);
		assert.equal(res.data.records.length, 12);
		const day10 = res.data.records.find((r) => r.date === '2026-01-10');
		assert.equal(day10.weight, 25.3);
		assert.equal(day10.weighing_at, 25.3);
		assert.equal(day10.given_water_supplement, 1.2);
		assert.equal(day10.expected_water, 1.012);
		assert.equal(res.data.records[0].weighing_at, null);
		assert.equal(res.data.records[11].weight, 25.3, 'the last weight carries forward');
		const unknown = await as.admin.get('/water-requirement/Nobody');
		assert.equal(unknown.status, 500);
		assert.deepEqual(unknown.data, {
			status_code: 500,
			detail: 'Subject matching query does not exist.',
		});
	});

	test('15. projects: create, the 500-but-created bug, duplicates', async () => {
		const res = await as.admin.post('/projects', {
			json: { name: 'second', description: 'x', users: ['admin'] },
		});
		assert.equal(res.status, 201);
		assert.deepEqual(res.data, { name: 'second', description: 'x', users: ['admin'] });
		const bug = await as.admin.post('/projects', {
			json: { name: 'main', description: 'main project' },
		});
		assert.equal(bug.status, 500);
		assert.deepEqual(bug.data, { status_code: 500, detail: "'LabMember' object is not iterable" });
		const list = await as.admin.get('/projects');
		assert.deepEqual(
			list.data.results.find((p) => p.name === 'main'),
			{ name: 'main', description: 'main project', users: [] },
		);
		const dup = await as.admin.post('/projects', { json: { name: 'main', users: ['admin'] } });
		assert.equal(dup.status, 400);
		assert.deepEqual(dup.data, {
			name: ['project with this name already exists.'],
			status_code: 400,
		});
	});

	test('16. reference data: dataset types, formats, repositories, water types', async () => {
		await setupBase();
		const page = await as.admin.get('/dataset-types?limit=2');
		assert.equal(page.data.results.length, 2);
		assert.equal(page.data.next, `${alyx.url}/dataset-types?limit=2&offset=2`);
		const type = await as.admin.get('/dataset-types/wheel.position');
		assert.deepEqual(Object.keys(type.data), [
			'id',
			'name',
			'created_by',
			'description',
			'filename_pattern',
		]);
		const unknown = await as.admin.get('/dataset-types/nothing.here');
		assert.deepEqual(unknown.data, {
			detail: 'No DatasetType matches the given query.',
			status_code: 404,
		});
		const npy = await as.admin.get('/data-formats/npy');
		assert.deepEqual(Object.keys(npy.data), [
			'id',
			'json',
			'name',
			'description',
			'file_extension',
			'matlab_loader_function',
			'python_loader_function',
		]);
		assert.equal(npy.data.file_extension, '.npy');
		const repo = await as.admin.get('/data-repository/local');
		assert.deepEqual(Object.keys(repo.data), [
			'name',
			'timezone',
			'globus_path',
			'hostname',
			'data_url',
			'repository_type',
			'globus_endpoint_id',
			'globus_is_personal',
			'json',
		]);
		assert.equal(repo.data.timezone, 'UTC');
		const fileserver = await as.admin.get('/data-repository-type/Fileserver');
		assert.deepEqual(fileserver.data, {
			url: `${alyx.url}/data-repository-type/Fileserver`,
			json: '',
			name: 'Fileserver',
		});
		const water = await as.admin.get('/water-type/Water');
		assert.equal(water.data.count, 7, '/water-type/<name> is the whole list');
		assert.ok(
			water.data.results.some((w) => w.url === `${alyx.url}/water-type/Water%2015%25%20Sucrose`),
		);
	});

	test('17. register files: list and comma forms, revisions, QC, hostname, re-registration', async () => {
		await setupBase();
		await setupSubjects();
		const s1 = await setupSession();
		const res = await as.admin.post('/register-file', { json: REGISTER });
		assert.equal(res.status, 201);
		assert.equal(res.data.length, 2);
		assert.deepEqual(Object.keys(res.data[0]), [
			'id',
			'name',
			'file_size',
			'subject',
			'created_by',
			'created_datetime',
			'dataset_type',
			'data_format',
			'session',
			'session_number',
			'session_users',
			'session_start_time',
			'collection',
			'revision',
			'default',
			'qc',
			'file_records',
		]);
		assert.deepEqual(
			res.data.map((d) => [
				d.name,
				d.dataset_type,
				d.data_format,
				d.file_size,
				d.qc,
				d.collection,
				d.revision,
				d.default,
			]),
			[
				['trials.table.pqt', 'trials.table', 'parquet', 1234, 0, 'alf', '', true],
				['wheel.position.npy', 'wheel.position', 'npy', 5678, 0, 'alf', '', true],
			],
		);
		assert.equal(res.data[0].session, s1.id);
		assert.equal(res.data[0].session_users, 'admin');
		assert.deepEqual(res.data[0].file_records[0], {
			id: res.data[0].file_records[0].id,
			data_repository: 'local',
			relative_path: 'Algernon/2026-01-10/001/alf/trials.table.pqt',
			exists: true,
		});

		const revision = await as.admin.post('/register-file', {
			json: {
				created_by: 'admin',
				name: 'local',
				path: 'Algernon/2026-01-10/001',
				filenames: 'alf/#2026-01-11#/trials.table.pqt',
				default: 'False',
				qc: 'PASS',
			},
		});
		assert.equal(revision.status, 201);
		assert.equal(revision.data[0].revision, '2026-01-11');
		assert.equal(revision.data[0].default, false);
		assert.equal(revision.data[0].qc, 10);
		assert.equal(
			revision.data[0].file_records[0].relative_path,
			'Algernon/2026-01-10/001/alf/#2026-01-11#/trials.table.pqt',
		);

		const hostname = await as.admin.post('/register-file', {
			json: {
				created_by: 'admin',
				hostname: 'localhost',
				path: 'Algernon/2026-01-10/001/',
				filenames: 'raw_behavior_data/spikes.times.npy',
				server_only: true,
				exists: false,
			},
		});
		assert.equal(hostname.status, 201);
		assert.equal(hostname.data[0].file_records[0].exists, false);
		assert.equal(hostname.data[0].dataset_type, 'spikes.times');

		const dropped = await as.admin.post('/register-file', {
			json: {
				name: 'local',
				path: 'Algernon/2026-01-10/001',
				filenames: ['bad collection!/trials.table.pqt'],
			},
		});
		assert.equal(dropped.data[0].collection, '');
		assert.equal(
			dropped.data[0].file_records[0].relative_path,
			'Algernon/2026-01-10/001/trials.table.pqt',
		);

		const again = await as.admin.post('/register-file', {
			json: {
				name: 'local',
				path: 'Algernon/2026-01-10/001',
				filenames: ['alf/trials.table.pqt'],
				check_protected: true,
			},
		});
		assert.equal(again.data[0].id, res.data[0].id, 're-registering returns the same dataset');
		assert.equal(again.data[0].file_size, 1234);
	});

	test('18. register-file errors: detail vs error keys, 400s and 500s', async () => {
		await setupBase();
		await setupSubjects();
		await setupSession();
		const file = {
			name: 'local',
			path: 'Algernon/2026-01-10/001',
			filenames: ['alf/trials.table.pqt'],
		};
		const cases = [
			[
				{ ...file, name: 'nope' },
				400,
				{ status_code: 400, detail: 'The specified repository does not exist.' },
			],
			[
				{ ...file, path: 'Ghost/2026-01-10/001' },
				400,
				{ status_code: 400, error: 'A subject with nickname "Ghost" does not exist.' },
			],
			[
				{ ...file, path: 'Algernon/2026-02-10/001' },
				400,
				{ status_code: 400, error: 'A base session for Algernon on 2026-02-10 does not exist' },
			],
			[
				{ ...file, path: 'Algernon/2026-01-10/002' },
				400,
				{ status_code: 400, error: 'A session for Algernon/2 on 2026-01-10 does not exist' },
			],
			[
				{ ...file, path: 'not/a/session' },
				400,
				{ status_code: 400, error: 'The path not/a/session should be `nickname/YYYY-MM-DD/n/...' },
			],
			[
				{ ...file, qc: 'BOGUS' },
				400,
				{
					status_code: 400,
					detail:
						'Invalid QC value "BOGUS" for dataset "Algernon/2026-01-10/001/alf/trials.table.pqt"',
				},
			],
			[
				{ ...file, labs: 'nolab' },
				400,
				{ status_code: 400, detail: 'One or more of the specified labs do not exist.' },
			],
			[
				{ ...file, filenames: ['alf/unknownthing.xyz.npy'] },
				500,
				{ status_code: 500, detail: 'No dataset type found for filename "unknownthing.xyz.npy"' },
			],
			[
				{ ...file, filenames: ['alf/trials.table.zzz'] },
				500,
				{ status_code: 500, detail: 'DataFormat matching query does not exist.' },
			],
			[
				{ name: 'local', filenames: ['alf/trials.table.pqt'] },
				500,
				{ status_code: 500, detail: 'The path argument is required.' },
			],
		];
		for (const [body, status, expected] of cases) {
			const res = await as.admin.post('/register-file', { json: body });
			assert.equal(res.status, status, JSON.stringify(body));
			assert.deepEqual(res.data, expected);
			// A node reads the message from `detail` or `error`.
			assert.equal(typeof (res.data.detail ?? res.data.error), 'string');
		}
		assert.equal(
			(await as.admin.get('/datasets')).data.count,
			0,
			'failed registrations create nothing',
		);
	});

	test('19. datasets and file records: filters, detail, hyperlinks, PATCH, create', async () => {
		await setupBase();
		await setupSubjects();
		const s1 = await setupSession();
		await expectStatus(
			as.admin.post('/sessions', {
				json: { subject: 'Formy', number: 2, start_time: '2026-01-11T08:00:00Z' },
			}),
			201,
		);
		await expectStatus(as.admin.post('/register-file', { json: REGISTER }), 201);

		const list = await as.admin.get(
			'/datasets?subject=Algernon&dataset_type=trials.table&collection=alf',
		);
		assert.equal(list.data.count, 1);
		const item = list.data.results[0];
		assert.equal(item.qc, 'NOT_SET');
		assert.equal(item.protected, 0);
		assert.equal(item.public, 0);
		assert.equal(item.session, `${alyx.url}/sessions/${s1.id}`);
		assert.equal(
			item.file_records[0].data_url,
			`http://example.org/data/Algernon/2026-01-10/001/alf/trials.table.${item.url.slice(-36)}.pqt`,
		);
		const id = item.url.slice(-36);
		const detail = await as.admin.get(`/datasets/${id}`);
		assert.equal(detail.status, 200);
		assert.ok(!('protected' in detail.data) && !('public' in detail.data));

		const files = await as.admin.get(`/files?dataset=${id}`);
		assert.equal(files.data.count, 1);
		assert.equal(files.data.results[0].dataset, `${alyx.url}/datasets/${id}`);
		const fileId = files.data.results[0].url.slice(-36);
		const patched = await as.admin.patch(`/files/${fileId}`, { json: { exists: false } });
		assert.equal(patched.status, 200);
		assert.equal(patched.data.exists, false);
		assert.equal((await as.admin.get('/files?exists=False')).data.count, 1);
		const badUuid = await as.admin.get('/files?dataset=not-a-uuid');
		assert.equal(badUuid.status, 400);
		assert.deepEqual(badUuid.data, {
			dataset: ['“not-a-uuid” is not a valid UUID.'],
			status_code: 400,
		});

		const created = await as.admin.post('/datasets', {
			json: {
				name: 'trials.table.pqt',
				dataset_type: 'trials.table',
				data_format: 'parquet',
				subject: 'Formy',
				date: '2026-01-11',
				number: 2,
				collection: 'alf',
			},
		});
		assert.equal(created.status, 201);
		assert.equal(created.data.experiment_number, 2);
		assert.equal(created.data.created_by, null);
		assert.ok(!('protected' in created.data));
		const noType = await as.admin.post('/datasets', { json: { name: 'x.y.npy' } });
		assert.equal(noType.status, 400);
		assert.deepEqual(noType.data, { dataset_type: ['This field is required.'], status_code: 400 });
	});

	test('20. content negotiation and body encodings', async () => {
		await setupBase();
		const vnd = await as.admin.get('/subjects', {
			headers: { Accept: 'application/vnd.alyx.v1+json' },
		});
		assert.equal(vnd.status, 406);
		assert.deepEqual(vnd.data, {
			detail: 'Could not satisfy the request Accept header.',
			status_code: 406,
		});
		const htmlFormat = await as.admin.get('/subjects?format=json', {
			headers: { Accept: 'text/html' },
		});
		assert.equal(htmlFormat.status, 406);
		const browser = await as.admin.get('/subjects', {
			headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
		});
		assert.equal(browser.status, 200);
		assert.match(browser.contentType, /^text\/html/);

		const stringBody = await as.admin.post('/sessions', { json: 'not json' });
		assert.deepEqual(stringBody.data, {
			non_field_errors: ['Invalid data. Expected a dictionary, but got str.'],
			status_code: 400,
		});
		const malformed = await as.admin.post('/sessions', {
			body: '{"subject": }',
			contentType: 'application/json',
		});
		assert.equal(malformed.status, 400);
		assert.deepEqual(malformed.data, {
			detail: 'JSON parse error - Expecting value: line 1 column 13 (char 12)',
			status_code: 400,
		});
		const text = await as.admin.post('/sessions', { body: 'subject=x', contentType: 'text/plain' });
		assert.equal(text.status, 415);
		assert.deepEqual(text.data, {
			detail: 'Unsupported media type "text/plain" in request.',
			status_code: 415,
		});

		const options = await as.admin.options('/weighings');
		assert.equal(options.status, 200);
		assert.deepEqual(options.data.parses, [
			'application/json',
			'application/x-www-form-urlencoded',
			'multipart/form-data',
		]);
		assert.deepEqual(options.data.actions.POST.weight, {
			type: 'float',
			required: true,
			read_only: false,
			label: 'Weight',
			help_text: 'Weight in grams',
			min_value: 0,
		});
		assert.equal(options.data.actions.POST.subject.required, true);

		const multipart = new FormData();
		multipart.append('name', 'viaform');
		multipart.append('users', 'admin');
		const res = await fetch(`${alyx.url}/projects`, {
			method: 'POST',
			headers: { Authorization: `Token ${tokens.admin}`, Accept: 'application/json' },
			body: multipart,
		});
		assert.equal(res.status, 201, 'multipart/form-data is parsed');
	});
});
