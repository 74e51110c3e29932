import type { INodeProperties } from 'n8n-workflow';
import { createOperation, getManyOperation, getOperation, updateOperation } from '../../shared/declare';
import { optionalFields } from '../../shared/fields';
import type { OptionalField } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/types';
import { body, djangoFilter, labLocator, query, subjectLocator, text, toDate, toJson, toList, toTitleBool } from '../fields';
import { withId } from '../platform';

const SEX = [
	{ name: 'Female', value: 'F' },
	{ name: 'Male', value: 'M' },
	{ name: 'Unknown', value: 'U' },
];

function flag(displayName: string, name: string, key: string, description: string): OptionalField {
	return [{ displayName, name, type: 'boolean', default: true, description } as INodeProperties, query(key, toTitleBool)];
}

/** Writable subject fields (create's additional fields, update's update fields). */
function subjectBody(forUpdate: boolean): OptionalField[] {
	const fields: OptionalField[] = [
		[{ displayName: 'Birth Date', name: 'birthDate', description: 'The day the subject was born', type: 'dateTime', default: '' }, body('birth_date', toDate('Birth Date'))],
		[{ displayName: 'Death Date', name: 'deathDate', description: 'The day the subject died', type: 'dateTime', default: '' }, body('death_date', toDate('Death Date'))],
		[{ displayName: 'Description', name: 'description', description: 'Free-text notes about the subject', type: 'string', default: '' }, body('description')],
		[{ displayName: 'JSON', name: 'json', type: 'json', default: '{}', description: 'Free-form JSON stored with the subject' }, body('json', toJson('JSON'))],
		[{ displayName: 'Line', name: 'line', description: 'The name of the genetic line', type: 'string', default: '' }, body('line')],
		[{ displayName: 'Litter', name: 'litter', description: 'The name of the litter the subject comes from', type: 'string', default: '' }, body('litter')],
		[{ displayName: 'Projects', name: 'projects', type: 'string', default: '', placeholder: 'e.g. main, second', description: 'Project names, comma-separated' }, body('projects', toList)],
		[{ displayName: 'Responsible User', name: 'responsibleUser', type: 'string', default: '', description: 'Username; defaults to the account of the credential' }, body('responsible_user')],
		[{ displayName: 'Sex', name: 'sex', description: 'The sex of the subject', type: 'options', options: SEX, default: 'U' }, body('sex')],
		[{ displayName: 'Source', name: 'source', description: 'Where the subject came from, e.g. a supplier', type: 'string', default: '' }, body('source')],
		[{ displayName: 'Species', name: 'species', description: 'The species of the subject', type: 'string', default: 'Laboratory mouse' }, body('species')],
		[{ displayName: 'Strain', name: 'strain', description: 'The name of the strain', type: 'string', default: '' }, body('strain')],
	];
	if (forUpdate) {
		fields.push([{ displayName: 'Lab Name', name: 'lab', description: 'The name of the lab the subject moves to', type: 'string', default: '' }, body('lab')]);
		fields.push([{ displayName: 'Nickname', name: 'nickname', type: 'string', default: '', description: 'A new nickname (renames the subject)' }, body('nickname')]);
	}
	return fields;
}

export const subjectResource: ResourceSpec = {
	value: 'subject',
	name: 'Subject',
	description: 'An animal in the colony',
	operations: [
		getOperation({
			resource: 'subject',
			noun: 'subject',
			path: '/subjects/{subject}',
			locator: subjectLocator,
			description: 'Get a subject by nickname. Returns the subject with its weighings and water administrations.',
		}),
		getManyOperation({
			resource: 'subject',
			noun: 'subject',
			plural: 'subjects',
			path: '/subjects',
			description: 'List subjects ordered by nickname, optionally alive, water-restricted, by lab, project or responsible user. Returns one item per subject.',
			shape: withId,
			fields: [
				optionalFields('Filters', 'filters', [
					flag('Alive', 'alive', 'alive', 'Whether the subject is alive (no death date, or one in the future)'),
					[{ displayName: 'Birth Date', name: 'birthDate', description: 'Only subjects born on this day', type: 'dateTime', default: '' }, query('birth_date', toDate('Birth Date'))],
					djangoFilter,
					text('Lab Name', 'lab', 'lab', 'Only subjects of this lab'),
					text('Line', 'line', 'line', 'Exact line name'),
					text('Nickname', 'nickname', 'nickname', 'Exact nickname (case-sensitive)'),
					text('Project Name', 'project', 'project', 'Only subjects of this project'),
					text('Responsible User', 'responsibleUser', 'responsible_user', 'Username of the responsible user'),
					[{ displayName: 'Sex', name: 'sex', description: 'Only subjects of this sex', type: 'options', options: SEX, default: 'F' }, query('sex')],
					text('Species', 'species', 'species', 'Exact species name'),
					flag('Stock', 'stock', 'stock', 'Whether the responsible user is a stock manager'),
					text('Strain', 'strain', 'strain', 'Exact strain name'),
					flag('Water Restricted', 'waterRestricted', 'water_restricted', 'Whether the subject is under water restriction (dead subjects are never listed by this filter)'),
				]),
			],
		}),
		createOperation({
			resource: 'subject',
			noun: 'subject',
			path: '/subjects',
			description: 'Create a subject in a lab; the responsible user defaults to the account of the credential. Returns the new subject.',
			shape: withId,
			fields: [
				{ property: { ...labLocator, description: 'The lab the subject belongs to' }, send: body('lab') },
				{ property: { displayName: 'Nickname', name: 'nickname', description: 'The nickname of the new subject, unique in its lab', type: 'string', default: '', required: true, placeholder: 'e.g. Algernon' }, send: body('nickname') },
				optionalFields('Additional Fields', 'additionalFields', subjectBody(false)),
			],
		}),
		updateOperation({
			resource: 'subject',
			noun: 'subject',
			path: '/subjects/{subject}',
			locator: subjectLocator,
			description: 'Change fields of a subject. Returns the subject with its weighings and water administrations.',
			fields: [optionalFields('Update Fields', 'updateFields', subjectBody(true))],
		}),
	],
};
