// Test and benchmark control routes under /__emulator/ (no auth, not part of CC-Agency).
//   GET  /__emulator/stats          {requests, bytesOut, byRoute} of all non-control requests
//   POST /__emulator/stats/reset
//   POST /__emulator/reset          empty all data, clear lockouts and timers
//   POST /__emulator/bulk-batches   {count, state, username, experimentId?, ageSeconds?} finished batches
//   GET|POST /__emulator/faults     {rate503: 0..1, routes?: [prefix...]} injected 503s
//   GET|POST /__emulator/config     runtime settings (stepMs, lockout, tokens, nodes, hooks...)
//   GET  /__emulator/secrets        trustee contents as key names only (never values)
//   GET  /__emulator/notifications  recent notification-hook deliveries
import { createRouter } from '../lib/router.mjs';
import { applyRuntimeConfig, publicConfig } from './config.mjs';
import { createFinishedBatches } from './finished-batches.mjs';

export class ControlError extends Error {}

export function createControlRouter({ store, scheduler, auth, config, stats, faults }) {
	const router = createRouter();
	const ok = (value) => ({ status: 200, json: value });
	const wrap = (fn) => async (ctx) => {
		try {
			return await fn(ctx);
		} catch (e) {
			throw e instanceof ControlError ? e : new ControlError(e.message);
		}
	};

	router.add('GET', '/__emulator/stats', () => ok(stats.snapshot()));
	router.add('POST', '/__emulator/stats/reset', () => {
		stats.reset();
		return ok(stats.snapshot());
	});

	router.add('POST', '/__emulator/reset', () => {
		scheduler.stop();
		store.clear();
		auth.clearLockouts();
		scheduler.start();
		store.changed();
		return ok({ reset: true });
	});

	router.add(
		'POST',
		'/__emulator/bulk-batches',
		wrap(async (ctx) => {
			const body = await ctx.jsonBody();
			const result = createFinishedBatches(store, {
				count: body.count,
				state: body.state,
				username: body.username,
				experimentId: body.experimentId,
				ageSeconds: body.ageSeconds,
				nodeName: config.nodes[0]?.nodeName ?? 'node_a',
			});
			return ok(result);
		}),
	);

	router.add('GET', '/__emulator/faults', () => ok(faults.snapshot()));
	router.add(
		'POST',
		'/__emulator/faults',
		wrap(async (ctx) => ok(faults.configure(await ctx.jsonBody()))),
	);

	router.add('GET', '/__emulator/config', () => ok(publicConfig(config)));
	router.add(
		'POST',
		'/__emulator/config',
		wrap(async (ctx) => {
			const changed = applyRuntimeConfig(config, await ctx.jsonBody());
			if (changed.includes('nodes')) scheduler.setNodes(config.nodes);
			// Re-arm timers with the new step length / node list and try scheduling again.
			if (changed.includes('stepMs') || changed.includes('nodes')) {
				scheduler.start();
				scheduler.schedulePass();
			}
			return ok(publicConfig(config));
		}),
	);

	router.add('GET', '/__emulator/secrets', () => {
		const keys = {};
		for (const [key, value] of store.trustee) {
			keys[key] = keyPaths(value);
		}
		return ok({ count: store.trustee.size, keys });
	});

	router.add('GET', '/__emulator/notifications', () =>
		ok({ deliveries: scheduler.notificationLog }),
	);

	return router;
}

/** Dotted key paths of a secret ("auth.password") so tests can see names, never values. */
function keyPaths(value, prefix = '') {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return prefix ? [prefix] : [];
	return Object.keys(value)
		.flatMap((k) => keyPaths(value[k], prefix ? `${prefix}.${k}` : k))
		.sort();
}
