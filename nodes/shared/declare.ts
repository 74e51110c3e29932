/**
 * Builders for the common CRUD operations, so a platform's resource files read as a list of
 * what each operation sends. Names and actions follow n8n's conventions (Get, Get Many,
 * Create, Update, Delete; "Get many subjects").
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { FieldSpec, OperationSpec } from './types';

type Shape = (record: IDataObject) => IDataObject;
const same: Shape = (record) => record;

interface Common {
	resource: string;
	/** Singular noun in sentence case, e.g. "subject", "water administration". */
	noun: string;
	path: string;
	description: string;
	shape?: Shape;
}

function article(noun: string): string {
	// "a user", "a unit": a u that sounds like "you" takes "a".
	return /^([aeio]|u(?!s|ni))/i.test(noun) ? 'an' : 'a';
}

export function getOperation(options: Common & { locator: INodeProperties; fields?: FieldSpec[] }): OperationSpec {
	const shape = options.shape ?? same;
	return {
		resource: options.resource,
		operation: 'get',
		name: 'Get',
		action: `Get ${article(options.noun)} ${options.noun}`,
		description: options.description,
		method: 'GET',
		path: options.path,
		fields: [{ property: options.locator, send: { in: 'path' } }, ...(options.fields ?? [])],
		output: (body) => shape(body as IDataObject),
	};
}

export function getManyOperation(
	options: Common & { plural: string; fields?: FieldSpec[]; validate?: OperationSpec['validate']; prepare?: OperationSpec['prepare'] },
): OperationSpec {
	const shape = options.shape ?? same;
	return {
		resource: options.resource,
		operation: 'getAll',
		name: 'Get Many',
		action: `Get many ${options.plural}`,
		description: options.description,
		method: 'GET',
		path: options.path,
		list: true,
		fields: options.fields ?? [],
		validate: options.validate,
		prepare: options.prepare,
		output: (body) => (body as IDataObject[]).map(shape),
	};
}

export function createOperation(options: Common & { fields: FieldSpec[]; validate?: OperationSpec['validate'] }): OperationSpec {
	const shape = options.shape ?? same;
	return {
		resource: options.resource,
		operation: 'create',
		name: 'Create',
		action: `Create ${article(options.noun)} ${options.noun}`,
		description: options.description,
		method: 'POST',
		path: options.path,
		fields: options.fields,
		validate: options.validate,
		output: (body) => shape(body as IDataObject),
	};
}

export function updateOperation(options: Common & { locator: INodeProperties; fields: FieldSpec[]; validate?: OperationSpec['validate'] }): OperationSpec {
	const shape = options.shape ?? same;
	return {
		resource: options.resource,
		operation: 'update',
		name: 'Update',
		action: `Update ${article(options.noun)} ${options.noun}`,
		description: options.description,
		method: 'PATCH',
		path: options.path,
		// PATCH with the same values twice gives the same result, so it may be retried.
		idempotent: true,
		fields: [{ property: options.locator, send: { in: 'path' } }, ...options.fields],
		validate: options.validate,
		output: (body) => shape(body as IDataObject),
	};
}

export function deleteOperation(options: Common & { locator: INodeProperties }): OperationSpec {
	return {
		resource: options.resource,
		operation: 'delete',
		name: 'Delete',
		action: `Delete ${article(options.noun)} ${options.noun}`,
		description: options.description,
		method: 'DELETE',
		path: options.path,
		fields: [{ property: options.locator, send: { in: 'path' } }],
		output: () => ({ deleted: true }),
	};
}
