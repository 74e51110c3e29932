import type { IDataObject } from 'n8n-workflow';
import { getManyOperation, getOperation } from '../../shared/declare';
import { optionalFields } from '../../shared/fields';
import type { OperationContext, OperationSpec, ResourceSpec } from '../../shared/types';
import { runTask } from '../actions/runTask';
import { describeTimelineItem } from '../actions/timeline';
import { folderLocator, idField, query, taskLocator } from '../fields';

const inputsField = {
	property: {
		displayName: 'Inputs',
		name: 'inputs',
		type: 'fixedCollection' as const,
		typeOptions: { multipleValues: true },
		placeholder: 'Add Input',
		default: {},
		description: 'The task\'s inputs by key: object inputs take an ID, the others a value. They are checked against the task before it runs.',
		options: [
			{
				displayName: 'Input',
				name: 'input',
				values: [
					{ displayName: 'Key', name: 'key', description: 'The key of the input as the task definition names it', type: 'string' as const, default: '', placeholder: 'e.g. ds' },
					{ displayName: 'Value', name: 'value', description: 'The ID of the object for object inputs, otherwise the value', type: 'string' as const, default: '', placeholder: 'e.g. 57' },
				],
			},
		],
	},
};
const targetField = { property: { ...folderLocator, displayName: 'Target Folder', name: 'target', required: false, description: 'Where the results go (required when the task writes results)' } };

function runOperation(wait: boolean): OperationSpec {
	return {
		resource: 'task',
		operation: wait ? 'runAndWait' : 'run',
		name: wait ? 'Run and Wait' : 'Run',
		action: wait ? 'Run a task and wait for it' : 'Run a task',
		description: wait
			? 'Run a task and wait until it finishes. Returns its state, output and log text, and the IDs of the objects it created.'
			: 'Start a task without waiting for it. Returns the timeline item ID to follow it.',
		fields: [
			{ property: taskLocator },
			inputsField,
			targetField,
			...(wait
				? [
						optionalFields('Wait Options', 'waitOptions', [
							[{ displayName: 'Error If the Task Fails', name: 'failOnError', type: 'boolean', default: true, description: 'Whether a failed task stops the workflow with its output as the reason, instead of being output with its state' }, undefined],
							[{ displayName: 'Poll Interval (Seconds)', name: 'pollInterval', description: 'How long to wait between two looks at the task', type: 'number', typeOptions: { minValue: 1 }, default: 3 }, undefined],
							[{ displayName: 'Timeout (Seconds)', name: 'timeout', description: 'How long to wait in total before stopping with an error; the task keeps running in Agora', type: 'number', typeOptions: { minValue: 1 }, default: 3600 }, undefined],
						], 'Add Option'),
					]
				: []),
		],
		execute: async (op: OperationContext) => await runTask(op, wait),
	};
}

export const taskResource: ResourceSpec = {
	value: 'task',
	name: 'Task',
	description: 'A processing task (a script or container) that runs on Agora data',
	operations: [
		getOperation({ resource: 'task', noun: 'task', path: '/api/v2/task/{task}/', locator: taskLocator, description: 'Get a task definition by ID. Returns it with its inputs (key, type, required) and outputs.' }),
		{
			...getManyOperation({ resource: 'task', noun: 'task', plural: 'tasks', path: '/api/v2/task/', description: 'List the task definitions available, optionally of one project. Returns one item per task.' }),
			fields: [optionalFields('Filters', 'filters', [[{ displayName: 'Project ID', name: 'project', type: 'number', default: 0, description: 'Only the tasks of this project' }, query('project')]])],
		},
		runOperation(false),
		runOperation(true),
		{
			resource: 'task',
			operation: 'cancel',
			name: 'Cancel',
			action: 'Cancel a running task',
			description: 'Cancel a running task by its timeline item ID. Returns the timeline item.',
			fields: [{ property: idField('Timeline Item ID', 'The ID of the timeline item (from Run or from the Agora Trigger)'), send: { in: 'path' } }],
			method: 'POST',
			path: '/api/v2/timelineitem/{id}/cancel/',
			idempotent: true,
			output: (body) => describeTimelineItem((body ?? {}) as IDataObject),
		},
	],
};

export const timelineResource: ResourceSpec = {
	value: 'timelineItem',
	name: 'Timeline Item',
	description: 'A task run, import, download or copy and its state',
	operations: [
		{
			resource: 'timelineItem',
			operation: 'get',
			name: 'Get',
			action: 'Get a timeline item',
			description: 'Get a timeline item by ID. Returns its state, output and log, plus a normalised outcome (running, finished, failed, cancelled).',
			method: 'GET',
			path: '/api/v2/timelineitem/{id}/',
			fields: [{ property: idField('Timeline Item ID', 'The ID of the timeline item (from Run or from the Agora Trigger)'), send: { in: 'path' } }],
			output: (body) => describeTimelineItem(body as IDataObject),
		},
		getManyOperation({
			resource: 'timelineItem',
			noun: 'timeline item',
			plural: 'timeline items',
			path: '/api/v2/timelineitem/',
			description: 'List timeline items, newest first, optionally by state, type or project. Returns one item per timeline item.',
			shape: describeTimelineItem,
			fields: [
				optionalFields('Filters', 'filters', [
					[{ displayName: 'Project ID', name: 'project', description: 'Only items of this project', type: 'number', default: 0 }, query('project')],
					[{ displayName: 'State', name: 'state', description: 'Only items in this state', type: 'options', options: ['QUEUED', 'STARTED', 'FINISHED', 'ERROR', 'CANCELED'].map((s) => ({ name: s.charAt(0) + s.slice(1).toLowerCase(), value: s })), default: 'FINISHED' }, query('state')],
					[{ displayName: 'Type', name: 'type', description: 'Only items of this kind: task runs, imports or downloads', type: 'options', options: [{ name: 'Download', value: 'download' }, { name: 'Import', value: 'import' }, { name: 'Task', value: 'task' }], default: 'task' }, query('type')],
				]),
			],
		}),
	],
};
