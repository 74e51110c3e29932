// Notification hooks (reference §8.4): the scheduler POSTs {"batches":[{batchId, state}]} to
// every configured URL, with Basic auth when configured, once per newly finished batch.
// The body is serialised like Python requests' json= (", " and ": " separators).
import { nowSeconds } from './ids.mjs';
import { pyJsonDumps } from './python-format.mjs';

const LOG_SIZE = 100;

/**
 * Fire-and-forget delivery; failures are only recorded (upstream prints them to stderr).
 * @param {{url: string, auth?: {username: string, password: string}}[]} hooks
 * @param {{batches: {batchId: string, state: string}[]}} payload
 * @param {object[]} log recent deliveries, shown by GET /__emulator/notifications
 */
export function postNotifications(hooks, payload, log) {
	const body = pyJsonDumps(payload);
	for (const hook of hooks ?? []) {
		const headers = { 'Content-Type': 'application/json' };
		if (hook.auth) {
			headers.Authorization = `Basic ${Buffer.from(`${hook.auth.username}:${hook.auth.password}`).toString('base64')}`;
		}
		const entry = {
			url: hook.url,
			batches: payload.batches.length,
			time: nowSeconds(),
			status: null,
			error: null,
		};
		log.push(entry);
		if (log.length > LOG_SIZE) log.shift();
		fetch(hook.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) })
			.then(async (res) => {
				entry.status = res.status;
				await res.arrayBuffer().catch(() => {});
			})
			.catch((err) => {
				entry.error = String(err?.message ?? err);
			});
	}
}
