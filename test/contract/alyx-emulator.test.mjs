// Contract tests for the Alyx emulator, part 3: what is not Alyx but other code relies on —
// the /__emulator/ control routes, large lists (100 000 sessions), the demo seed, the data
// file, token options and the CLI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAlyxEmulator } from '../../emulators/alyx/server.mjs';
import { createClient, pollUntil } from '../../emulators/lib/contract-client.mjs';

const SERVER = fileURLToPath(new URL('../../emulators/alyx/server.mjs', import.meta.url));
const JSON_ACCEPT = { Accept: 'application/json' };

let workDir;
before(() => {
	workDir = mkdtempSync(join(tmpdir(), 'alyx-contract-'));
});
after(() => {
	rmSync(workDir, { recursive: true, force: true });
});

async function tokenOf(url, username = 'admin', password = `${username}-password`) {
	const res = await fetch(`${url}/auth-token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ username, password }),
	});
	assert.equal(res.status, 200);
	return (await res.json()).token;
}

function api(url, token) {
	return createClient(url, { authorization: `Token ${token}` });
}

describe('control routes', () => {
	let alyx;
	let admin;
	let control;
	before(async () => {
		alyx = await startAlyxEmulator();
		admin = api(alyx.url, await tokenOf(alyx.url));
		control = createClient(alyx.url);
	});
	after(async () => {
		await alyx?.close();
	});

	test('stats count every non-control request and the bytes sent', async () => {
		await control.post('/__emulator/stats/reset');
		const a = await admin.get('/subjects', { headers: JSON_ACCEPT });
		const b = await admin.get('/subjects?limit=1', { headers: JSON_ACCEPT });
		const c = await admin.get('/sessions/00000000-0000-0000-0000-000000000000', {
			headers: JSON_ACCEPT,
		});
		const d = await admin.get('/nothing/here');
		const stats = (await control.get('/__emulator/stats')).data;
		assert.equal(stats.requests, 4);
		assert.deepEqual(stats.byRoute, {
			'GET /subjects': 2,
			'GET /sessions/:id': 1,
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

	test('reset returns to the seed and keeps the users and their tokens', async () => {
		await admin.post('/labs', { json: { name: 'temporary' } });
		assert.equal((await admin.get('/labs/temporary')).status, 200);
		assert.deepEqual((await control.post('/__emulator/reset')).data, { reset: true, seed: 'none' });
		assert.equal(
			(await admin.get('/labs/temporary')).status,
			404,
			'the token still works after a reset',
		);
		assert.equal((await admin.get('/dataset-types')).data.count, 114);
		assert.equal((await admin.get('/labs')).data.results[0].name, 'cortexlab');
	});

	test('token/revoke makes the next request 403 "Invalid token." until a new login', async () => {
		const token = await tokenOf(alyx.url, 'alice');
		const alice = api(alyx.url, token);
		assert.equal((await alice.get('/subjects')).status, 200);
		const revoked = await control.post('/__emulator/token/revoke', { json: { username: 'alice' } });
		assert.deepEqual(revoked.data, { revoked: true, username: 'alice' });
		const stale = await alice.get('/subjects');
		assert.equal(stale.status, 403);
		assert.deepEqual(stale.data, { detail: 'Invalid token.', status_code: 403 });
		const fresh = await tokenOf(alyx.url, 'alice');
		assert.notEqual(fresh, token);
		assert.equal((await api(alyx.url, fresh).get('/subjects')).status, 200);
		assert.equal(
			(await control.post('/__emulator/token/revoke', { json: { username: 'nobody' } })).status,
			400,
		);
	});

	test('faults inject 503s on chosen routes, like the CC-Agency emulator', async () => {
		const set = await control.post('/__emulator/faults', {
			json: { rate503: 1, routes: ['/subjects'] },
		});
		assert.deepEqual(set.data, { injected: 0, rate503: 1, routes: ['/subjects'] });
		assert.equal((await admin.get('/subjects')).status, 503);
		assert.equal((await admin.get('/labs')).status, 200);
		await control.post('/__emulator/faults', { json: { rate503: 0 } });
		assert.equal((await admin.get('/subjects')).status, 200);
		assert.equal((await control.get('/__emulator/faults')).data.injected, 1);
		assert.equal((await control.post('/__emulator/faults', { json: { rate503: 2 } })).status, 400);
	});

	test('water restrictions (an admin-only action in Alyx) can be created for tests', async () => {
		await control.post('/__emulator/reset');
		await admin.post('/labs', { json: { name: 'testlab' } });
		await admin.post('/subjects', { json: { nickname: 'Thirsty', lab: 'testlab' } });
		await admin.post('/subjects', { json: { nickname: 'Free', lab: 'testlab' } });
		const res = await control.post('/__emulator/water-restrictions', {
			json: { subject: 'Thirsty', startTime: '2026-01-01T08:00:00', referenceWeight: 22.5 },
		});
		assert.equal(res.status, 200);
		const restricted = await admin.get('/water-restricted-subjects', { headers: JSON_ACCEPT });
		assert.deepEqual(
			restricted.data.results.map((s) => [s.nickname, s.reference_weight]),
			[['Thirsty', 22.5]],
		);
		assert.deepEqual(
			(await admin.get('/subjects?water_restricted=True')).data.results.map((s) => s.nickname),
			['Thirsty'],
		);
		assert.deepEqual(
			(await admin.get('/subjects?water_restricted=False')).data.results.map((s) => s.nickname),
			['Free'],
		);
		assert.equal((await admin.get('/water-restriction')).data.count, 1);
	});
});

describe('large lists', () => {
	let alyx;
	let admin;
	before(async () => {
		alyx = await startAlyxEmulator();
		admin = api(alyx.url, await tokenOf(alyx.url));
	});
	after(async () => {
		await alyx?.close();
	});

	test('bulk-sessions creates 100 000 sessions and "return all" at limit=1000 stays linear', async () => {
		const control = createClient(alyx.url);
		const started = performance.now();
		const bulk = await control.post('/__emulator/bulk-sessions', {
			json: { count: 100000, ageSeconds: 3600 },
		});
		assert.equal(bulk.status, 200);
		assert.equal(bulk.data.created, 100000);
		assert.ok(performance.now() - started < 10000, 'bulk creation is fast');

		for (const query of ['', '&subject=bulk-subject']) {
			const t0 = performance.now();
			let url = `/sessions?limit=1000${query}`;
			let seen = 0;
			let pages = 0;
			let previousStart = '9999';
			while (url) {
				const page = await admin.get(url.replace(alyx.url, ''), { headers: JSON_ACCEPT });
				assert.equal(page.status, 200);
				seen += page.data.results.length;
				pages += 1;
				for (const s of page.data.results) {
					assert.ok(s.start_time <= previousStart, 'ordered by -start_time across pages');
					previousStart = s.start_time;
				}
				url = page.data.next;
			}
			const elapsed = performance.now() - t0;
			assert.equal(seen, 100000);
			assert.equal(pages, 100);
			// Quadratic paging (a sort or filter pass per page over 100 000 rows) takes tens of
			// seconds; linear paging takes well under a few.
			assert.ok(elapsed < 15000, `return all took ${elapsed.toFixed(0)} ms`);
		}
		const newest = (await admin.get('/sessions?limit=1', { headers: JSON_ACCEPT })).data.results[0];
		const ageMs = Date.now() - Date.parse(`${newest.start_time}Z`);
		assert.ok(ageMs > 3500 * 1000 && ageMs < 3700 * 1000, 'the newest session is ageSeconds old');
		const bad = await control.post('/__emulator/bulk-sessions', {
			json: { count: 5, subject: 'Nobody' },
		});
		assert.equal(bad.status, 400);
	});
});

describe('seeds, data file and options', () => {
	test('the demo seed is a small lab with subjects, sessions, datasets and file records', async () => {
		const alyx = await startAlyxEmulator({ seed: 'demo' });
		try {
			const alice = api(alyx.url, await tokenOf(alyx.url, 'alice'));
			const get = async (path) => (await alice.get(path, { headers: JSON_ACCEPT })).data;
			assert.deepEqual(
				(await get('/subjects')).results.map((s) => s.nickname),
				['KS022', 'SWC_043', 'ZM_1085'],
			);
			assert.equal((await get('/subjects?alive=False')).count, 1);
			assert.equal((await get('/water-restricted-subjects')).count, 1);
			assert.ok((await get('/weighings?subject=KS022')).count >= 10);
			assert.ok((await get('/water-administrations?subject=SWC_043')).count >= 10);
			const sessions = await get('/sessions?dataset_types=trials.table,wheel.position');
			assert.ok(sessions.count >= 10);
			const datasets = await get('/datasets?subject=KS022&dataset_type=trials.table');
			assert.ok(
				datasets.results.every((d) => d.file_records.length === 1 && d.file_records[0].data_url),
			);
			assert.ok(datasets.results.some((d) => d.revision !== '' && d.default_dataset === false));
			assert.equal((await get('/datasets?protected=True')).count, 1);
			assert.ok((await get('/projects')).count >= 2);
			const report = await get('/water-requirement/SWC_043');
			assert.ok(report.records.some((r) => r.is_water_restricted));
		} finally {
			await alyx.close();
		}
	});

	test('a data file is loaded at start and saved after changes', async () => {
		const dataFile = join(workDir, 'alyx.json');
		const first = await startAlyxEmulator({ dataFile });
		const token = await tokenOf(first.url);
		const admin = api(first.url, token);
		await admin.post('/labs', { json: { name: 'persisted' } });
		await pollUntil(() => existsSync(dataFile), { description: 'the data file' });
		await first.close();
		const saved = JSON.parse(readFileSync(dataFile, 'utf8'));
		assert.equal(saved.format, 'alyx-emulator/1');
		assert.ok(!JSON.stringify(saved).includes('admin-password'), 'passwords are never written');

		const second = await startAlyxEmulator({ dataFile });
		try {
			const again = api(second.url, token);
			assert.equal(
				(await again.get('/labs/persisted')).status,
				200,
				'data and tokens survive a restart',
			);
			assert.equal(await tokenOf(second.url), token, 'the same token comes back at login');
		} finally {
			await second.close();
		}
	});

	test('tokens never expire unless tokenTtlSeconds is set; Host builds the urls', async () => {
		const alyx = await startAlyxEmulator({ tokenTtlSeconds: 0.2 });
		try {
			const token = await tokenOf(alyx.url);
			const admin = api(alyx.url, token);
			assert.equal((await admin.get('/subjects')).status, 200);
			await new Promise((r) => setTimeout(r, 300));
			const expired = await admin.get('/subjects');
			assert.deepEqual(expired.data, { detail: 'Invalid token.', status_code: 403 });
			const fresh = await tokenOf(alyx.url);
			assert.notEqual(fresh, token);
			// fetch() cannot set Host, so this request goes through node:http.
			const body = await new Promise((resolve, reject) => {
				const req = httpRequest(`${alyx.url}/water-type?limit=1`, {
					headers: { Authorization: `Token ${fresh}`, Host: 'alyx.example.org:8000' },
				});
				req.on('response', (res) => {
					let text = '';
					res.on('data', (chunk) => {
						text += chunk;
					});
					res.on('end', () => resolve(JSON.parse(text)));
				});
				req.on('error', reject);
				req.end();
			});
			assert.equal(body.results[0].url, 'http://alyx.example.org:8000/water-type/Water');
			assert.equal(body.next, 'http://alyx.example.org:8000/water-type?limit=1&offset=1');
		} finally {
			await alyx.close();
		}
		await assert.rejects(startAlyxEmulator({ seed: 'bogus' }), /seed must be "demo" or "none"/);
	});

	test('the CLI prints one JSON line when listening and exits cleanly on SIGTERM', async () => {
		const dataFile = join(workDir, 'cli.json');
		const child = spawn(
			process.execPath,
			[SERVER, '--port', '0', '--seed', 'demo', '--data-file', dataFile],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let stdout = '';
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
		});
		const line = await pollUntil(() => stdout.includes('\n') && stdout, {
			timeoutMs: 10000,
			description: 'the CLI to print its URL',
		});
		const lines = line.trim().split('\n');
		assert.equal(lines.length, 1);
		const info = JSON.parse(lines[0]);
		assert.equal(info.emulator, 'alyx');
		assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
		const token = await tokenOf(info.url);
		assert.equal((await api(info.url, token).get('/subjects')).data.count, 3);
		const exited = new Promise((resolve) =>
			child.once('exit', (code, signal) => resolve({ code, signal })),
		);
		child.kill('SIGTERM');
		assert.deepEqual(await exited, { code: 0, signal: null });
		assert.ok(existsSync(dataFile), 'the data file is flushed on exit');
	});
});
