/** Parameters and value conversions shared by the Alyx operations. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { invalidParameter } from '../shared/errors';
import { resourceLocator } from '../shared/fields';
import type { OptionalField } from '../shared/fields';
import type { SendSpec } from '../shared/types';

const UUID_REGEX = { pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', message: 'IDs are UUIDs, e.g. 3716d34f-5a3e-4a61-9b2c-0c8f0e2d1a77' };

function byName(name: string, displayName: string, method: string, what: string, example: string, byLabel = 'By Name'): INodeProperties {
	return resourceLocator({ name, displayName, searchListMethod: method, description: what, byLabel, placeholder: `e.g. ${example}` });
}

export const subjectLocator = byName('subject', 'Subject', 'searchSubjects', 'The subject, by nickname (case-sensitive)', 'Algernon', 'By Nickname');
export const labLocator = byName('lab', 'Lab', 'searchLabs', 'The lab, by name', 'cortexlab');
export const projectLocator = byName('project', 'Project', 'searchProjects', 'The project, by name', 'ibl_neuropixel_brainwide_01');
export const userLocator = byName('user', 'User', 'searchUsers', 'The user, by username', 'alice', 'By Username');
export const repositoryLocator = byName('repository', 'Data Repository', 'searchRepositories', 'The data repository, by name', 'flatiron_cortexlab');
export const datasetTypeLocator = byName('datasetType', 'Dataset Type', 'searchDatasetTypes', 'The dataset type, by name', 'trials.table');

function byUuid(name: string, displayName: string, method: string, what: string): INodeProperties {
	return resourceLocator({ name, displayName, searchListMethod: method, description: what, placeholder: 'e.g. 3716d34f-5a3e-4a61-9b2c-0c8f0e2d1a77', regex: UUID_REGEX });
}

export const sessionLocator = byUuid('session', 'Session', 'searchSessions', 'The session (newest first in the list)');
export const idLocator = (noun: string, method: string) => byUuid('id', noun, method, `The ${noun.toLowerCase()}`);

/** A plain text option of a collection, sent under `key`. */
export function text(displayName: string, name: string, key: string, description: string, extra: Partial<INodeProperties> = {}): OptionalField {
	return [{ displayName, name, type: 'string', default: '', description, ...extra } as INodeProperties, { in: 'query', key }];
}

/** Alyx datetimes: ISO 8601 in, naive UTC stored; n8n dates may be strings or Luxon objects. */
export function toDateTime(field: string) {
	return (value: unknown): string => {
		const text = typeof value === 'object' && value !== null && 'toISO' in value ? String((value as { toISO(): string }).toISO()) : String(value).trim();
		if (Number.isNaN(Date.parse(text)))
			invalidParameter(field, `"${text}" is not a date and time`, 'Use ISO 8601, e.g. 2026-01-10T12:00:00 (a time zone such as Z or +01:00 is converted to UTC).');
		return text;
	};
}

/** Alyx dates are YYYY-MM-DD; a datetime is cut to its date. */
export function toDate(field: string) {
	return (value: unknown): string => {
		const text = toDateTime(field)(value);
		const date = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0];
		if (!date) invalidParameter(field, `"${text}" is not a date`, 'Use YYYY-MM-DD, e.g. 2026-01-10.');
		return date as string;
	};
}

/** "a, b" or ["a", "b"] → ["a", "b"] (JSON bodies take lists). */
export function toList(value: unknown): string[] {
	const items = Array.isArray(value) ? value : String(value).split(',');
	return items.map((v) => String(v).trim()).filter((v) => v !== '');
}

/** Lists in query filters are comma-joined. */
export const toCsv = (value: unknown) => toList(value).join(',');

/** Boolean filters are spelled True/False. */
export const toTitleBool = (value: unknown) => (value === true ? 'True' : 'False');

export const query = (key: string, transform?: SendSpec['transform']): SendSpec => ({ in: 'query', key, transform });
export const body = (key: string, transform?: SendSpec['transform']): SendSpec => ({ in: 'body', key, transform });

export const QC_OPTIONS = ['NOT_SET', 'PASS', 'WARNING', 'FAIL', 'CRITICAL'].map((v) => ({ name: v, value: v }));

/** `django=` lookups for the filters Alyx has no dedicated parameter for. */
export const djangoFilter: OptionalField = [
	{
		displayName: 'Django Lookup',
		name: 'django',
		type: 'string',
		default: '',
		placeholder: 'e.g. start_time__date__gte,2026-01-01',
		description: 'Advanced: Alyx\'s generic filter, "lookup,value[,lookup,value…]"; prefix a lookup with ~ to exclude',
	},
	{ in: 'query', key: 'django' },
];

/** JSON parameters may arrive as text or as objects from expressions. */
export function toJson(field: string) {
	return (value: unknown): unknown => {
		if (typeof value !== 'string') return value;
		try {
			return JSON.parse(value);
		} catch (error) {
			return invalidParameter(field, `not valid JSON: ${(error as Error).message}`, 'Enter a JSON object, e.g. {"behavior": 1}.');
		}
	};
}

/** Both ends of a date window, or neither: Alyx answers a one-sided range with a 500. */
export function dateWindow(from: unknown, to: unknown, label: string): [string, string] | undefined {
	const hasFrom = from !== undefined && from !== '';
	const hasTo = to !== undefined && to !== '';
	if (!hasFrom && !hasTo) return undefined;
	if (hasFrom !== hasTo)
		invalidParameter(label, 'a date range needs both a start and an end date', 'Fill in both "From" and "To" (the same date twice for a single day).');
	return [toDate(`${label} From`)(from), toDate(`${label} To`)(to)];
}

/** Appends `lookup,value` pairs to a request's `django` filter. */
export function addDjango(qs: IDataObject | undefined, pairs: string[]): IDataObject {
	const existing = typeof qs?.django === 'string' && qs.django !== '' ? [qs.django] : [];
	return { ...qs, django: [...existing, ...pairs].join(',') };
}
