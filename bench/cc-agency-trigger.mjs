// CC-Agency Trigger: what an idle poll costs when the agency holds 10 000 finished batches.
// Target (issue 3): at most one small request per watched state.
import { startEmulatorProcess } from './lib/emulator-process.mjs';
import { loadDist, pollContext } from './lib/poll-context.mjs';

const FINISHED = 10_000; // finished a day ago: history, not events

async function stats(url) {
	return await (await fetch(`${url}/__emulator/stats`)).json();
}

export async function ccAgencyIdlePoll() {
	const emulator = await startEmulatorProcess('cc-agency', ['--step-ms', '50']);
	try {
		for (const state of ['succeeded', 'failed', 'cancelled']) {
			const response = await fetch(`${emulator.url}/__emulator/bulk-batches`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ count: state === 'succeeded' ? FINISHED - 2000 : 1000, state, username: 'alice', ageSeconds: 86400 }),
			});
			if (!response.ok) throw new Error(`bulk-batches: ${response.status} ${await response.text()}`);
		}
		const { CcAgencyTrigger } = loadDist('nodes/CcAgency/CcAgencyTrigger.node.js');
		const { CcAgencyApi } = loadDist('credentials/CcAgencyApi.credentials.js');
		const staticData = {};
		const states = ['succeeded', 'failed', 'cancelled'];
		const ctx = pollContext({
			credentialType: 'ccAgencyApi',
			credentialClass: CcAgencyApi,
			credentials: { baseUrl: emulator.url, username: 'alice', password: 'alice-password', authentication: 'basic' },
			parameters: { triggerOn: states, experimentId: '', options: {} },
			staticData,
		});
		const trigger = new CcAgencyTrigger();

		await fetch(`${emulator.url}/__emulator/stats/reset`, { method: 'POST' });
		let started = performance.now();
		await trigger.poll.call(ctx);
		const firstMs = performance.now() - started;
		const first = await stats(emulator.url);

		await fetch(`${emulator.url}/__emulator/stats/reset`, { method: 'POST' });
		const idleRuns = 5;
		started = performance.now();
		for (let i = 0; i < idleRuns; i++) await trigger.poll.call(ctx);
		const idleMs = (performance.now() - started) / idleRuns;
		const idle = await stats(emulator.url);
		const perPoll = idle.requests / idleRuns;
		const bytesPerPoll = idle.bytesOut / idleRuns;
		const ok = perPoll <= states.length;
		return `## CC-Agency Trigger: idle poll over ${FINISHED.toLocaleString('en')} finished batches

Watching ${states.length} states (${states.join(', ')}). Requests and response bytes counted by the emulator.

| poll | requests | response bytes | time |
|---|---|---|---|
| first (establishes the cursor) | ${first.requests} | ${first.bytesOut.toLocaleString('en')} | ${firstMs.toFixed(0)} ms |
| idle (mean of ${idleRuns}) | ${perPoll} | ${Math.round(bytesPerPoll).toLocaleString('en')} | ${idleMs.toFixed(1)} ms |

Target: at most one small request per watched state (${states.length}): **${ok ? 'met' : 'NOT met'}** (${perPoll} requests, ${Math.round(bytesPerPoll / perPoll)} bytes each on average).
`;
	} finally {
		await emulator.close();
	}
}
