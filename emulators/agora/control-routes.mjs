// Test and benchmark control routes under /__emulator/ (no auth, not part of Agora).
//   GET  /__emulator/stats             {requests, bytesOut, byRoute} of all non-control requests
//   POST /__emulator/stats/reset
//   POST /__emulator/reset             back to the seed (users, keys and demo content)
//   POST /__emulator/bulk-timeline     {count, state, type?, ageSeconds?, username?, project?}
//                                      many finished timeline items, fast
//   POST /__emulator/timeline/:id      {state, error?, output?} puts an item into any state (e.g.
//                                      IDLE 0 or CANCELING 4, which runs never show for long)
//   GET|POST /__emulator/faults        {rate503: 0..1, routes?: [prefix...]} injected 503s
//   GET|POST /__emulator/config        runtime settings {stepMs, pageSize, version, server}
//   GET  /__emulator/requests          the last requests as received (?limit=, ?since=seq)
//   POST /__emulator/requests/reset
import { ControlError, controlHandler } from '../lib/control-server.mjs';
import { createRouter } from '../lib/router.mjs';
import { applyRuntimeConfig, publicConfig } from './config.mjs';
import {
	TERMINAL_TIMELINE_STATES,
	TIMELINE_STATE_NAMES,
	TIMELINE_STATES,
} from './content-types.mjs';
import { isoAt, isoNow } from './dates.mjs';
import { registerDownloadControls } from './control-downloads.mjs';
import { registerImportControls } from './control-imports.mjs';
import { resetToSeed } from './seed.mjs';

const BULK_TYPES = new Set(['task', 'copy', 'move', 'import', 'download']);

/**
 * Inserts `count` terminal timeline items one minute apart, the newest `ageSeconds` old,
 * oldest first (ids grow with time, as they do for real items). Static: no timers.
 */
export function createBulkTimeline(
	store,
	{ count, state, type = 'task', ageSeconds = 0, username, project = null },
) {
	const n = Number(count);
	if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
		throw new ControlError('count must be an integer from 1 to 1000000');
	if (!TERMINAL_TIMELINE_STATES.has(state))
		throw new ControlError(`state must be one of ${[...TERMINAL_TIMELINE_STATES].join(', ')}`);
	if (!BULK_TYPES.has(type))
		throw new ControlError(`type must be one of ${[...BULK_TYPES].join(', ')}`);
	const age = Number(ageSeconds ?? 0);
	if (!Number.isFinite(age) || age < 0) throw new ControlError('ageSeconds must be a number >= 0');
	const t = store.t;
	const user =
		username == null
			? (t.users.find((u) => !u.is_superuser && !u.readOnly) ?? t.users.all()[0])
			: t.users.find((u) => u.username === username);
	if (!user) throw new ControlError(`no user "${username}"`);
	if (project != null && !t.projects.get(project)) throw new ControlError(`no project ${project}`);
	const newest = Date.now() - age * 1000;
	let firstId = null;
	let lastId = null;
	const error = state === 'ERROR' ? 'exit code 1' : null;
	for (let i = n - 1; i >= 0; i--) {
		const created = isoAt(newest - i * 60_000);
		const ended = isoAt(newest - i * 60_000 + 5_000);
		const row = t.timeline.insert({
			type,
			name: `bulk ${type} ${n - i}`,
			state,
			progress: 100,
			created_date: created,
			modified_date: ended,
			start_date: created,
			end_date: ended,
			user: user.id,
			project,
			task: null,
			script_task: null,
			target: null,
			inputs: null,
			output: state === 'FINISHED' ? 'done' : state === 'ERROR' ? 'failed' : '',
			log: '',
			error,
			exit_code: state === 'FINISHED' ? 0 : state === 'ERROR' ? 1 : null,
			related_objects: [],
			sim: null,
		});
		firstId ??= row.id;
		lastId = row.id;
	}
	store.changed();
	return { created: n, firstId, lastId, timeline: t.timeline.size, username: user.username };
}

export function createControlRouter(services) {
	const { store, config, stats, faults, requestLog, timeline } = services;
	const router = createRouter();
	const ok = (json) => ({ status: 200, json });

	router.add('GET', '/__emulator/stats', () => ok(stats.snapshot()));
	router.add('POST', '/__emulator/stats/reset', () => {
		stats.reset();
		return ok(stats.snapshot());
	});
	router.add('POST', '/__emulator/reset', () => {
		resetToSeed(services);
		return ok({ reset: true, seed: config.seed });
	});
	router.add(
		'POST',
		'/__emulator/bulk-timeline',
		controlHandler(async (ctx) => ok(createBulkTimeline(store, await ctx.jsonBody()))),
	);
	router.add(
		'POST',
		'/__emulator/timeline/:id',
		controlHandler(async (ctx) => {
			const item = store.t.timeline.get(ctx.params.id);
			if (!item) throw new ControlError(`no timeline item ${ctx.params.id}`);
			const body = await ctx.jsonBody();
			const state = TIMELINE_STATE_NAMES[body.state] ?? body.state;
			if (typeof state !== 'string' || !Object.hasOwn(TIMELINE_STATES, state))
				throw new ControlError(
					`state must be one of ${Object.keys(TIMELINE_STATES).join(', ')} or their codes`,
				);
			const now = isoNow();
			Object.assign(item, { state, modified_date: now });
			if (TERMINAL_TIMELINE_STATES.has(state))
				Object.assign(item, { end_date: now, progress: 100 });
			if (body.error !== undefined) item.error = body.error;
			if (body.output !== undefined) item.output = String(body.output);
			store.changed();
			// Unfinished items go on from the new state (IDLE continues like QUEUED).
			timeline.arm(item);
			return ok({ id: item.id, state: item.state });
		}),
	);
	router.add('GET', '/__emulator/faults', () => ok(faults.snapshot()));
	router.add(
		'POST',
		'/__emulator/faults',
		controlHandler(async (ctx) => ok(faults.configure(await ctx.jsonBody()))),
	);
	router.add('GET', '/__emulator/config', () => ok(publicConfig(config)));
	router.add(
		'POST',
		'/__emulator/config',
		controlHandler(async (ctx) => {
			const changed = applyRuntimeConfig(config, await ctx.jsonBody());
			if (changed.includes('stepMs')) {
				// Re-arm running items with the new step length.
				timeline.stop();
				timeline.start();
			}
			return ok(publicConfig(config));
		}),
	);
	router.add('GET', '/__emulator/requests', (ctx) => {
		const limit = Number(ctx.query.get('limit') ?? 100);
		const since = Number(ctx.query.get('since') ?? 0);
		return ok({
			lastSeq: requestLog.lastSeq,
			requests: requestLog.list({ limit, sinceSeq: since }),
		});
	});
	router.add('POST', '/__emulator/requests/reset', () => {
		requestLog.reset();
		return ok({ reset: true });
	});
	registerImportControls(router, services);
	registerDownloadControls(router, services);
	return router;
}
