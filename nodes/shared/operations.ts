/**
 * The declarative operation engine: resource/operation declarations become the node's
 * parameters (`describeResources`) and its behaviour (`executeResources`): reading
 * parameters, validating them, building the request, paging, shaping the output, pairedItem,
 * continueOnFail and errors with the item index.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { InvalidParameterError, toOperationError } from './errors';
import { fetchList } from './pagination';
import { apiRequest } from './transport';
import type {
	ApiRequest,
	FieldSpec,
	OperationContext,
	OperationSpec,
	ParameterValues,
	Platform,
	ResourceSpec,
	SendSpec,
} from './types';

const RETURN_ALL = 'returnAll';
const LIMIT = 'limit';

function byName<T extends { name: string }>(a: T, b: T): number {
	return a.name.localeCompare(b.name);
}

/** The node's parameters: Resource, one Operation selector per resource, then each field. */
export function describeResources(resources: ResourceSpec[]): INodeProperties[] {
	const firstResource = resources[0].value;
	const properties: INodeProperties[] = [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resources
				.map((r) => ({ name: r.name, value: r.value, description: r.description }))
				.sort(byName),
			default: firstResource,
		},
	];
	for (const resource of resources) {
		const operations = [...resource.operations].sort(byName);
		const firstOperation = resource.operations[0].operation;
		properties.push({
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value] } },
			options: operations.map(
				(op): INodePropertyOptions => ({
					name: op.name,
					value: op.operation,
					action: op.action,
					description: op.description,
				}),
			),
			default: firstOperation,
		});
	}
	// One parameter declaration may serve several operations of a resource when it is identical.
	const merged = new Map<string, INodeProperties>();
	for (const resource of resources) {
		for (const op of resource.operations) {
			for (const property of operationProperties(op)) {
				const { displayOptions, ...rest } = property;
				const key = `${resource.value}|${JSON.stringify(rest)}|${JSON.stringify(displayOptions ?? {})}`;
				const existing = merged.get(key);
				if (existing) {
					(existing.displayOptions!.show!.operation as string[]).push(op.operation);
					continue;
				}
				merged.set(key, {
					...rest,
					displayOptions: {
						...displayOptions,
						show: { ...displayOptions?.show, resource: [resource.value], operation: [op.operation] },
					},
				});
			}
		}
	}
	return [...properties, ...merged.values()];
}

function operationProperties(op: OperationSpec): INodeProperties[] {
	const fields = op.fields.map((f) => f.property);
	if (!op.list) return fields;
	const listFields: INodeProperties[] = [
		{
			displayName: 'Return All',
			name: RETURN_ALL,
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: LIMIT,
			type: 'number',
			displayOptions: { show: { [RETURN_ALL]: [false] } },
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
		},
	];
	// Required fields first, then Return All / Limit, then the optional collections.
	const required = fields.filter((f) => f.type !== 'collection' && f.type !== 'fixedCollection');
	const collections = fields.filter((f) => f.type === 'collection' || f.type === 'fixedCollection');
	return [...required, ...listFields, ...collections];
}

