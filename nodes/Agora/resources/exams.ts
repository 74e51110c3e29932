import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { getManyOperation, getOperation } from '../../shared/declare';
import { optionalFields } from '../../shared/fields';
import { apiJson } from '../../shared/transport';
import type { FieldSpec, OperationContext, OperationSpec, ResourceSpec } from '../../shared/types';
import { createdObjectId, failureText, outcomeOf, waitForTimelineItem } from '../actions/timeline';
import { examLocator, folderLocator, projectLocator, query, textFilter } from '../fields';
import { agora, normaliseContentType } from '../platform';

const examFilters: FieldSpec = optionalFields('Filters', 'filters', [
	textFilter('Name Contains', 'name', 'name__icontains', 'Only exams whose name contains this text'),
	textFilter('Scanner Name', 'scannerName', 'scanner_name__icontains', 'Only exams from scanners whose name contains this text'),
	[{ displayName: 'Project ID', name: 'project', type: 'number', default: 0, description: 'Only exams of this project' }, query('project')],
	[{ displayName: 'Started After', name: 'startedAfter', type: 'dateTime', default: '', description: 'Exams that started at or after this time' }, query('start_time__gte')],
	[{ displayName: 'Started Before', name: 'startedBefore', type: 'dateTime', default: '', description: 'Exams that started at or before this time' }, query('start_time__lte')],
	[{ displayName: 'Start Year', name: 'year', description: 'Only exams that started in this year', type: 'number', default: 2026 }, query('start_time__year')],
]);

const waitFields: FieldSpec[] = [
	{ property: { displayName: 'Timeout (Seconds)', name: 'timeout', type: 'number', typeOptions: { minValue: 1 }, default: 600, description: 'How long to wait for Agora to finish' } },
];

/** Copy or move an exam to a folder: Agora answers with a timeline item; wait, return the exam. */
function transferOperation(kind: 'copy' | 'move'): OperationSpec {
	return {
		resource: 'exam',
		operation: kind,
		name: kind === 'copy' ? 'Copy to Folder' : 'Move to Folder',
		action: kind === 'copy' ? 'Copy an exam to a folder' : 'Move an exam to a folder',
		description: `${kind === 'copy' ? 'Copy' : 'Move'} an exam into a folder of a project and wait until Agora has finished. Returns the ${kind === 'copy' ? 'new copy' : 'moved exam'}.`,
		fields: [{ property: examLocator }, { property: { ...projectLocator, displayName: 'Target Project' } }, { property: { ...folderLocator, displayName: 'Target Folder' } }, ...waitFields],
		execute: async ({ ctx, itemIndex, params }: OperationContext) => {
			const exam = Number(params.exam);
			const route = kind === 'copy' ? 'copy_to' : 'move_to';
			const started = await apiJson<IDataObject>(
				ctx,
				agora,
				{ method: 'POST', path: `/api/v2/exam/${exam}/${route}/${Number(params.project)}/folder/${Number(params.folder)}/`, body: {} },
				itemIndex,
			);
			const id = Number(started.id ?? started.timeline_item_id);
			const done = await waitForTimelineItem(ctx, id, { intervalMs: 2000, timeoutMs: Number(params.timeout ?? 600) * 1000, itemIndex, what: `The ${kind} of exam ${exam}` });
			if (outcomeOf(done) !== 'finished')
				throw new NodeOperationError(ctx.getNode(), `Agora could not ${kind} exam ${exam}: ${failureText(done)}`, { itemIndex, description: 'Check that the target folder exists and that the account may write to it.' });
			const resultId = kind === 'copy' ? (createdObjectId(done, exam) ?? exam) : exam;
			const result = await apiJson<IDataObject>(ctx, agora, { method: 'GET', path: `/api/v2/exam/${resultId}/` }, itemIndex);
			return [{ ...result, timelineItemId: id }];
		},
	};
}

function lockOperation(lock: boolean): OperationSpec {
	return {
		resource: 'exam',
		operation: lock ? 'lock' : 'unlock',
		name: lock ? 'Lock' : 'Unlock',
		action: lock ? 'Lock an exam' : 'Unlock an exam',
		description: lock
			? 'Lock an exam so that it cannot be changed. Returns {exam, locked: true}.'
			: 'Unlock an exam so that it can be changed again. Returns {exam, locked: false}.',
		fields: [{ property: examLocator }],
		execute: async ({ ctx, itemIndex, params }: OperationContext) => {
			await apiJson(ctx, agora, { method: 'POST', path: `/api/v2/exam/${lock ? 'lock_ids' : 'unlock_ids'}/`, body: { ids: [Number(params.exam)] }, idempotent: true }, itemIndex);
			return [{ exam: Number(params.exam), locked: lock }];
		},
	};
}

