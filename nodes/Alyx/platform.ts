/** What the shared engine needs to know about Alyx 3.6.1 (reference: alyx.md). */
import type { IDataObject, ICredentialDataDecryptedObject } from 'n8n-workflow';
import { drfErrorText } from '../shared/drf';
import { limitOffsetPagination } from '../shared/pagination';
import type { ApiRequest, ErrorExplanation, Platform } from '../shared/types';

/** Alyx's 500s for valid-looking input, and what to do about each (alyx.md §11). */
const SERVER_QUIRKS: Array<{ match: RegExp; message: string; description: string }> = [
	{
		match: /list index out of range/,
		message: 'Alyx could not read the date range',
		description: 'A date range needs two dates, a start and an end (the same date twice for one day).',
	},
	{
		match: /Invalid ?qc/i,
		message: 'Alyx does not know that QC value',
		description: 'Use one of CRITICAL, FAIL, WARNING, NOT_SET or PASS.',
	},
	{
		match: /Cannot resolve keyword/,
		message: 'Alyx cannot filter these records that way',
		description: 'Weighings and water administrations cannot be filtered by users, lab, location or date range on Alyx 3.6; filter by subject, or use a date window.',
	},
	{
		match: /Subject matching query does not exist/,
		message: 'Alyx has no subject with that nickname',
		description: 'Check the nickname (it is case-sensitive) or pick the subject from the list.',
	},
	{
		match: /No dataset type found for filename/,
		message: 'Alyx has no dataset type matching the file name',
		description: 'Create the dataset type first (Dataset Type → Create, with the name "object.attribute" of the file), or rename the file.',
	},
	{
		match: /DataFormat matching query does not exist/,
		message: 'Alyx has no data format for the file extension',
		description: 'Create a data format with that file extension first, or check the file names.',
	},
	{
		match: /The path argument is required/,
		message: 'Alyx needs the session path',
		description: 'Fill in "Session Path" as nickname/YYYY-MM-DD/number.',
	},
];

function explain(status: number, text: string, request: ApiRequest): ErrorExplanation | undefined {
	if (status === 500) {
		const quirk = SERVER_QUIRKS.find((q) => q.match.test(text));
		if (quirk)
			return { message: `${quirk.message} (HTTP 500: ${text})`, description: quirk.description };
	}
	if (status === 403 && /permission to perform/i.test(text))
		return {
			message: `Alyx refused the change: ${text}`,
			description: 'The account is read-only (a public user). Use an account that may create and edit records.',
		};
	if (status === 403)
		return {
			message: `Alyx did not accept the credentials: ${text}`,
			description: 'Check the username and password in the Alyx credential (use its Test button).',
		};
	if (status === 400 && request.path === '/auth-token')
		return {
			message: `Alyx did not accept the credentials: ${text}`,
			description: 'Check the username and password in the Alyx credential.',
		};
	if (status === 404)
		return {
			message: `Alyx could not find it: ${text}`,
			description: 'Check the name or ID (nicknames and names are case-sensitive); pick it from the list to be sure.',
		};
	return undefined;
}

export const alyx: Platform = {
	displayName: 'Alyx',
	credentialType: 'alyxApi',
	loginPath: '/auth-token',
	baseUrl: (credentials: ICredentialDataDecryptedObject) => String(credentials.baseUrl ?? '').replace(/\/+$/, ''),
	skipSslValidation: (credentials) => credentials.ignoreSslIssues === true,
	secretFields: ['password', 'token'],
	errorText: (body) => drfErrorText(body),
	explainError: explain,
	// A deleted token answers 403 {"detail": "Invalid token."}: log in again once (as ONE does).
	sessionRenewal: {
		expirableField: 'token',
		isExpired: (status, body) =>
			status === 403 && !!body && typeof body === 'object' && (body as IDataObject).detail === 'Invalid token.',
	},
	pagination: limitOffsetPagination(1000),
};

const UUID_AT_END = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/** Weighings, datasets, file records, ... have only a `url`; their id is its last UUID. */
export function withId(record: IDataObject): IDataObject {
	if (record.id === undefined && typeof record.url === 'string') {
		const match = UUID_AT_END.exec(record.url);
		if (match) return { id: match[1], ...record };
	}
	return record;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
