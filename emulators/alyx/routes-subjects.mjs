// Subjects (reference §4-§7): list/create with the list serializer, detail/PUT/PATCH with the
// detail serializer (adds weighings and water administrations), the unique-together checks,
// the subject filters, and the water-restricted-subjects list.
import { randomUUID } from 'node:crypto';
import { deleteSubject } from './cascade.mjs';
import { validationError } from './errors.mjs';
import { char, json, optionalText, readOnly, requestUser, slug, slugMany } from './field-specs.mjs';
import { fixtureId } from './fixtures.mjs';
import {
	DJANGO_FILTER,
	applyFilters,
	autoFilters,
	lookupFilter,
	methodFilter,
} from './filters.mjs';
import {
	isAlive,
	subjectDetailRep,
	subjectListRep,
	waterRestrictedSubjectRep,
} from './representations.mjs';
import { created, getBySlug, listAnswer, noContent, ok, orderBy, validated } from './views.mjs';
import { openRestriction } from './water-control.mjs';

export const SUBJECT_FIELDS = [
	char('nickname', {
		maxLength: 64,
		default: '-',
		regex: /^[\w.-]+$/,
		regexMessage: 'Nicknames must only contain letters, numbers, or any of -._',
	}),
	readOnly('url'),
	readOnly('id'),
	slug('responsible_user', 'users', 'username', 'LabMember', { default: requestUser }),
	{ name: 'birth_date', type: 'date', allowNull: true },
	readOnly('age_weeks'),
	{ name: 'death_date', type: 'date', allowNull: true },
	slug('species', 'species', 'name', 'Species', {
		allowNull: true,
		default: () => fixtureId('species', 'Laboratory mouse'),
	}),
	{
		name: 'sex',
		type: 'choice',
		choices: ['M', 'F', 'U'],
		choiceNames: { M: 'male', F: 'female', U: 'unknown' },
		default: 'U',
	},
	slug('litter', 'litters', 'name', 'Litter', { allowNull: true }),
	slug('strain', 'strains', 'name', 'Strain', { allowNull: true }),
	slug('source', 'sources', 'name', 'Source', { allowNull: true }),
	slug('line', 'lines', 'name', 'Line', { allowNull: true }),
	slugMany('projects', 'projects', 'name', 'Project', { default: () => [] }),
	readOnly('session_projects'),
	slug('lab', 'labs', 'name', 'Lab', { required: true }),
	optionalText('description'),
	readOnly('alive'),
	json('json'),
];

const SUBJECT_FILTERS = [
	methodFilter('alive', (rows, value) => rows.filter((s) => isAlive(s) === value), 'bool'),
	methodFilter(
		'stock',
		(rows, value, ctx) =>
			rows.filter(
				(s) => Boolean(ctx.store.tables.users.get(s.responsible_user)?.is_stock_manager) === value,
			),
		'bool',
	),
	methodFilter(
		'water_restricted',
		// Both values exclude dead subjects (reference §5).
		(rows, value, ctx) =>
			rows.filter((s) => isAlive(s) && Boolean(openRestriction(ctx.store, s.id)) === value),
		'bool',
	),
	lookupFilter('responsible_user', 'responsible_user__username'),
	lookupFilter('lab', 'lab__name'),
	lookupFilter('project', 'projects__name'),
	lookupFilter('nickname', 'nickname'),
	{ name: 'sex', kind: 'lookup', path: 'sex', type: 'choice', choices: ['M', 'F', 'U'] },
	...autoFilters('Subject', [
		'id',
		'birth_date',
		'death_date',
		'line',
		'strain',
		'litter',
		'source',
		'species',
		'protocol_number',
		'cage',
		'description',
		'ear_mark',
		'wean_date',
		'genotype_date',
		'to_be_genotyped',
		'to_be_culled',
		'reduced_date',
		'actual_severity',
		'adverse_effects',
		'implant_weight',
		'projects',
	]),
	DJANGO_FILTER,
];

/** DRF's UniqueTogetherValidator messages for (nickname, lab) and (nickname, responsible_user). */
function uniqueTogether(ctx, values, instance) {
	const nickname = values.nickname ?? instance?.nickname;
	const lab = values.lab ?? instance?.lab;
	const responsible = values.responsible_user ?? instance?.responsible_user;
	const others = ctx.store.tables.subjects
		.by('nickname', nickname)
		.filter((s) => s.id !== instance?.id);
	const errors = [];
	if (others.some((s) => s.lab === lab))
		errors.push('The fields nickname, lab must make a unique set.');
	if (others.some((s) => s.responsible_user === responsible))
		errors.push('The fields nickname, responsible_user must make a unique set.');
	if (errors.length) throw validationError({ non_field_errors: errors });
}

export function registerSubjectRoutes(views) {
	views.view(
		'/subjects',
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'subjects',
					compare: orderBy(['nickname'], ['birth_date', 'desc']),
					filter: (rows) => applyFilters(SUBJECT_FILTERS, 'Subject', ctx.query, rows, ctx),
					represent: subjectListRep,
				}),
			POST: async (ctx) => {
				const { values } = await validated(ctx, SUBJECT_FIELDS);
				uniqueTogether(ctx, values, null);
				const row = ctx.store.tables.subjects.insert({
					id: randomUUID(),
					litter: null,
					strain: null,
					source: null,
					line: null,
					birth_date: null,
					death_date: null,
					genotype: [],
					implant_weight: 0,
					json: null,
					...values,
				});
				return created(subjectListRep(ctx, row));
			},
		},
		{ name: 'Subject List', description: 'List and create subjects.', fields: SUBJECT_FIELDS },
	);

	const detail = (ctx) => getBySlug(ctx, 'subjects', 'nickname', ctx.params.nickname, 'Subject');
	const update = (partial) => async (ctx) => {
		const subject = detail(ctx);
		const { values } = await validated({ ...ctx, instance: subject }, SUBJECT_FIELDS, { partial });
		uniqueTogether(ctx, values, subject);
		ctx.store.tables.subjects.update(subject.id, values);
		return ok(subjectDetailRep(ctx, subject));
	};
	views.view(
		'/subjects/:nickname',
		{
			GET: (ctx) => ok(subjectDetailRep(ctx, detail(ctx))),
			PUT: update(false),
			PATCH: update(true),
			DELETE: (ctx) => {
				deleteSubject(ctx.store, detail(ctx).id);
				return noContent();
			},
		},
		{
			name: 'Subject Detail',
			fields: SUBJECT_FIELDS,
			exists: (ctx) => ctx.store.tables.subjects.by('nickname', ctx.params.nickname).length > 0,
		},
	);

	views.view(
		'/water-restricted-subjects',
		{
			GET: (ctx) =>
				listAnswer(ctx, {
					table: 'subjects',
					cacheKey: 'water-restricted-subjects',
					rows: () =>
						ctx.store.tables.subjects
							.all()
							.filter((s) => isAlive(s) && openRestriction(ctx.store, s.id)),
					compare: orderBy(['nickname']),
					represent: waterRestrictedSubjectRep,
				}),
		},
		{ name: 'Water Restricted Subject List' },
	);
}
