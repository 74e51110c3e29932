/**
 * What an AI agent reads. With `usableAsTool` n8n offers each action node to agents as a tool
 * (`<package>.<node>Tool`); the agent picks a resource and operation from their names, actions
 * and descriptions and fills the parameters from their display names and descriptions. So these
 * texts are the tool's interface: this test checks them the way a reviewer would.
 */
import type {
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { Agora } from '../../nodes/Agora/Agora.node';
import { AgoraTrigger } from '../../nodes/Agora/AgoraTrigger.node';
import { Alyx } from '../../nodes/Alyx/Alyx.node';
import { AlyxTrigger } from '../../nodes/Alyx/AlyxTrigger.node';
import { CcAgency } from '../../nodes/CcAgency/CcAgency.node';
import { CcAgencyTrigger } from '../../nodes/CcAgency/CcAgencyTrigger.node';

const actionNodes: INodeType[] = [new Agora(), new Alyx(), new CcAgency()];
const triggerNodes: INodeType[] = [new AgoraTrigger(), new AlyxTrigger(), new CcAgencyTrigger()];

/** Parameter types that need no description of their own (their parts carry the text). */
const NO_DESCRIPTION_NEEDED = new Set(['notice', 'collection', 'fixedCollection', 'resourceLocator']);
/** Operations that read: the description must also say what comes back. */
const READ_ACTION = /^(Get|Count|Search|List)\b/;
/** Says what comes back: "Returns …", "returns …" or "one item per …". */
const SAYS_WHAT_IT_RETURNS = /\breturns?\b|\bone (output )?item per\b/i;
const MIN_LENGTH = 25;

/**
 * Descriptions in nodes/CcAgency/resources/batch.ts, which is being edited elsewhere right now
 * and so could not be changed together with the others. Each entry is a known problem with the
 * text it should get. The test fails when such a problem is fixed (remove the entry then) or
 * when any other problem appears, so the list cannot hide anything new.
 */
const PENDING: Record<string, string> = {
	'CC-Agency › batch › get: does not end with a period':
		'Get the full batch document. Returns its state, attempts, node, history and inputs (secrets replaced by placeholders).',
	'CC-Agency › batch › getAll: does not end with a period':
		'List batches, newest first unless Ascending is set, optionally by state, experiment, node or user. Returns one item per batch with its state, node and experiment ID.',
	'CC-Agency › batch › get: a read that does not say what it returns': '(the text above)',
	'CC-Agency › batch › getAll: a read that does not say what it returns': '(the text above)',
	'CC-Agency › batch › Filters › State: no description':
		'Only batches in this state (Get Many and Count filters; add `description` to the State option in filtersField)',
	'CC-Agency › batch › count: does not end with a period':
		'Count batches, optionally by state, experiment, node or user. Returns {count}.',
};

function sentenceProblems(text: unknown, label: string, name?: string): string[] {
	if (typeof text !== 'string' || text.trim() === '') return [`${label}: no description`];
	const problems: string[] = [];
	if (text.length < MIN_LENGTH) problems.push(`${label}: shorter than ${MIN_LENGTH} characters ("${text}")`);
	if (!/^[A-Z]/.test(text)) problems.push(`${label}: does not start with a capital letter`);
	if (!text.endsWith('.')) problems.push(`${label}: does not end with a period`);
	if (name !== undefined && text.replace(/\.$/, '').trim().toLowerCase() === name.trim().toLowerCase()) {
		problems.push(`${label}: only repeats the name`);
	}
	return problems;
}

/** Wrong indefinite articles in generated actions, e.g. "Get an user". */
function articleProblems(action: string, label: string): string[] {
	const wrong = /\ban (?![aeiou]|hour)\w|\ban u(?:s|ni)|\ba (?=[aeio])/i.exec(action);
	return wrong ? [`${label}: action "${action}" uses the wrong article`] : [];
}

function isSelector(property: INodeProperties): boolean {
	return (property.name === 'resource' || property.name === 'operation') && property.type === 'options';
}

/** Every parameter a person or an agent can see, with the path that leads to it. */
function visibleParameters(properties: INodeProperties[], path: string[] = []): Array<{ property: INodeProperties; where: string }> {
	const found: Array<{ property: INodeProperties; where: string }> = [];
	for (const property of properties) {
		if (property.type === 'hidden') continue;
		const resource = (property.displayOptions?.show?.resource as string[] | undefined)?.join('/');
		const where = [...path, ...(path.length === 0 && resource ? [resource] : []), property.displayName || property.name].join(' › ');
		found.push({ property, where });
		if (property.type === 'collection') {
			found.push(...visibleParameters((property.options ?? []) as INodeProperties[], [...path, where]));
		}
		if (property.type === 'fixedCollection') {
			for (const group of (property.options ?? []) as INodePropertyCollection[]) {
				found.push(...visibleParameters(group.values ?? [], [...path, where, group.displayName]));
			}
		}
	}
	return found;
}

/** Everything an agent would stumble over in one action node's description. */
export function readabilityProblems(description: INodeTypeDescription): string[] {
	const node = description.displayName;
	const problems: string[] = [];
	if (description.usableAsTool !== true) problems.push(`${node}: usableAsTool is not true`);
	// n8n's linter wants the node's own description without a final period, so only its length counts.
	if ((description.description ?? '').length < MIN_LENGTH) problems.push(`${node}: node description shorter than ${MIN_LENGTH} characters`);

	const resourceSelector = description.properties.find((p) => p.name === 'resource' && p.type === 'options');
	if (!resourceSelector) problems.push(`${node}: no Resource parameter`);
	for (const option of (resourceSelector?.options ?? []) as INodePropertyOptions[]) {
		if (!option.description) problems.push(`${node} › resource ${String(option.value)}: no description`);
	}

	for (const selector of description.properties.filter((p) => p.name === 'operation' && p.type === 'options')) {
		const resource = (selector.displayOptions?.show?.resource as string[] | undefined)?.join('/') ?? '?';
		const seen = new Map<string, string>();
		for (const option of (selector.options ?? []) as INodePropertyOptions[]) {
			const label = `${node} › ${resource} › ${String(option.value)}`;
			if (typeof option.action !== 'string' || option.action.trim() === '') problems.push(`${label}: no action`);
			else problems.push(...articleProblems(option.action, label));
			problems.push(...sentenceProblems(option.description, label, option.name));
			if (option.action && option.description && option.description.replace(/\.$/, '').toLowerCase() === option.action.toLowerCase()) {
				problems.push(`${label}: only repeats the action`);
			}
			if (typeof option.description === 'string') {
				if (option.action && READ_ACTION.test(option.action) && !SAYS_WHAT_IT_RETURNS.test(option.description)) {
					problems.push(`${label}: a read that does not say what it returns`);
				}
				const other = seen.get(option.description);
				if (other) problems.push(`${label}: same description as ${other}`);
				seen.set(option.description, String(option.value));
			}
		}
	}

	for (const { property, where } of visibleParameters(description.properties)) {
		const label = `${node} › ${where}`;
		if (!property.displayName?.trim()) problems.push(`${label}: no display name`);
		if (isSelector(property) || NO_DESCRIPTION_NEEDED.has(property.type)) continue;
		if (typeof property.description !== 'string' || property.description.trim() === '') problems.push(`${label}: no description`);
	}
	return problems;
}

describe('what an AI agent reads', () => {
	it('offers the action nodes as tools, and only them', () => {
		for (const node of actionNodes) expect([node.description.name, node.description.usableAsTool]).toEqual([node.description.name, true]);
		for (const node of triggerNodes) expect([node.description.name, node.description.usableAsTool]).toEqual([node.description.name, undefined]);
	});

	it.each(actionNodes.map((n) => [n.description.displayName, n.description] as const))(
		'%s: every operation and parameter is described for an agent',
		(name, description) => {
			const problems = readabilityProblems(description);
			const pending = Object.keys(PENDING).filter((key) => key.startsWith(`${name} ›`));
			expect(problems.filter((p) => !pending.includes(p))).toEqual([]);
			// A pending entry whose problem is gone must be removed from the list.
			expect(pending.filter((p) => !problems.includes(p))).toEqual([]);
		},
	);

	it('counts every operation (so an empty node cannot pass)', () => {
		const operations = actionNodes.flatMap((n) =>
			n.description.properties.filter((p) => p.name === 'operation').flatMap((p) => (p.options ?? []) as INodePropertyOptions[]),
		);
		expect(operations.length).toBeGreaterThan(100);
	});
});

describe('the readability check itself', () => {
	const base = (): INodeTypeDescription => ({
		displayName: 'Synthetic',
		name: 'synthetic',
		group: ['transform'],
		version: 1,
		description: 'A node made up for this test',
		defaults: { name: 'Synthetic' },
		usableAsTool: true,
		inputs: [],
		outputs: [],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Thing', value: 'thing', description: 'A thing in the synthetic system' }],
				default: 'thing',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['thing'] } },
				options: [
					{ name: 'Get', value: 'get', action: 'Get a thing', description: 'Get a thing by its ID. Returns the thing with its parts.' },
					{ name: 'Delete', value: 'delete', action: 'Delete a thing', description: 'Delete a thing for good. Returns {deleted: true}.' },
				],
				default: 'get',
			},
			{
				displayName: 'Thing ID',
				name: 'thingId',
				type: 'string',
				default: '',
				description: 'The ID of the thing',
				displayOptions: { show: { resource: ['thing'], operation: ['get', 'delete'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				default: {},
				displayOptions: { show: { resource: ['thing'], operation: ['get'] } },
				options: [{ displayName: 'Verbose', name: 'verbose', type: 'boolean', default: false, description: 'Whether to add the parts' }],
			},
		],
	});

	it('passes a well-described node', () => {
		expect(readabilityProblems(base())).toEqual([]);
	});

	it('finds bad descriptions', () => {
		const bad = base();
		const operation = bad.properties[1];
		operation.options = [
			{ name: 'Get', value: 'get', action: 'Get an thing', description: 'Get' },
			{ name: 'Get Many', value: 'getAll', description: 'list things, newest first, up to the limit' },
			{ name: 'Get Parts', value: 'getParts', action: 'Get the parts of a thing', description: 'Get the parts of a thing, in order.' },
			{ name: 'Get Tree', value: 'getTree', action: 'Get the tree of a thing', description: 'Get the parts of a thing, in order.' },
			{ name: 'Delete', value: 'delete', action: 'Delete a thing', description: 'Delete a thing.' },
		];
		delete bad.properties[2].description;
		((bad.properties[3].options as INodeProperties[])[0] as INodeProperties).description = '';
		bad.usableAsTool = undefined;
		const problems = readabilityProblems(bad);
		expect(problems).toEqual(
			expect.arrayContaining([
				'Synthetic: usableAsTool is not true',
				'Synthetic › thing › get: action "Get an thing" uses the wrong article',
				'Synthetic › thing › get: shorter than 25 characters ("Get")',
				'Synthetic › thing › get: does not end with a period',
				'Synthetic › thing › get: only repeats the name',
				'Synthetic › thing › getAll: no action',
				'Synthetic › thing › getAll: does not start with a capital letter',
				'Synthetic › thing › getParts: a read that does not say what it returns',
				'Synthetic › thing › getTree: same description as getParts',
				'Synthetic › thing › delete: shorter than 25 characters ("Delete a thing.")',
				'Synthetic › thing › delete: only repeats the action',
				'Synthetic › thing › Thing ID: no description',
				'Synthetic › thing › Options › Verbose: no description',
			]),
		);
	});
});
