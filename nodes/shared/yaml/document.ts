/**
 * Entry point: one YAML document, with optional `%YAML`/`%TAG` directives,
 * `---` start and `...` end markers. A second document is rejected.
 */
import { parseBlockNode } from './blockStructure';
import { Composer, ParseYamlOptions } from './composer';
import { Cursor } from './cursor';
import { isImplicitKeyAt, isSequenceEntryAt } from './implicitKeys';

const MULTIPLE_DOCUMENTS_MESSAGE = 'Only one YAML document is supported';

/** True when a `---` or `...` marker (whichever is given) is at the cursor. */
function atMarker(cursor: Cursor, marker: '---' | '...'): boolean {
	return cursor.isDocumentMarker() && cursor.src.startsWith(marker, cursor.pos);
}

/** Reads `%YAML` and `%TAG` directives; returns true when there was at least one. */
function readDirectives(composer: Composer): boolean {
	const cursor = composer.cursor;
	let sawDirective = false;
	let sawYamlDirective = false;
	for (;;) {
		cursor.skipSpaceAndComments();
		if (cursor.peek() !== '%' || cursor.columnOf() !== 0) return sawDirective;
		const start = cursor.pos;
		cursor.skipToLineEnd();
		const line = cursor.src.slice(start, cursor.pos).replace(/[ \t]#.*$/, '');
		const [name, ...args] = line
			.slice(1)
			.trim()
			.split(/[ \t]+/);
		if (name === 'YAML') {
			if (sawYamlDirective) throw cursor.error('Repeated %YAML directive', start);
			if (args.length !== 1 || !/^1\.[0-9]+$/.test(args[0])) {
				throw cursor.error(`Unsupported YAML version: ${args.join(' ') || '(missing)'}`, start);
			}
			sawYamlDirective = true;
		} else if (name === 'TAG') {
			if (args.length !== 2 || !/^!(?:[0-9A-Za-z-]*!)?$/.test(args[0])) {
				throw cursor.error('Invalid %TAG directive: expected %TAG <handle> <prefix>', start);
			}
			composer.tagHandles.set(args[0], args[1]);
		}
		// Other directives are reserved; like other parsers we ignore them.
		sawDirective = true;
	}
}

/** The error for content left after the root node. */
function trailingContentError(cursor: Cursor, root: unknown): Error {
	if (typeof root === 'object' && root !== null && cursor.isFirstOnLine()) {
		if (isSequenceEntryAt(cursor.src, cursor.pos)) {
			return cursor.error('Bad indentation of a sequence entry');
		}
		if (isImplicitKeyAt(cursor.src, cursor.pos)) {
			return cursor.error('Bad indentation of a mapping entry');
		}
	}
	return cursor.error("Unexpected content after the document's root node");
}

/**
 * Parses one YAML 1.2 document (core schema) into plain JavaScript values:
 * objects, arrays, strings, numbers, booleans and null.
 *
 * @throws {YamlSyntaxError} with the 1-based line and column of the problem
 */
export function parseYaml(text: string, options: ParseYamlOptions = {}): unknown {
	const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
	const cursor = new Cursor(source);
	const composer = new Composer(cursor, options);

	const sawDirectives = readDirectives(composer);
	const explicitStart = atMarker(cursor, '---');
	if (explicitStart) {
		cursor.pos += 3;
	} else if (sawDirectives) {
		throw cursor.error("Directives must be followed by a '---' document start marker");
	}

	const root = parseBlockNode(composer, -1, 'document', explicitStart);

	cursor.skipSpaceAndComments();
	if (atMarker(cursor, '...')) {
		cursor.pos += 3;
		cursor.skipSpaceAndComments();
		if (!cursor.atEnd) throw cursor.error(MULTIPLE_DOCUMENTS_MESSAGE);
	} else if (atMarker(cursor, '---')) {
		throw cursor.error(MULTIPLE_DOCUMENTS_MESSAGE);
	} else if (!cursor.atEnd) {
		throw trailingContentError(cursor, root);
	}
	return root;
}