export const examResource: ResourceSpec = {
	value: 'exam',
	name: 'Exam',
	description: 'A study: one visit of a patient to a scanner, with its series',
	operations: [
		getOperation({ resource: 'exam', noun: 'exam', path: '/api/v2/exam/{exam}/', locator: examLocator, description: 'Get an exam (study) by ID. Returns the exam with its patient, scanner and lock state.' }),
		getManyOperation({ resource: 'exam', noun: 'exam', plural: 'exams', path: '/api/v2/exam/', description: 'List exams, optionally by project, name, scanner and start time. Returns one item per exam.', fields: [examFilters] }),
		{
			resource: 'exam',
			operation: 'getSeries',
			name: 'Get Series',
			action: 'Get the series of an exam',
			description: 'List the series of an exam. Returns one item per series.',
			method: 'GET',
			path: '/api/v2/exam/{exam}/series/',
			list: true,
			fields: [{ property: examLocator, send: { in: 'path' } }],
		},
		{
			resource: 'exam',
			operation: 'getDatasets',
			name: 'Get Datasets',
			action: 'Get the datasets of an exam',
			description: 'List the datasets attached directly to an exam (not those of its series). Returns one item per dataset.',
			method: 'GET',
			path: '/api/v2/exam/{exam}/datasets/',
			list: true,
			fields: [{ property: examLocator, send: { in: 'path' } }],
		},
		transferOperation('copy'),
		transferOperation('move'),
		{
			resource: 'exam',
			operation: 'link',
			name: 'Link to Folder',
			action: 'Link an exam into a folder',
			description: 'Show an exam in another folder of the same project without copying it. Returns the folder item (keep its ID to unlink).',
			fields: [{ property: examLocator }, { property: { ...folderLocator, displayName: 'Target Folder' } }],
			execute: async ({ ctx, itemIndex, params }: OperationContext) => {
				const item = await apiJson<IDataObject>(ctx, agora, { method: 'POST', path: `/api/v2/exam/${Number(params.exam)}/link_to/${Number(params.folder)}/`, body: {} }, itemIndex);
				return [{ ...item, content_type: normaliseContentType(item.content_type), folderItemId: item.id }];
			},
		},
		{
			resource: 'exam',
			operation: 'unlink',
			name: 'Unlink',
			action: 'Remove a link to an exam',
			description: 'Remove a link (a folder item) created by Link to Folder; the exam itself stays. Returns {deleted: true}.',
			fields: [{ property: { displayName: 'Folder Item ID', name: 'folderItemId', type: 'string', default: '', required: true, placeholder: 'e.g. 57', description: 'The folderItemId returned by Link to Folder or Folder → Get Items' } }],
			execute: async ({ ctx, itemIndex, params }: OperationContext) => {
				await apiJson(ctx, agora, { method: 'DELETE', path: `/api/v2/folderitem/${encodeURIComponent(String(params.folderItemId))}/` }, itemIndex);
				return [{ deleted: true, folderItemId: params.folderItemId as string }];
			},
		},
		lockOperation(true),
		lockOperation(false),
		{
			resource: 'exam',
			operation: 'getRelations',
			name: 'Get Relations',
			action: 'Get the related objects of an exam',
			description: 'List the objects related to an exam. Returns one item per relation with the object at its other end.',
			method: 'GET',
			path: '/api/v1/exam/{exam}/datarelations/',
			fields: [{ property: examLocator, send: { in: 'path' } }],
			output: (body, op) => relationEnds(body, Number(op.params.exam)),
		},
	],
};

/** A relation's other end, as {objectId, contentType}. */
export function relationEnds(body: unknown, self: number): IDataObject[] {
	return ((Array.isArray(body) ? body : ((body as IDataObject)?.results ?? [])) as IDataObject[]).map((relation) => {
		const from = (relation.from_object ?? {}) as IDataObject;
		const to = (relation.to_object ?? {}) as IDataObject;
		const other = Number(from.object_id) === self ? to : from;
		return { objectId: other.object_id, contentType: normaliseContentType(other.content_type), relation };
	});
}
