/**
 * Block structure: mappings and sequences laid out by indentation, and the
 * nodes inside them. Indentation is the column of a line's first content
 * character; only spaces may be used for it.
 *
 * Every function starts with the cursor on the node's first character and
 * leaves it at the start of whatever follows (usually the next line's content).
 */
import { readBlockScalar } from './blockScalars';
import { Composer } from './composer';
import { describeChar, isBlankOrEnd } from './cursor';
import { parseFlowCollection } from './flowCollections';
import { isImplicitKeyAt, isSequenceEntryAt } from './implicitKeys';
import { MappingBuilder } from './mappingBuilder';
import { NodeProperties, isPropertyStart } from './nodeProperties';
import { canStartPlainScalar, readPlainScalar } from './plainScalars';
import { readDoubleQuoted, readSingleQuoted } from './quotedScalars';

/** Where a block node sits; it decides which compact forms are allowed. */
export type BlockNodeRole = 'document' | 'sequence-entry' | 'mapping-value';

const TAB_INDENT_MESSAGE = 'Tabs are not allowed for indentation; use spaces';

/** Throws when the line of the cursor is indented with a tab (where indentation matters). */
function rejectTabIndentation(composer: Composer): void {
	const tab = composer.cursor.leadingTabOf();
	if (tab !== -1) throw composer.cursor.error(TAB_INDENT_MESSAGE, tab);
}

/**
 * True when a node that would start on a new line at the cursor is empty
 * because the line does not belong to it (not indented enough, or the end).
 */
function isEmptyNodeAt(composer: Composer, parentIndent: number, role: BlockNodeRole): boolean {
	const cursor = composer.cursor;
	if (cursor.atEnd || cursor.isDocumentMarker()) return true;
	const column = cursor.columnOf();
	if (column > parentIndent) return false;
	// `key:` followed by `- item` lines at the key's own indentation.
	return !(
		column === parentIndent &&
		role === 'mapping-value' &&
		isSequenceEntryAt(cursor.src, cursor.pos)
	);
}

/** Reads the key of a block mapping entry; the cursor ends on the `:`. */
function readBlockKey(
	composer: Composer,
	props: NodeProperties | undefined,
): { key: string; isMerge: boolean } {
	const cursor = composer.cursor;
	const start = cursor.pos;
	const ch = cursor.peek();
	let key: unknown;
	let isMerge = false;
	if (ch === '"') {
		key = composer.scalar(readDoubleQuoted(cursor, 0), 'quoted', props);
	} else if (ch === "'") {
		key = composer.scalar(readSingleQuoted(cursor, 0), 'quoted', props);
	} else if (ch === '*') {
		key = composer.alias(props);
	} else if (ch === '[' || ch === '{') {
		throw cursor.error('Mappings and sequences cannot be used as mapping keys');
	} else {
		const text = readPlainScalar(cursor, { flow: false, minIndent: 0, singleLine: true });
		isMerge = text === '<<' && props === undefined;
		key = composer.scalar(text, 'plain', props);
	}
	cursor.skipInlineSpace();
	return { key: composer.propertyName(key, start), isMerge };
}

/**
 * Parses a block mapping whose first entry starts at the cursor, in column
 * `indent`.
 *
 * @param props the mapping's own tag/anchor (written on an earlier line)
 * @param firstKeyProps tag/anchor already read on the first key's line; they belong to that key
 */
