// Water control numbers (reference §6 "Water requirement", subject list fields): the last
// weight carried forward day by day, expected water = 0.04 mL per gram of that weight (minus
// any implant), water given split into reward (session-linked) and supplement, and the open
// water restriction deciding `is_water_restricted` and the reference weight.
import { addDays, dateOf, nowNaive, today } from './datetimes.mjs';

const byTime = (field) => (a, b) => (a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : 0);

export function weighingsOf(store, subjectId) {
	return store.tables.weighings.by('subject', subjectId).sort(byTime('date_time'));
}

export function waterAdministrationsOf(store, subjectId) {
	return store.tables.water_administrations.by('subject', subjectId).sort(byTime('date_time'));
}

export function restrictionsOf(store, subjectId) {
	return store.tables.water_restrictions.by('subject', subjectId).sort(byTime('start_time'));
}

/** The restriction open at `when` (start before, no end or end after), if any. */
export function openRestriction(store, subjectId, when = nowNaive()) {
	return restrictionsOf(store, subjectId)
		.filter((r) => r.start_time && r.start_time <= when && (!r.end_time || r.end_time > when))
		.at(-1);
}

export function lastRestriction(store, subjectId) {
	return restrictionsOf(store, subjectId).at(-1);
}

export function referenceWeight(store, subjectId) {
	return lastRestriction(store, subjectId)?.reference_weight ?? 0;
}

function implantWeight(subject) {
	return subject.implant_weight ?? 0;
}

/** Expected water (mL) from the last weight up to `when`. */
export function expectedWater(store, subject, when = nowNaive()) {
	const last = weighingsOf(store, subject.id)
		.filter((w) => w.date_time <= when)
		.at(-1);
	if (!last) return 0;
	return 0.04 * (last.weight - implantWeight(subject));
}

/** Expected water minus what was given today. */
export function remainingWater(store, subject) {
	const day = today();
	const given = waterAdministrationsOf(store, subject.id)
		.filter((w) => dateOf(w.date_time) === day)
		.reduce((sum, w) => sum + (w.water_administered ?? 0), 0);
	return expectedWater(store, subject) - given;
}

/**
 * GET /water-requirement/<nickname>: one record per day from `start` to `end` (default: the
 * subject's first weighing/water administration/restriction to today).
 */
export function waterRequirement(store, subject, start, end) {
	const weighings = weighingsOf(store, subject.id);
	const admins = waterAdministrationsOf(store, subject.id);
	const restrictions = restrictionsOf(store, subject.id);
	const lab = store.tables.labs.get(subject.lab);
	const implant = implantWeight(subject);
	const firstDates = [weighings[0]?.date_time, admins[0]?.date_time, restrictions[0]?.start_time]
		.filter(Boolean)
		.map(dateOf)
		.sort();
	const from = start ?? firstDates[0] ?? today();
	const to = end ?? today();
	const records = [];
	for (let day = from; day <= to; day = addDays(day, 1)) {
		const endOfDay = `${day}T23:59:59.999999`;
		const todays = weighings.filter((w) => dateOf(w.date_time) === day);
		const last = weighings.filter((w) => w.date_time <= endOfDay).at(-1);
		const weight = last ? last.weight : 0;
		const restriction = restrictions
			.filter(
				(r) =>
					r.start_time && dateOf(r.start_time) <= day && (!r.end_time || dateOf(r.end_time) >= day),
			)
			.at(-1);
		const refWeight = restriction?.reference_weight ?? 0;
		const expectedWeight = refWeight ? refWeight - implant : 0;
		const given = admins.filter((w) => dateOf(w.date_time) === day);
		const reward = given
			.filter((w) => w.session)
			.reduce((s, w) => s + (w.water_administered ?? 0), 0);
		const supplement = given
			.filter((w) => !w.session)
			.reduce((s, w) => s + (w.water_administered ?? 0), 0);
		const expected = weight ? 0.04 * (weight - implant) : 0;
		records.push({
			date: day,
			weight,
			weighing_at: todays.length ? todays.at(-1).weight : null,
			reference_weight: refWeight,
			expected_weight: expectedWeight,
			min_weight: expectedWeight * (lab?.reference_weight_pct ?? 0),
			percentage_weight: expectedWeight ? (100 * (weight - implant)) / expectedWeight : 0,
			given_water_reward: reward,
			given_water_supplement: supplement,
			given_water_total: reward + supplement,
			expected_water: expected,
			excess_water: reward + supplement - expected,
			is_water_restricted: Boolean(restriction),
			implant_weight: implant,
		});
	}
	return {
		subject: subject.nickname,
		implant_weight: implant,
		reference_weight_pct: lab?.reference_weight_pct ?? 0,
		zscore_weight_pct: lab?.zscore_weight_pct ?? 0,
		records,
	};
}
