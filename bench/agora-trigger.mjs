// Agora Trigger: what an idle poll costs over 100 000 old timeline items.
// Target (issue 5): at most 2 requests and under 16 KB.
import { startEmulatorProcess } from './lib/emulator-process.mjs';
import { loadDist, pollContext } from './lib/poll-context.mjs';
import { AGORA_ALICE_KEY as ALICE_KEY } from '../scripts/lib/emulator-credentials.mjs';

const ITEMS = 100_000;

export async function agoraIdlePoll() {
	const emulator = await startEmulatorProcess('agora', ['--seed', 'demo', '--step-ms', '50']);
	try {
		for (const state of ['FINISHED', 'ERROR']) {
			const response = await fetch(`${emulator.url}/__emulator/bulk-timeline`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ count: state === 'FINISHED' ? ITEMS - 10_000 : 10_000, state, type: 'task', ageSeconds: 30 * 86400, username: 'alice', project: 4 }),
			});
			if (!response.ok) throw new Error(`bulk-timeline: ${response.status} ${await response.text()}`);
		}
		const { AgoraTrigger } = loadDist('nodes/Agora/AgoraTrigger.node.js');
		const { AgoraApi } = loadDist('credentials/AgoraApi.credentials.js');
		const ctx = pollContext({
			credentialType: 'agoraApi',
			credentialClass: AgoraApi,
			credentials: { baseUrl: emulator.url, authentication: 'apiKey', apiKey: ALICE_KEY, headerStyle: 'token', routeSet: 'documented' },
			parameters: { triggerOn: ['finished', 'failed', 'cancelled'], types: ['task', 'import', 'download'], filters: {}, options: {} },
			staticData: {},
		});
		const trigger = new AgoraTrigger();
		const stats = async () => await (await fetch(`${emulator.url}/__emulator/stats`)).json();
		const reset = () => fetch(`${emulator.url}/__emulator/stats/reset`, { method: 'POST' });
		await reset();
		await trigger.poll.call(ctx);
		const first = await stats();
		await reset();
		const runs = 5;
		for (let i = 0; i < runs; i++) await trigger.poll.call(ctx);
		const idle = await stats();
		const requests = idle.requests / runs;
		const bytes = idle.bytesOut / runs;
		return `## Agora Trigger: idle poll over ${ITEMS.toLocaleString('en')} old timeline items

| poll | requests | response bytes |
|---|---|---|
| first (end of the timeline, running items, recent finishes) | ${first.requests} | ${first.bytesOut.toLocaleString('en')} |
| idle (mean of ${runs}) | ${requests} | ${Math.round(bytes).toLocaleString('en')} |

Target: at most 2 requests and under 16 KB (**${requests <= 2 && bytes < 16384 ? 'met' : 'NOT met'}**).
`;
	} finally {
		await emulator.close();
	}
}