function parseBlockMapping(
	composer: Composer,
	indent: number,
	props: NodeProperties | undefined,
	firstKeyProps: NodeProperties | undefined,
): Record<string, unknown> {
	const cursor = composer.cursor;
	composer.checkCollectionTag(props, 'mapping');
	const node = composer.startNode(props);
	const mapping = new MappingBuilder();
	let keyProps = firstKeyProps;

	for (;;) {
		const entryStart = keyProps?.start ?? cursor.pos;
		if (cursor.peek() === '?' && isBlankOrEnd(cursor.peek(1))) {
			throw cursor.error("Explicit mapping keys ('? ') are not supported");
		}
		if (isSequenceEntryAt(cursor.src, cursor.pos)) {
			throw cursor.error(
				'A block sequence entry is not allowed here: a mapping entry (key: value) is expected',
			);
		}
		if (keyProps === undefined && isPropertyStart(cursor)) keyProps = composer.readProperties();
		if (cursor.peek() === ':' && isBlankOrEnd(cursor.peek(1))) {
			throw cursor.error("Missing mapping key before ':'");
		}
		if (!isImplicitKeyAt(cursor.src, cursor.pos)) {
			throw cursor.error('Expected a mapping entry (key: value)', entryStart);
		}

		const keyStart = cursor.pos;
		const { key, isMerge } = readBlockKey(composer, keyProps);
		if (!isMerge && mapping.has(key)) {
			throw cursor.error(`Duplicate key ${JSON.stringify(key)}`, keyStart);
		}
		cursor.pos++; // ':'
		const value = parseBlockNode(composer, indent, 'mapping-value', true);
		if (!isMerge) {
			mapping.set(key, value);
		} else if (!mapping.merge(value)) {
			throw cursor.error(
				'The value of a merge key (<<) must be a mapping or a sequence of mappings',
				keyStart,
			);
		}
		keyProps = undefined;

		// Find the next entry.
		cursor.skipSpaceAndComments();
		if (cursor.atEnd || cursor.isDocumentMarker()) break;
		if (!cursor.isFirstOnLine()) {
			throw cursor.error(`Unexpected ${describeChar(cursor.peek())} after a mapping value`);
		}
		rejectTabIndentation(composer);
		const column = cursor.columnOf();
		if (column < indent) break;
		if (column > indent) throw cursor.error('Bad indentation of a mapping entry');
	}
	return composer.finishNode(node, mapping.object);
}

/**
 * Parses a block sequence whose first `-` is at the cursor, in column `indent`.
 *
 * @param isMappingValueAtKeyIndent true for `key:` followed by `- item` at the key's own indentation;
 *   the sequence then ends quietly at the next key
 */
function parseBlockSequence(
	composer: Composer,
	indent: number,
	props: NodeProperties | undefined,
	isMappingValueAtKeyIndent: boolean,
): unknown[] {
	const cursor = composer.cursor;
	composer.checkCollectionTag(props, 'sequence');
	const node = composer.startNode(props);
	const items: unknown[] = [];

	for (;;) {
		cursor.pos++; // '-'
		items.push(parseBlockNode(composer, indent, 'sequence-entry', true));

		// Find the next entry.
		cursor.skipSpaceAndComments();
		if (cursor.atEnd || cursor.isDocumentMarker()) break;
		if (!cursor.isFirstOnLine()) {
			throw cursor.error(`Unexpected ${describeChar(cursor.peek())} after a sequence entry`);
		}
		rejectTabIndentation(composer);
		const column = cursor.columnOf();
		if (column < indent) break;
		if (column > indent) throw cursor.error('Bad indentation of a sequence entry');
		if (!isSequenceEntryAt(cursor.src, cursor.pos)) {
			if (isMappingValueAtKeyIndent) break;
			throw cursor.error(
				isImplicitKeyAt(cursor.src, cursor.pos)
					? "A mapping entry is not allowed here: a sequence entry ('- ') is expected"
					: "Expected a sequence entry ('- ')",
			);
		}
	}
	return composer.finishNode(node, items);
}

/**
 * Parses a node that does not open a block collection: a flow collection,
 * quoted, plain or block scalar, or an alias.
 */
function parseInlineNode(
	composer: Composer,
	parentIndent: number,
	props: NodeProperties | undefined,
): unknown {
	const cursor = composer.cursor;
	const ch = cursor.peek();
	switch (ch) {
		case '*':
			return composer.alias(props);
		case '[':
		case '{':
			return parseFlowCollection(composer, parentIndent, props);
		case '"':
			return composer.scalar(readDoubleQuoted(cursor, parentIndent + 1), 'quoted', props);
		case "'":
			return composer.scalar(readSingleQuoted(cursor, parentIndent + 1), 'quoted', props);
		case '|':
		case '>':
			return composer.scalar(readBlockScalar(cursor, parentIndent), 'block', props);
		default:
			break;
	}
	if (canStartPlainScalar(cursor.src, cursor.pos, false)) {
		const text = readPlainScalar(cursor, {
			flow: false,
			minIndent: parentIndent + 1,
			singleLine: false,
			// A plain scalar never continues onto a `key: value` line; ending it there gives a clearer error.
			isStructuralLine: (at) => isImplicitKeyAt(cursor.src, at),
		});
		return composer.scalar(text, 'plain', props);
	}
	if (ch === '?' && isBlankOrEnd(cursor.peek(1))) {
		throw cursor.error("Explicit mapping keys ('? ') are not supported");
	}
	if (ch === ':') throw cursor.error("Missing mapping key before ':'");
	if (ch === '@' || ch === '`') {
		throw cursor.error(
			`The reserved character ${describeChar(ch)} cannot start a plain scalar; quote the value`,
		);
	}
	throw cursor.error(`Unexpected ${describeChar(ch)}`);
}

