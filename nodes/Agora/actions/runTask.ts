/**
 * Running a task: inputs are checked against the task definition before anything is sent (the
 * error names the missing input), then the run is started and, if asked, waited for.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';
import { invalidParameter } from '../../shared/errors';
import { apiJson, loadCredentials } from '../../shared/transport';
import type { OperationContext } from '../../shared/types';
import { agora } from '../platform';
import { describeTimelineItem, failureText, outcomeOf, waitForTimelineItem } from './timeline';

/** Input type codes of Agora task definitions (B.5) and YAML type names of script tasks. */
const OBJECT_TYPES: Record<string, string> = { '1': 'exam', '2': 'series', '3': 'dataset', '4': 'file', '9': 'folder', exam: 'exam', study: 'exam', series: 'series', dataset: 'dataset', file: 'file', folder: 'folder' };
const INTEGER = new Set(['6', 'integer']);
const FLOAT = new Set(['7', 'float']);
const BOOLEAN = new Set(['11', 'bool', 'boolean']);

interface InputSpec {
	key: string;
	type: string;
	required: boolean;
	order: number;
}

function inputSpecs(definition: IDataObject): InputSpec[] {
	const inputs = definition.inputs;
	if (Array.isArray(inputs))
		return (inputs as IDataObject[]).map((i, index) => ({ key: String(i.key), type: String(i.type), required: i.required !== false, order: Number(i.order ?? index) }));
	const yml = (definition.yml ?? {}) as IDataObject;
	return Object.entries((yml.inputs ?? {}) as Record<string, IDataObject>).map(([key, spec], index) => ({ key, type: String(spec.type), required: spec.required !== false, order: index }));
}

function hasOutputs(definition: IDataObject): boolean {
	return (Array.isArray(definition.outputs) && definition.outputs.length > 0) || Object.keys(((definition.yml ?? {}) as IDataObject).outputs ?? {}).length > 0;
}

/** A value typed in n8n, converted to what the input's type expects. */
function inputValue(spec: InputSpec, raw: unknown): unknown {
	const field = `Input "${spec.key}"`;
	const objectType = OBJECT_TYPES[spec.type];
	if (objectType) {
		if (raw && typeof raw === 'object') return raw;
		const id = Number(raw);
		if (!Number.isInteger(id) || id <= 0) invalidParameter(field, `"${String(raw)}" is not an ID`, `Give the ID of the ${objectType} (a whole number).`);
		return { object_id: id, object_type: objectType === 'file' ? null : objectType };
	}
	if (INTEGER.has(spec.type)) {
		const n = Number(raw);
		if (!Number.isInteger(n)) invalidParameter(field, `"${String(raw)}" is not a whole number`, 'Enter an integer.');
		return n;
	}
	if (FLOAT.has(spec.type)) {
		const n = Number(raw);
		if (Number.isNaN(n)) invalidParameter(field, `"${String(raw)}" is not a number`, 'Enter a number such as 0.5.');
		return n;
	}
	if (BOOLEAN.has(spec.type)) return raw === true || String(raw).toLowerCase() === 'true';
	return raw;
}

export async function runTask(op: OperationContext, wait: boolean): Promise<IDataObject[]> {
	const { ctx, itemIndex, params } = op;
	const taskId = Number(params.task);
	const definition = await apiJson<IDataObject>(ctx, agora, { method: 'GET', path: `/api/v2/task/${taskId}/` }, itemIndex);
	const specs = inputSpecs(definition);
	const given = new Map<string, unknown>();
	for (const entry of (((params.inputs ?? {}) as IDataObject).input ?? []) as IDataObject[]) given.set(String(entry.key), entry.value);
	const unknown = [...given.keys()].filter((key) => !specs.some((s) => s.key === key));
	if (unknown.length)
		invalidParameter('Inputs', `task "${String(definition.name)}" has no input ${unknown.map((k) => `"${k}"`).join(', ')}`, `Its inputs are: ${specs.map((s) => s.key).join(', ') || 'none'}.`);
	const missing = specs.filter((s) => s.required && (given.get(s.key) === undefined || given.get(s.key) === ''));
	if (missing.length)
		invalidParameter('Inputs', `task "${String(definition.name)}" needs input ${missing.map((s) => `"${s.key}"`).join(', ')}`, 'Add the missing inputs (key and value) and run the node again.');
	const target = params.target ? Number(params.target) : undefined;
	if (hasOutputs(definition) && !target)
		invalidParameter('Target Folder', `task "${String(definition.name)}" writes results, so it needs a target folder`, 'Choose the folder the results go to.');

	const keyed: IDataObject = {};
	for (const spec of specs) if (given.has(spec.key)) keyed[spec.key] = inputValue(spec, given.get(spec.key)) as IDataObject;
	const credentials = await loadCredentials(ctx, agora, itemIndex);
	const onlyObjects = specs.every((s) => OBJECT_TYPES[s.type] && OBJECT_TYPES[s.type] !== 'file');
	// The documented run takes a list of objects; anything else needs the keyed run the connectors use.
	const started =
		credentials.routeSet !== 'connector' && onlyObjects && !target
			? await apiJson<IDataObject>(ctx, agora, { method: 'POST', path: '/api/v2/runtask/', body: { task: taskId, inputs: [...specs].sort((a, b) => a.order - b.order).filter((s) => keyed[s.key]).map((s) => keyed[s.key]) } }, itemIndex)
			: await apiJson<IDataObject>(ctx, agora, { method: 'POST', path: `/api/v1/taskdefinition/${taskId}/run/`, body: { target: target ? { object_id: target, object_type: 'folder' } : null, inputs: keyed } }, itemIndex);
	const timelineId = Number(started.timeline_item_id ?? started.id);
	if (!wait) return [{ task: taskId, timelineItemId: timelineId, started: true }];

	const options = (params.waitOptions ?? {}) as IDataObject;
	const done = await waitForTimelineItem(ctx, timelineId, {
		intervalMs: Number(options.pollInterval ?? 3) * 1000,
		timeoutMs: Number(options.timeout ?? 3600) * 1000,
		itemIndex,
		what: `Task "${String(definition.name)}"`,
	});
	const outcome = outcomeOf(done);
	if (outcome === 'failed' && options.failOnError !== false)
		throw new NodeOperationError(ctx.getNode(), `Task "${String(definition.name)}" failed: ${failureText(done).slice(0, 500)}`, {
			itemIndex,
			description: 'Read the task output and log (Timeline Item → Get) and fix the inputs or the task.',
		});
	const created = ((((done.data ?? {}) as IDataObject).related_objects ?? []) as IDataObject[]).map((r) => r.id ?? r.object_id);
	return [{ ...describeTimelineItem(done), task: taskId, timelineItemId: timelineId, createdObjectIds: created as number[] }];
}
