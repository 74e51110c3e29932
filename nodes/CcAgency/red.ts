/**
 * Reading a RED document (JSON or YAML) and the checks worth making before it is sent: they
 * give errors that name the field, and they keep documents with unresolved secrets off the
 * wire (the agency would echo a rejected document, passwords included, in its error).
 */
import type { IDataObject } from 'n8n-workflow';
import { invalidParameter } from '../shared/errors';
import { YamlSyntaxError, parseYaml } from '../shared/yaml';

export type RedFormat = 'auto' | 'json' | 'yaml';

function lineAndColumn(text: string, position: number): string {
	const before = text.slice(0, position);
	const line = before.split('\n').length;
	const column = position - before.lastIndexOf('\n');
	return `line ${line}, column ${column}`;
}

function parseJson(text: string, field: string): unknown {
	try {
		return JSON.parse(text);
	} catch (error) {
		const message = (error as Error).message;
		const position = /position (\d+)/.exec(message);
		const where = position ? ` (${lineAndColumn(text, Number(position[1]))})` : '';
		return invalidParameter(
			field,
			`not valid JSON${where}: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
			'Fix the JSON syntax, or choose the YAML format if the document is YAML.',
		);
	}
}

function parseYamlText(text: string, field: string): unknown {
	try {
		return parseYaml(text);
	} catch (error) {
		const where = error instanceof YamlSyntaxError ? '' : ' (unexpected parser failure)';
		return invalidParameter(field, `not valid YAML${where}: ${(error as Error).message}`, 'Fix the YAML syntax at the line given.');
	}
}

/** Parses RED text; `auto` reads JSON when the text starts with `{`, YAML otherwise. */
export function parseRed(source: unknown, format: RedFormat, field: string): IDataObject {
	let value: unknown = source;
	if (typeof source === 'string') {
		const text = source.replace(/^\uFEFF/, '');
		if (text.trim() === '') invalidParameter(field, 'the document is empty', 'Paste a RED document or map one from a previous node.');
		const json = format === 'json' || (format === 'auto' && text.trim().startsWith('{'));
		value = json ? parseJson(text, field) : parseYamlText(text, field);
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		invalidParameter(field, 'a RED document must be an object (a mapping)', 'Start the document with keys such as redVersion, cli, inputs, outputs and container.');
	}
	return value as IDataObject;
}

/** `{{name}}` placeholders left in the document, with where they are. */
export function unresolvedVariables(value: unknown, path = ''): Array<{ name: string; path: string }> {
	if (typeof value === 'string') {
		return [...value.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => ({ name: m[1], path: path || '/' }));
	}
	if (Array.isArray(value)) return value.flatMap((v, i) => unresolvedVariables(v, `${path}/${i}`));
	if (value && typeof value === 'object')
		return Object.entries(value).flatMap(([k, v]) => unresolvedVariables(v, `${path}/${k}`));
	return [];
}

/** The checks CC-Agency makes that deserve a clearer message than the server's. */
export function checkRed(red: IDataObject, field: string): void {
	for (const key of ['redVersion', 'cli', 'container']) {
		if (red[key] === undefined)
			invalidParameter(field, `the RED document has no "${key}"`, `Add "${key}" at the top level of the document (see the RED format of your CC-Agency version).`);
	}
	const variables = unresolvedVariables(red);
	if (variables.length > 0) {
		const names = [...new Set(variables.map((v) => v.name))].join(', ');
		invalidParameter(
			field,
			`the RED document contains unresolved variables: ${names} (at ${variables.map((v) => v.path).join(', ')})`,
			'Replace each {{variable}} with its value before submitting, for example with an n8n expression that reads a credential-free input. CC-Agency refuses unresolved variables.',
		);
	}
	if (Array.isArray(red.batches)) {
		const missing = (red.batches as IDataObject[]).findIndex((b) => !b || typeof b !== 'object' || b.outputs === undefined);
		if (missing >= 0)
			invalidParameter(field, `batch ${missing} of the RED document has no "outputs"`, 'CC-Agency requires "outputs" in every batch; use "outputs": {} when a batch writes none.');
	} else if (red.outputs === undefined) {
		invalidParameter(field, 'the RED document has no "outputs"', 'CC-Agency requires "outputs"; add "outputs": {} when the experiment writes none.');
	}
	const settings = ((red.container as IDataObject | undefined)?.settings ?? {}) as IDataObject;
	if (settings.ram === undefined)
		invalidParameter(field, 'the RED document has no container.settings.ram', 'Add the memory the container needs in MB, at least 256, as container.settings.ram.');
}
