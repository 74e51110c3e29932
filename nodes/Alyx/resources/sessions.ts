import type { INodeProperties } from 'n8n-workflow';
import { createOperation, getManyOperation, getOperation, updateOperation } from '../../shared/declare';
import { optionalFields } from '../../shared/fields';
import type { OptionalField } from '../../shared/fields';
import type { ApiRequest, ParameterValues, ResourceSpec } from '../../shared/types';
import { QC_OPTIONS, body, dateWindow, djangoFilter, query, sessionLocator, subjectLocator, text, toCsv, toDateTime, toJson, toList } from '../fields';

function number(displayName: string, name: string, key: string, description: string, send = body): OptionalField {
	return [{ displayName, name, type: 'number', default: 0, description } as INodeProperties, send(key)];
}

/** Writable session fields (create's additional fields, update's update fields). */
function sessionBody(): OptionalField[] {
	return [
		[{ displayName: 'End Time', name: 'endTime', description: 'When the session ended', type: 'dateTime', default: '' }, body('end_time', toDateTime('End Time'))],
		[{ displayName: 'Extended QC', name: 'extendedQc', type: 'json', default: '{}', description: 'JSON object of QC values, e.g. {"behavior": 1}' }, body('extended_qc', toJson('Extended QC'))],
		[{ displayName: 'JSON', name: 'json', description: 'Free-form JSON stored with the session', type: 'json', default: '{}' }, body('json', toJson('JSON'))],
		[{ displayName: 'Lab Name', name: 'lab', type: 'string', default: '', description: 'Defaults to the subject\'s lab' }, body('lab')],
		[{ displayName: 'Location', name: 'location', description: 'The name of the rig or room where the session took place', type: 'string', default: '' }, body('location')],
		number('Correct Trials', 'nCorrectTrials', 'n_correct_trials', 'Number of correct trials'),
		[{ displayName: 'Narrative', name: 'narrative', description: 'Free-text notes about the session', type: 'string', typeOptions: { rows: 3 }, default: '' }, body('narrative')],
		number('Session Number', 'number', 'number', 'Number of the session on that day (1, 2, ...)'),
		[{ displayName: 'Parent Session ID', name: 'parentSession', description: 'The ID of the session this one belongs to', type: 'string', default: '' }, body('parent_session')],
		[{ displayName: 'Procedures', name: 'procedures', type: 'string', default: '', description: 'Procedure names, comma-separated' }, body('procedures', toList)],
		[{ displayName: 'Projects', name: 'projects', type: 'string', default: '', description: 'Project names, comma-separated' }, body('projects', toList)],
		[{ displayName: 'QC', name: 'qc', description: 'The QC outcome of the session', type: 'options', options: QC_OPTIONS, default: 'NOT_SET' }, body('qc')],
		[{ displayName: 'Start Time', name: 'startTime', type: 'dateTime', default: '', description: 'Defaults to now' }, body('start_time', toDateTime('Start Time'))],
		[{ displayName: 'Task Protocol', name: 'taskProtocol', description: 'The name of the task protocol that was run', type: 'string', default: '' }, body('task_protocol')],
		number('Trials', 'nTrials', 'n_trials', 'Number of trials'),
		[{ displayName: 'Type', name: 'type', description: 'Whether the session is an experiment or a base session', type: 'options', options: [{ name: 'Base', value: 'Base' }, { name: 'Experiment', value: 'Experiment' }], default: 'Experiment' }, body('type')],
		[{ displayName: 'Users', name: 'users', type: 'string', default: '', description: 'Usernames, comma-separated; defaults to the account of the credential' }, body('users', toList)],
	];
}

/** "From" and "To" become Alyx's inclusive `date_range`; it must have both ends. */
function sessionDateRange(request: ApiRequest, params: ParameterValues): void {
	const filters = (params.filters ?? {}) as Record<string, unknown>;
	const window = dateWindow(filters.dateFrom, filters.dateTo, 'Date');
	if (window) request.qs = { ...request.qs, date_range: window.join(',') };
}

