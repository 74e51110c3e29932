/**
 * The upload's optional inputs, read and checked before any request: relations (extra files
 * attached to a main file, B.6.6) and the JSON import template (from a binary field, typed in,
 * or generated).
 */
import type { IDataObject } from 'n8n-workflow';
import { bufferAsFile } from '../../../shared/binaryFiles';
import type { BinaryFile } from '../../../shared/binaryFiles';
import { invalidParameter } from '../../../shared/errors';
import { apiJson } from '../../../shared/transport';
import type { OperationContext, ParameterValues } from '../../../shared/types';
import { agora } from '../../platform';
import { generateTemplate, TEMPLATE_FILE_NAME } from './template';

const baseName = (path: string) => path.split('/').pop() ?? path;

/** A file named by the user: its exact target path, or a base name that only one file has. */
function findPath(name: string, paths: string[], field: string): string {
	const wanted = name.trim();
	if (paths.includes(wanted)) return wanted;
	const byBase = paths.filter((p) => baseName(p) === wanted);
	if (byBase.length === 1) return byBase[0];
	return invalidParameter(
		field,
		byBase.length ? `"${wanted}" matches several files (${byBase.join(', ')})` : `"${wanted}" is not one of the uploaded files`,
		`Use a target path of one uploaded file: ${paths.slice(0, 10).join(', ')}${paths.length > 10 ? ', …' : ''}.`,
	);
}

/** `{"main path": ["extra path", ...]}` for the completion, or undefined without relations. */
export function resolveRelations(params: ParameterValues, paths: string[]): IDataObject | undefined {
	const rows = (((params.relations ?? {}) as IDataObject).relation ?? []) as IDataObject[];
	if (rows.length === 0) return undefined;
	const relations: IDataObject = {};
	const used = new Set<string>();
	for (const row of rows) {
		const main = findPath(String(row.mainFile ?? ''), paths, 'Relations → Main File');
		const extras = String(row.extraFiles ?? '')
			.split(',')
			.map((name) => name.trim())
			.filter(Boolean)
			.map((name) => findPath(name, paths, 'Relations → Extra Files'));
		if (extras.length === 0) invalidParameter('Relations → Extra Files', `no extra files for "${main}"`, 'List the files to attach, separated by commas.');
		for (const path of [main, ...extras]) {
			if (used.has(path)) invalidParameter('Relations', `"${path}" appears in more than one relation`, 'Agora allows each file in only one relation; remove the duplicate.');
			used.add(path);
		}
		relations[main] = extras;
	}
	return relations;
}

function parseTemplate(value: unknown, field: string): IDataObject {
	if (value && typeof value === 'object' && !Array.isArray(value)) return value as IDataObject;
	try {
		const parsed = JSON.parse(String(value ?? ''));
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as IDataObject;
	} catch {
		// reported below
	}
	return invalidParameter(field, 'is not a JSON object', 'Enter the import template as JSON (see "JSON import template" in the README), or choose "Generate".');
}

/** Every file a template names must be among the uploaded files (compared by base name). */
function checkTemplateFiles(template: IDataObject, paths: string[], field: string): void {
	const names = new Set(paths.map(baseName));
	for (const dataset of (template.Datasets ?? []) as IDataObject[]) {
		for (const entry of (dataset.Files ?? []) as IDataObject[]) {
			const file = String(entry.File ?? '');
			if (!names.has(baseName(file))) invalidParameter(field, `the template names "${file}", which is not uploaded`, `Upload that file too, or fix the template. Uploaded: ${[...names].slice(0, 10).join(', ')}.`);
		}
	}
}

/** The template to upload with the data, as a file and its target path, or undefined. */
export async function templateFromParameters(op: OperationContext, paths: string[], examId: number | undefined): Promise<{ file: BinaryFile; path: string } | undefined> {
	const { ctx, itemIndex, params } = op;
	const source = String(params.templateSource ?? 'none');
	if (source === 'none') return undefined;
	let template: IDataObject;
	let path = TEMPLATE_FILE_NAME;
	if (source === 'binaryField') {
		const field = String(params.templateField ?? '').trim();
		let bytes: Buffer;
		try {
			bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, field);
			path = ctx.helpers.assertBinaryData(itemIndex, field).fileName ?? TEMPLATE_FILE_NAME;
		} catch {
			return invalidParameter('Template Binary Field', `input item ${itemIndex} has no binary field "${field}"`, 'Name the binary field that holds the JSON template file.');
		}
		template = parseTemplate(bytes.toString('utf8'), 'Template Binary Field');
	} else if (source === 'json') {
		template = parseTemplate(params.templateJson, 'Template JSON');
	} else {
		const overrides = params.templateOverrides ? parseTemplate(params.templateOverrides, 'Template Overrides') : undefined;
		const exam = examId ? await apiJson<IDataObject>(ctx, agora, { method: 'GET', path: `/api/v2/exam/${examId}/` }, itemIndex) : undefined;
		template = generateTemplate({ exam, files: paths.map(baseName), seriesName: String(params.templateSeriesName || 'n8n upload'), datasetType: String(params.templateDatasetType || 'OTHER'), overrides });
	}
	checkTemplateFiles(template, paths, source === 'generate' ? 'Template Overrides' : source === 'json' ? 'Template JSON' : 'Template Binary Field');
	if (paths.includes(path)) invalidParameter('Import Template', `a data file is also called "${path}"`, 'Rename the data file or the template file.');
	return { file: bufferAsFile(Buffer.from(JSON.stringify(template, null, 2)), path, 'application/json', itemIndex), path };
}