/**
 * Parses the node after an indicator (`- `, `key:`, `---`) or at the start of
 * a document.
 *
 * @param parentIndent column of the enclosing collection (-1 for the document)
 * @param role what holds the node
 * @param afterIndicator the cursor is right after an indicator on the same line
 */
export function parseBlockNode(
	composer: Composer,
	parentIndent: number,
	role: BlockNodeRole,
	afterIndicator: boolean,
): unknown {
	const cursor = composer.cursor;
	cursor.skipSpaceAndComments();
	if (cursor.atEnd) return composer.emptyNode(undefined);
	let sameLine = afterIndicator && !cursor.isFirstOnLine();
	if (!sameLine && isEmptyNodeAt(composer, parentIndent, role)) {
		return composer.emptyNode(undefined);
	}

	// Tags and anchors.
	let props: NodeProperties | undefined;
	while (isPropertyStart(cursor)) {
		const propsStart = cursor.pos;
		props = composer.readProperties(props);
		cursor.skipSpaceAndComments();
		if (cursor.atEnd || cursor.lineStartOf() > propsStart) {
			// The content, if any, is on a later line: the properties belong to the whole node.
			if (cursor.atEnd || isEmptyNodeAt(composer, parentIndent, role)) {
				return composer.emptyNode(props);
			}
			sameLine = false;
		} else if (isImplicitKeyAt(cursor.src, cursor.pos)) {
			// `&a key: value`: the properties belong to the key of a mapping starting here.
			if (sameLine && role !== 'sequence-entry') {
				throw compactMappingError(composer, role, props.start);
			}
			rejectTabIndentation(composer);
			return parseBlockMapping(composer, cursor.columnOf(props.start), undefined, props);
		}
	}

	const column = cursor.columnOf();
	const startsSequence = isSequenceEntryAt(cursor.src, cursor.pos);
	const startsMapping = !startsSequence && isImplicitKeyAt(cursor.src, cursor.pos);

	if (sameLine) {
		// Only a sequence entry may hold a compact collection on its own line (`- - a`, `- a: 1`).
		if (startsSequence) {
			if (role !== 'sequence-entry') {
				throw cursor.error(
					role === 'mapping-value'
						? 'A block sequence cannot start on the same line as its mapping key'
						: "A block sequence cannot start on the same line as '---'",
				);
			}
			if (props !== undefined) {
				throw cursor.error(
					'Properties of a block sequence must be on the line before it',
					props.start,
				);
			}
			return parseBlockSequence(composer, column, undefined, false);
		}
		if (startsMapping) {
			if (role !== 'sequence-entry') throw compactMappingError(composer, role, cursor.pos);
			return parseBlockMapping(composer, column, undefined, undefined);
		}
		return parseInlineNode(composer, parentIndent, props);
	}

	// The content starts a line of its own.
	if (startsSequence || startsMapping) {
		rejectTabIndentation(composer);
		return startsSequence
			? parseBlockSequence(composer, column, props, column === parentIndent)
			: parseBlockMapping(composer, column, props, undefined);
	}
	const tab = cursor.leadingTabOf();
	if (tab !== -1 && tab - cursor.lineStartOf() <= Math.max(parentIndent, 0)) {
		throw cursor.error(TAB_INDENT_MESSAGE, tab);
	}
	return parseInlineNode(composer, parentIndent, props);
}

function compactMappingError(composer: Composer, role: BlockNodeRole, at: number): Error {
	return composer.cursor.error(
		role === 'mapping-value'
			? 'A block mapping cannot start on the same line as its parent key (is a quote or a line break missing?)'
			: "A block mapping cannot start on the same line as '---'",
		at,
	);
}
