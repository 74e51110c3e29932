// Alyx: Return All of 100 000 sessions through the node against a plain paged fetch loop, and
// what an idle trigger poll costs over 100 000 old sessions. Targets (issue 4): at most 101
// requests and 1.2× the loop's time; an idle poll at most 2 requests and under 16 KB.
import { startEmulatorProcess } from './lib/emulator-process.mjs';
import { executeContext, loadDist, pollContext } from './lib/poll-context.mjs';

const SESSIONS = 100_000;

async function stats(url) {
	return await (await fetch(`${url}/__emulator/stats`)).json();
}
async function resetStats(url) {
	await fetch(`${url}/__emulator/stats/reset`, { method: 'POST' });
}

async function plainLoop(url, token) {
	let count = 0;
	for (let offset = 0; ; offset += 1000) {
		const page = await (await fetch(`${url}/sessions?limit=1000&offset=${offset}`, { headers: { Authorization: `Token ${token}`, Accept: 'application/json' } })).json();
		count += page.results.length;
		if (!page.next) return count;
	}
}

async function best(times, fn) {
	let fastest = Infinity;
	let result;
	for (let i = 0; i < times; i++) {
		const started = performance.now();
		result = await fn();
		fastest = Math.min(fastest, performance.now() - started);
	}
	return { ms: fastest, result };
}

export async function alyxBenchmarks() {
	const emulator = await startEmulatorProcess('alyx', ['--seed', 'demo']);
	try {
		const created = await fetch(`${emulator.url}/__emulator/bulk-sessions`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ count: SESSIONS, subject: 'KS022', ageSeconds: 30 * 86400 }),
		});
		if (!created.ok) throw new Error(`bulk-sessions: ${created.status} ${await created.text()}`);
		const { token } = await (await fetch(`${emulator.url}/auth-token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'alice-password' }) })).json();
		const credentials = { baseUrl: emulator.url, username: 'alice', password: 'alice-password', token };
		const { Alyx } = loadDist('nodes/Alyx/Alyx.node.js');
		const { AlyxTrigger } = loadDist('nodes/Alyx/AlyxTrigger.node.js');
		const { AlyxApi } = loadDist('credentials/AlyxApi.credentials.js');

		const total = (await (await fetch(`${emulator.url}/sessions?limit=1`, { headers: { Authorization: `Token ${token}` } })).json()).count;
		const loop = await best(3, () => plainLoop(emulator.url, token));
		const ctx = executeContext({ credentialType: 'alyxApi', credentialClass: AlyxApi, credentials, parameters: { resource: 'session', operation: 'getAll', returnAll: true, filters: {} } });
		await resetStats(emulator.url);
		const node = await best(3, async () => (await new Alyx().execute.call(ctx))[0].length);
		const nodeRequests = (await stats(emulator.url)).requests / 3;
		const ratio = node.ms / loop.ms;

		const staticData = {};
		const poll = pollContext({ credentialType: 'alyxApi', credentialClass: AlyxApi, credentials, parameters: { event: 'session', filters: {}, options: {} }, staticData });
		const trigger = new AlyxTrigger();
		await resetStats(emulator.url);
		await trigger.poll.call(poll);
		const first = await stats(emulator.url);
		await resetStats(emulator.url);
		const idleRuns = 5;
		for (let i = 0; i < idleRuns; i++) await trigger.poll.call(poll);
		const idle = await stats(emulator.url);
		const idleRequests = idle.requests / idleRuns;
		const idleBytes = idle.bytesOut / idleRuns;

		return `## Alyx: Return All over ${total.toLocaleString('en')} sessions

| fetch | records | requests | time (best of 3) |
|---|---|---|---|
| plain loop (fetch, limit=1000, follow next) | ${loop.result.toLocaleString('en')} | ${Math.ceil(total / 1000)} | ${loop.ms.toFixed(0)} ms |
| Alyx node, Session → Get Many, Return All | ${node.result.toLocaleString('en')} | ${nodeRequests} | ${node.ms.toFixed(0)} ms |

Targets: at most 101 requests (**${nodeRequests <= 101 ? 'met' : 'NOT met'}**, ${nodeRequests}); at most 1.2× the loop's time (**${ratio <= 1.2 ? 'met' : 'NOT met'}**, ${ratio.toFixed(2)}×).

## Alyx Trigger: idle poll over ${total.toLocaleString('en')} old sessions

| poll | requests | response bytes |
|---|---|---|
| first (finds the newest change by count-only bisection) | ${first.requests} | ${first.bytesOut.toLocaleString('en')} |
| idle (mean of ${idleRuns}) | ${idleRequests} | ${Math.round(idleBytes).toLocaleString('en')} |

Target: at most 2 requests and under 16 KB (**${idleRequests <= 2 && idleBytes < 16384 ? 'met' : 'NOT met'}**).
`;
	} finally {
		await emulator.close();
	}
}