function readParameters(ctx: IExecuteFunctions, itemIndex: number, op: OperationSpec): ParameterValues {
	const params: ParameterValues = {};
	for (const field of op.fields) {
		const { name, type, default: fallback, displayOptions } = field.property;
		try {
			params[name] = ctx.getNodeParameter(name, itemIndex, fallback, {
				extractValue: type === 'resourceLocator',
			});
		} catch (error) {
			// A field shown only for some choices (e.g. the target exam when uploading into a
			// folder) is absent otherwise, and n8n cannot extract a locator's default value.
			if (!displayOptions) throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
			params[name] = undefined;
		}
	}
	if (op.list) {
		params[RETURN_ALL] = ctx.getNodeParameter(RETURN_ALL, itemIndex, false);
		params[LIMIT] = params[RETURN_ALL] ? 0 : ctx.getNodeParameter(LIMIT, itemIndex, 50);
	}
	return params;
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function place(request: ApiRequest, spec: SendSpec, name: string, value: unknown): void {
	if (isEmpty(value)) return;
	const wire = spec.transform ? spec.transform(value) : value;
	if (isEmpty(wire)) return;
	const key = spec.key ?? name;
	if (spec.in === 'path') {
		request.path = request.path.replace(`{${key}}`, encodeURIComponent(String(wire)));
	} else if (spec.in === 'query') {
		request.qs = { ...request.qs, [key]: wire as IDataObject[string] };
	} else {
		request.body = { ...(request.body as IDataObject | undefined), [key]: wire };
	}
}

/** The request a declarative operation makes for the given parameter values. */
export function buildRequest(op: OperationSpec, params: ParameterValues): ApiRequest {
	const request: ApiRequest = { method: op.method ?? 'GET', path: op.path ?? '/', idempotent: op.idempotent };
	for (const field of op.fields as FieldSpec[]) {
		const value = params[field.property.name];
		if (field.send) place(request, field.send, field.property.name, value);
		if (field.options && value && typeof value === 'object') {
			for (const [option, optionValue] of Object.entries(value as IDataObject)) {
				const spec = field.options[option];
				if (spec) place(request, spec, option, optionValue);
			}
		}
	}
	const unresolved = /\{(\w+)\}/.exec(request.path);
	if (unresolved) {
		const field = op.fields.find((f) => f.property.name === unresolved[1]);
		throw new InvalidParameterError(
			field?.property.displayName ?? unresolved[1],
			`${field?.property.displayName ?? unresolved[1]}: a value is required`,
			'Enter a value (or an expression that resolves to one) and run the node again.',
		);
	}
	return request;
}

function asRecords(value: IDataObject[] | IDataObject | unknown): IDataObject[] {
	if (Array.isArray(value)) return value as IDataObject[];
	if (value && typeof value === 'object') return [value as IDataObject];
	return [{ value } as IDataObject];
}

/** Runs one operation for one item and returns its output records. */
export async function runOperation(
	ctx: IExecuteFunctions,
	itemIndex: number,
	platform: Platform,
	op: OperationSpec,
): Promise<Array<IDataObject | INodeExecutionData>> {
	const params = readParameters(ctx, itemIndex, op);
	const context: OperationContext = { ctx, itemIndex, platform, params, item: ctx.getInputData()[itemIndex] };
	op.validate?.(params, context);
	if (op.execute) return await op.execute(context);

	const request = buildRequest(op, params);
	op.prepare?.(request, params);
	let body: unknown;
	if (op.list && platform.pagination) {
		body = await fetchList(
			async (query) =>
				(await apiRequest(ctx, platform, { ...request, qs: { ...request.qs, ...query } }, itemIndex)).body,
			platform.pagination,
			{ returnAll: params[RETURN_ALL] === true, limit: Number(params[LIMIT]) },
		);
	} else {
		body = (await apiRequest(ctx, platform, request, itemIndex)).body;
	}
	return asRecords(op.output ? op.output(body, context) : body);
}

function findOperation(resources: ResourceSpec[], resource: string, operation: string): OperationSpec | undefined {
	return resources.find((r) => r.value === resource)?.operations.find((o) => o.operation === operation);
}

const EXECUTION_DATA_KEYS = new Set(['json', 'binary', 'pairedItem', 'error']);

/**
 * Whether a hand-written operation returned a full n8n item (e.g. with binary data) rather than
 * a record. Records may have a field called `json` themselves (Alyx records do), so only an
 * object made of n8n's item keys, with `json` an object, counts.
 */
function isExecutionData(value: IDataObject | INodeExecutionData): value is INodeExecutionData {
	const json = (value as { json?: unknown }).json;
	return (
		json !== null &&
		typeof json === 'object' &&
		!Array.isArray(json) &&
		Object.keys(value).every((key) => EXECUTION_DATA_KEYS.has(key))
	);
}

/** Normalises any failure into an n8n error that names the item. */
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof InvalidParameterError) return toOperationError(ctx.getNode(), error, itemIndex);
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/** The whole `execute()` of a declarative node: every item, every operation. */
export async function executeResources(
	ctx: IExecuteFunctions,
	platform: Platform,
	resources: ResourceSpec[],
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = ctx.getNodeParameter('resource', itemIndex) as string;
			const operation = ctx.getNodeParameter('operation', itemIndex) as string;
			const op = findOperation(resources, resource, operation);
			if (!op) {
				throw new NodeOperationError(ctx.getNode(), `Unknown operation "${operation}" for resource "${resource}"`, {
					itemIndex,
					description: 'Choose an operation from the list.',
				});
			}
			for (const result of await runOperation(ctx, itemIndex, platform, op)) {
				output.push(
					isExecutionData(result)
						? // An operation that gathers several items' files pairs each output with its own source.
							{ pairedItem: { item: itemIndex }, ...result }
						: { json: result, pairedItem: { item: itemIndex } },
				);
			}
		} catch (error) {
			const nodeError = asNodeError(ctx, error, itemIndex);
			if (ctx.continueOnFail()) {
				// `error` on the item is what n8n looks for to send it down the node's error output
				// ("On Error: Continue (using error output)"); the JSON keeps the readable message.
				output.push({
					json: { error: nodeError.message, description: nodeError.description ?? null },
					error: nodeError,
					pairedItem: { item: itemIndex },
				});
				continue;
			}
			throw nodeError;
		}
	}
	return [output];
}