export const sessionResource: ResourceSpec = {
	value: 'session',
	name: 'Session',
	description: 'A recording or training session of a subject',
	operations: [
		getOperation({
			resource: 'session',
			noun: 'session',
			path: '/sessions/{session}',
			locator: sessionLocator,
			description: 'Get a session by ID. Returns the session with its datasets, water administrations and QC.',
		}),
		getManyOperation({
			resource: 'session',
			noun: 'session',
			plural: 'sessions',
			path: '/sessions',
			description: 'List sessions, newest first, by subject, date range, dataset types, lab, project, users, QC and more. Returns one item per session.',
			prepare: sessionDateRange,
			fields: [
				optionalFields('Filters', 'filters', [
					[{ displayName: 'Dataset Types', name: 'datasetTypes', type: 'string', default: '', placeholder: 'e.g. trials.table, wheel.position', description: 'Only sessions that have datasets of all these types' }, query('dataset_types', toCsv)],
					[{ displayName: 'Date From', name: 'dateFrom', type: 'dateTime', default: '', description: 'First day of the start-time range (needs Date To)' }, undefined],
					[{ displayName: 'Date To', name: 'dateTo', type: 'dateTime', default: '', description: 'Last day of the start-time range, inclusive (needs Date From)' }, undefined],
					djangoFilter,
					[{ displayName: 'Extended QC', name: 'extendedQc', type: 'string', default: '', placeholder: 'e.g. behavior__gte,1', description: 'Filter on extended QC values: field,value[,field__gte,value…]' }, query('extended_qc')],
					text('Lab Name', 'lab', 'lab', 'Only sessions of this lab'),
					text('Location', 'location', 'location', 'Location name contains this text'),
					[{ displayName: 'Session Number', name: 'number', description: 'Only sessions with this number on their day', type: 'number', default: 1 }, query('number')],
					[{ displayName: 'Performance At Least (%)', name: 'performanceGte', type: 'number', default: 0, description: 'Minimum percentage of correct trials' }, query('performance_gte')],
					[{ displayName: 'Performance At Most (%)', name: 'performanceLte', type: 'number', default: 100, description: 'Maximum percentage of correct trials' }, query('performance_lte')],
					text('Procedures', 'procedures', 'procedures', 'Procedure name contains this text'),
					text('Project Name', 'project', 'projects', 'Project name contains this text'),
					[{ displayName: 'QC', name: 'qc', description: 'Only sessions with this QC outcome', type: 'options', options: QC_OPTIONS, default: 'PASS' }, query('qc')],
					text('Subject Nickname', 'subject', 'subject', 'Only sessions of this subject (not case-sensitive)'),
					text('Tag', 'tag', 'tag', 'Dataset tag name contains this text'),
					text('Task Protocol', 'taskProtocol', 'task_protocol', 'Task protocol contains this text'),
					text('Type', 'type', 'type', 'Session type, e.g. Experiment'),
					[{ displayName: 'Users', name: 'users', type: 'string', default: '', description: 'Usernames, comma-separated; sessions must include all of them' }, query('users', toCsv)],
				]),
			],
		}),
		createOperation({
			resource: 'session',
			noun: 'session',
			path: '/sessions',
			description: 'Create a session for a subject; returns the full session. Users default to the account, lab to the subject\'s lab, start time to now.',
			fields: [
				{ property: { ...subjectLocator, description: 'The subject of the session' }, send: body('subject') },
				optionalFields('Additional Fields', 'additionalFields', sessionBody()),
			],
		}),
		updateOperation({
			resource: 'session',
			noun: 'session',
			path: '/sessions/{session}',
			locator: sessionLocator,
			description: 'Change fields of a session, e.g. trial counts, QC or narrative. Returns the full session.',
			fields: [optionalFields('Update Fields', 'updateFields', sessionBody())],
		}),
	],
};
