import { createOperation, deleteOperation, getManyOperation, getOperation } from '../../shared/declare';
import { optionalFields } from '../../shared/fields';
import type { OptionalField } from '../../shared/fields';
import type { ApiRequest, ParameterValues, ResourceSpec } from '../../shared/types';
import { addDjango, body, dateWindow, djangoFilter, idLocator, query, subjectLocator, text, toDate, toDateTime, toTitleBool } from '../fields';
import { withId } from '../platform';

/**
 * Alyx 3.6 answers `date_range` on weighings and water administrations with a 500, so a date
 * window is sent as Django lookups on the date of `date_time`.
 */
function dateTimeWindow(request: ApiRequest, params: ParameterValues): void {
	const filters = (params.filters ?? {}) as Record<string, unknown>;
	const window = dateWindow(filters.dateFrom, filters.dateTo, 'Date');
	if (window) request.qs = addDjango(request.qs, [`date_time__date__gte,${window[0]}`, `date_time__date__lte,${window[1]}`]);
}

const dateFilters: OptionalField[] = [
	[{ displayName: 'Date From', name: 'dateFrom', type: 'dateTime', default: '', description: 'First day (needs Date To)' }, undefined],
	[{ displayName: 'Date To', name: 'dateTo', type: 'dateTime', default: '', description: 'Last day, inclusive (needs Date From)' }, undefined],
];

export const weighingResource: ResourceSpec = {
	value: 'weighing',
	name: 'Weighing',
	description: 'A body weight measurement of a subject',
	operations: [
		getOperation({ resource: 'weighing', noun: 'weighing', path: '/weighings/{id}', locator: idLocator('Weighing', 'searchWeighings'), description: 'Get a weighing by ID. Returns the subject, weight in grams, date and user.', shape: withId }),
		getManyOperation({
			resource: 'weighing',
			noun: 'weighing',
			plural: 'weighings',
			path: '/weighings',
			description: 'List weighings, optionally of one subject and within a date window. Returns one item per weighing.',
			shape: withId,
			prepare: dateTimeWindow,
			fields: [optionalFields('Filters', 'filters', [...dateFilters, djangoFilter, text('Subject Nickname', 'subject', 'subject', 'Only weighings of this subject')])],
		}),
		createOperation({
			resource: 'weighing',
			noun: 'weighing',
			path: '/weighings',
			description: 'Record a subject\'s weight in grams; the user defaults to the account and the time to now. Returns the new weighing.',
			shape: withId,
			fields: [
				{ property: { ...subjectLocator, description: 'The subject that was weighed' }, send: body('subject') },
				{ property: { displayName: 'Weight in Grams', name: 'weight', description: 'The weight of the subject in grams', type: 'number', typeOptions: { minValue: 0, numberPrecision: 2 }, default: 0, required: true }, send: body('weight') },
				optionalFields('Additional Fields', 'additionalFields', [
					[{ displayName: 'Date and Time', name: 'dateTime', type: 'dateTime', default: '', description: 'Defaults to now' }, body('date_time', toDateTime('Date and Time'))],
					[{ displayName: 'User', name: 'user', type: 'string', default: '', description: 'Username; defaults to the account of the credential' }, body('user')],
				]),
			],
		}),
		deleteOperation({ resource: 'weighing', noun: 'weighing', path: '/weighings/{id}', locator: idLocator('Weighing', 'searchWeighings'), description: 'Delete a weighing for good. Returns {deleted: true}.' }),
	],
};

export const waterAdministrationResource: ResourceSpec = {
	value: 'waterAdministration',
	name: 'Water Administration',
	description: 'Water given to a subject',
	operations: [
		getOperation({ resource: 'waterAdministration', noun: 'water administration', path: '/water-administrations/{id}', locator: idLocator('Water Administration', 'searchWaterAdministrations'), description: 'Get a water administration by ID. Returns the subject, amount (mL), water type, date and user.', shape: withId }),
		getManyOperation({
			resource: 'waterAdministration',
			noun: 'water administration',
			plural: 'water administrations',
			path: '/water-administrations',
			description: 'List water administrations, optionally of one subject or session and within a date window. Returns one item per water administration.',
			shape: withId,
			prepare: dateTimeWindow,
			fields: [
				optionalFields('Filters', 'filters', [
					[{ displayName: 'Ad Libitum', name: 'adlib', type: 'boolean', default: true, description: 'Whether the water was given ad libitum' }, query('adlib', toTitleBool)],
					...dateFilters,
					djangoFilter,
					text('Session ID', 'session', 'session', 'Only water given during this session (UUID)'),
					text('Subject Nickname', 'subject', 'subject', 'Only water given to this subject'),
				]),
			],
		}),
		createOperation({
			resource: 'waterAdministration',
			noun: 'water administration',
			path: '/water-administrations',
			description: 'Record water given to a subject (mL); the water type defaults to the restriction\'s, the time to now. Returns the new water administration.',
			shape: withId,
			fields: [
				{ property: { ...subjectLocator, description: 'The subject that got the water' }, send: body('subject') },
				optionalFields('Additional Fields', 'additionalFields', [
					[{ displayName: 'Ad Libitum', name: 'adlib', type: 'boolean', default: false, description: 'Whether the water was given ad libitum' }, body('adlib')],
					[{ displayName: 'Amount (mL)', name: 'waterAdministered', description: 'The amount of water given, in millilitres', type: 'number', typeOptions: { minValue: 0, numberPrecision: 3 }, default: 0 }, body('water_administered')],
					[{ displayName: 'Date and Time', name: 'dateTime', type: 'dateTime', default: '', description: 'Defaults to now' }, body('date_time', toDateTime('Date and Time'))],
					[{ displayName: 'Session ID', name: 'session', type: 'string', default: '', description: 'The session the water was given in (UUID)' }, body('session')],
					[{ displayName: 'User', name: 'user', type: 'string', default: '', description: 'Username; defaults to the account of the credential' }, body('user')],
					[{ displayName: 'Water Type', name: 'waterType', type: 'string', default: '', placeholder: 'e.g. Water 10% Sucrose', description: 'Defaults to the type of the subject\'s water restriction, else Water' }, body('water_type')],
				]),
			],
		}),
	],
};

export const waterRequirementResource: ResourceSpec = {
	value: 'waterRequirement',
	name: 'Water Requirement',
	description: 'Daily expected and given water of a subject',
	operations: [
		{
			resource: 'waterRequirement',
			operation: 'get',
			name: 'Get',
			action: 'Get the water requirement of a subject',
			description: 'Get the water requirement of a subject over a date range (default: from its first activity to today). Returns one item per day with weight, expected and given water.',
			method: 'GET',
			path: '/water-requirement/{subject}',
			fields: [
				{ property: subjectLocator, send: { in: 'path' } },
				optionalFields('Options', 'options', [
					[{ displayName: 'Start Date', name: 'startDate', description: 'First day of the range; defaults to the first activity of the subject', type: 'dateTime', default: '' }, query('start_date', toDate('Start Date'))],
					[{ displayName: 'End Date', name: 'endDate', description: 'Last day of the range; defaults to today', type: 'dateTime', default: '' }, query('end_date', toDate('End Date'))],
				], 'Add Option'),
			],
		},
	],
};
