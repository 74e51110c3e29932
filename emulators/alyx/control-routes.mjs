// Test and benchmark control routes under /__emulator/ (no auth, not part of Alyx).
//   GET  /__emulator/stats                {requests, bytesOut, byRoute} of all non-control requests
//   POST /__emulator/stats/reset
//   POST /__emulator/reset                back to the seed (configured users and their tokens stay)
//   POST /__emulator/bulk-sessions        {count, subject?, ageSeconds?} many sessions, fast
//   POST /__emulator/token/revoke         {username} deletes the user's token ("Invalid token." next)
//   GET|POST /__emulator/faults           {rate503: 0..1, routes?: [prefix...]} injected 503s
//   POST /__emulator/water-restrictions   {subject, startTime?, endTime?, referenceWeight?, waterType?}
//                                         (Alyx creates these in the admin only)
import { randomUUID } from 'node:crypto';
import { createRouter } from '../lib/router.mjs';
import { formatMicros, naiveSecondsAgo, nowNaive, parseDatetimeInput } from './datetimes.mjs';
import { fixtureId } from './fixtures.mjs';
import { resetToSeed } from './seed.mjs';

export class ControlError extends Error {}

const BULK_SUBJECT = 'bulk-subject';

/** Creates `count` sessions one minute apart, the newest `ageSeconds` old. */
export function createBulkSessions(store, { count, subject, ageSeconds = 0, user }) {
	const n = Number(count);
	if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
		throw new ControlError('count must be an integer from 1 to 1000000');
	const age = Number(ageSeconds ?? 0);
	if (!Number.isFinite(age) || age < 0) throw new ControlError('ageSeconds must be a number >= 0');
	const t = store.tables;
	let subjectRow;
	if (subject != null) {
		subjectRow = t.subjects.by('nickname', String(subject))[0];
		if (!subjectRow) throw new ControlError(`no subject with nickname "${subject}"`);
	} else {
		subjectRow = t.subjects.by('nickname', BULK_SUBJECT)[0];
		if (!subjectRow) {
			const lab = t.labs.all()[0];
			subjectRow = t.subjects.insert({
				id: randomUUID(),
				nickname: BULK_SUBJECT,
				responsible_user: user?.id ?? null,
				birth_date: null,
				death_date: null,
				species: fixtureId('species', 'Laboratory mouse'),
				sex: 'U',
				litter: null,
				strain: null,
				source: null,
				line: null,
				projects: [],
				lab: lab?.id ?? null,
				description: 'created by /__emulator/bulk-sessions',
				genotype: [],
				implant_weight: 0,
				json: null,
			});
		}
	}
	const newestMicros = Date.parse(`${naiveSecondsAgo(age)}Z`) * 1000;
	const now = nowNaive();
	const firstId = store.batch(() => {
		let first = null;
		for (let i = 0; i < n; i++) {
			const row = t.sessions.insert({
				id: randomUUID(),
				name: '',
				subject: subjectRow.id,
				users: user ? [user.id] : [],
				location: null,
				procedures: [],
				lab: subjectRow.lab,
				projects: [...(subjectRow.projects ?? [])],
				type: 'Experiment',
				task_protocol: 'bulk',
				number: (i % 999) + 1,
				start_time: formatMicros(newestMicros - i * 60_000_000),
				end_time: null,
				narrative: '',
				parent_session: null,
				n_correct_trials: null,
				n_trials: null,
				extended_qc: null,
				qc: 0,
				json: null,
				// Bulk rows model history: last changed when they were recorded, not now.
				auto_datetime: formatMicros(newestMicros - i * 60_000_000),
			});
			first ??= row.id;
		}
		return first;
	});
	return { created: n, subject: subjectRow.nickname, firstId, sessions: t.sessions.size };
}

export function createControlRouter({ store, auth, config, stats, faults }) {
	const router = createRouter();
	const ok = (json) => ({ status: 200, json });
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
		resetToSeed(store, config);
		return ok({ reset: true, seed: config.seed });
	});
	router.add(
		'POST',
		'/__emulator/bulk-sessions',
		wrap(async (ctx) => {
			const body = await ctx.jsonBody();
			const user =
				store.tables.users.all().find((u) => u.is_superuser) ?? store.tables.users.all()[0];
			return ok(createBulkSessions(store, { ...body, user }));
		}),
	);
	router.add(
		'POST',
		'/__emulator/token/revoke',
		wrap(async (ctx) => {
			const { username } = await ctx.jsonBody();
			if (typeof username !== 'string') throw new ControlError('username is required');
			if (!auth.userByName(username)) throw new ControlError(`no user "${username}"`);
			return ok({ revoked: auth.revoke(username), username });
		}),
	);
	router.add('GET', '/__emulator/faults', () => ok(faults.snapshot()));
	router.add(
		'POST',
		'/__emulator/faults',
		wrap(async (ctx) => ok(faults.configure(await ctx.jsonBody()))),
	);
	router.add(
		'POST',
		'/__emulator/water-restrictions',
		wrap(async (ctx) => {
			const body = await ctx.jsonBody();
			const subject = store.tables.subjects.by('nickname', String(body.subject))[0];
			if (!subject) throw new ControlError(`no subject with nickname "${body.subject}"`);
			const time = (value, fallback) => {
				if (value == null) return fallback;
				const parsed = parseDatetimeInput(String(value));
				if (!parsed) throw new ControlError(`bad datetime "${value}"`);
				return parsed;
			};
			const waterType = store.tables.water_types.by('name', body.waterType ?? 'Water')[0];
			if (!waterType) throw new ControlError(`no water type "${body.waterType}"`);
			const row = store.tables.water_restrictions.insert({
				id: randomUUID(),
				name: '',
				json: null,
				subject: subject.id,
				start_time: time(body.startTime, nowNaive()),
				end_time: time(body.endTime, null),
				water_type: waterType.id,
				reference_weight: Number(body.referenceWeight ?? 0),
				narrative: '',
				lab: subject.lab,
				users: [],
				location: null,
				procedures: [],
			});
			return ok({
				id: row.id,
				subject: subject.nickname,
				start_time: row.start_time,
				end_time: row.end_time,
			});
		}),
	);
	return router;
}
