/** Builders for the node parameters every platform needs: locators and optional collections. */
import type { INodeProperties, INodePropertyModeValidation } from 'n8n-workflow';
import type { FieldSpec, SendSpec } from './types';

export interface LocatorOptions {
	name: string;
	displayName: string;
	/** The list-search method in the node's `methods.listSearch`. */
	searchListMethod: string;
	description: string;
	/** Label and example of the typed mode, e.g. "By Nickname" / "e.g. Algernon". */
	byLabel?: string;
	placeholder: string;
	/** Format check of the typed mode (the editor refuses to run a workflow that fails it). */
	regex?: { pattern: string; message: string };
	required?: boolean;
}

/** A resource locator: pick from a searchable list, or type the ID / name. */
export function resourceLocator(options: LocatorOptions): INodeProperties {
	const validation: INodePropertyModeValidation[] = options.regex
		? [{ type: 'regex', properties: { regex: options.regex.pattern, errorMessage: options.regex.message } }]
		: [];
	return {
		displayName: options.displayName,
		name: options.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: options.required ?? true,
		description: options.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: options.searchListMethod, searchable: true },
			},
			{
				displayName: options.byLabel ?? 'By ID',
				name: 'id',
				type: 'string',
				placeholder: options.placeholder,
				validation,
			},
		],
	};
}

/**
 * One option of an optional collection and where it is sent; without a SendSpec the option is
 * only read, for an operation's `prepare` to combine with others.
 */
export type OptionalField = [INodeProperties, SendSpec | undefined];

/** A "Filters" / "Additional Fields" / "Options" collection; options sorted by name as n8n's UX asks. */
export function optionalFields(
	displayName: string,
	name: string,
	fields: OptionalField[],
	placeholder = displayName === 'Filters' ? 'Add Filter' : 'Add Field',
): FieldSpec {
	const sorted = [...fields].sort(([a], [b]) => a.displayName.localeCompare(b.displayName));
	return {
		property: {
			displayName,
			name,
			type: 'collection',
			placeholder,
			default: {},
			options: sorted.map(([property]) => property),
		},
		options: Object.fromEntries(
			sorted.filter(([, send]) => send !== undefined).map(([property, send]) => [property.name, send as SendSpec]),
		),
	};
}
