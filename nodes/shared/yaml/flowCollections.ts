/**
 * Flow collections: `[a, b]` and `{a: 1, b: 2}`, nested freely, spanning
 * lines, with trailing commas, `{a, b}` entries without values and single
 * pairs inside sequences (`[a: 1]` → `[{a: 1}]`).
 */
import { Composer } from './composer';
import { describeChar, isBlankOrEnd, isFlowIndicator } from './cursor';
import { MappingBuilder } from './mappingBuilder';
import { NodeProperties, isPropertyStart } from './nodeProperties';
import { canStartPlainScalar, readPlainScalar } from './plainScalars';
import { readDoubleQuoted, readSingleQuoted } from './quotedScalars';

/** What the flow parser needs to know about the block around it. */
interface FlowContext {
	composer: Composer;
	/** Lines inside the collection must be indented more than this (-1 at top level). */
	blockIndent: number;
}

/** True when the next entry is a merge key `<<` written plain. */
function isMergeKeyAt(src: string, at: number): boolean {
	return src.startsWith('<<', at) && (src[at + 2] === ':' || isBlankOrEnd(src[at + 2]));
}

/**
 * Skips white space, comments and line breaks inside a flow collection and
 * checks the indentation of each new line.
 */
function skipFlowSpace(context: FlowContext, open: number, closer: string): void {
	const cursor = context.composer.cursor;
	const onNewLine = cursor.skipSpaceAndComments();
	if (!onNewLine || cursor.atEnd) return;
	if (cursor.isDocumentMarker()) throw unclosedError(context, open, closer);
	const ch = cursor.peek();
	const isCloser = ch === ']' || ch === '}';
	if (!isCloser && cursor.indentOf() <= context.blockIndent) {
		// Usually a forgotten closing bracket; otherwise the line needs more indentation.
		const { line, column } = cursor.positionOf(open);
		const kind = closer === ']' ? 'sequence' : 'mapping';
		throw cursor.error(
			`Flow ${kind} opened at line ${line}, column ${column} is not closed with '${closer}' before this less indented line`,
		);
	}
}

function unclosedError(context: FlowContext, open: number, closer: string): Error {
	const kind = closer === ']' ? 'sequence' : 'mapping';
	return context.composer.cursor.error(`Unclosed flow ${kind} (missing '${closer}')`, open);
}

/** True when a `:` at the cursor separates a key from its value. */
function atValueIndicator(context: FlowContext, afterJsonLikeKey: boolean): boolean {
	const cursor = context.composer.cursor;
	if (cursor.peek() !== ':') return false;
	const next = cursor.peek(1);
	// After "quoted" keys and collections the value may follow without a space ({"a":1}).
	return afterJsonLikeKey || isBlankOrEnd(next) || isFlowIndicator(next);
}

/** Parses a flow node: a flow collection, quoted or plain scalar, or alias, with properties. */
function parseFlowNode(context: FlowContext, open: number, closer: string): unknown {
	const { composer } = context;
	const cursor = composer.cursor;
	let props: NodeProperties | undefined;
	if (isPropertyStart(cursor)) {
		props = composer.readProperties();
		skipFlowSpace(context, open, closer);
		const ch = cursor.peek();
		if (
			ch === undefined ||
			ch === ',' ||
			ch === ']' ||
			ch === '}' ||
			atValueIndicator(context, false)
		) {
			return composer.emptyNode(props);
		}
	}

	const ch = cursor.peek();
	const minIndent = context.blockIndent + 1;
	switch (ch) {
		case '*':
			return composer.alias(props);
		case '[':
		case '{':
			return parseFlowCollection(composer, context.blockIndent, props);
		case '"':
			return composer.scalar(readDoubleQuoted(cursor, minIndent), 'quoted', props);
		case "'":
			return composer.scalar(readSingleQuoted(cursor, minIndent), 'quoted', props);
		case '|':
		case '>':
			throw cursor.error('Block scalars (| and >) are not allowed inside flow collections');
		case '?':
			if (isBlankOrEnd(cursor.peek(1))) {
				throw cursor.error("Explicit mapping keys ('? ') are not supported");
			}
			break;
		default:
			break;
	}
	if (ch === undefined) throw unclosedError(context, open, closer);
	if (!canStartPlainScalar(cursor.src, cursor.pos, true)) {
		throw cursor.error(
			`Unexpected ${describeChar(ch)} in flow ${closer === ']' ? 'sequence' : 'mapping'}`,
		);
	}
	const text = readPlainScalar(cursor, { flow: true, minIndent, singleLine: false });
	return composer.scalar(text, 'plain', props);
}

/** True for the nodes after which `:` may directly follow (quoted scalars, collections). */
function isJsonLikeStart(ch: string | undefined): boolean {
	return ch === '"' || ch === "'" || ch === '[' || ch === '{';
}

/**
 * Parses the rest of a `key: value` pair once the key is known; the cursor is
 * after the key. Without `:` the value is null (`{a, b}`).
 */
function parsePairValue(
	context: FlowContext,
	afterJsonLikeKey: boolean,
	open: number,
	closer: string,
): unknown {
	const { composer } = context;
	const cursor = composer.cursor;
	skipFlowSpace(context, open, closer);
	if (!atValueIndicator(context, afterJsonLikeKey)) return composer.emptyNode(undefined);
	cursor.pos++;
	skipFlowSpace(context, open, closer);
	const ch = cursor.peek();
	if (ch === ',' || ch === closer) return composer.emptyNode(undefined);
	return parseFlowNode(context, open, closer);
}

/** Rejects what cannot start an entry: a stray comma, `? ` or a missing key. */
function checkEntryStart(context: FlowContext, kind: string): void {
	const cursor = context.composer.cursor;
	const ch = cursor.peek();
	if (ch === ',') throw cursor.error(`Unexpected ',' in flow ${kind}: an entry is missing`);
	if (ch === '?' && isBlankOrEnd(cursor.peek(1))) {
		throw cursor.error("Explicit mapping keys ('? ') are not supported");
	}
	if (atValueIndicator(context, false)) throw cursor.error("Missing mapping key before ':'");
}

/** Moves past the `,` after an entry; returns true when the collection ends instead. */
function finishEntry(context: FlowContext, open: number, closer: string): boolean {
	const cursor = context.composer.cursor;
	skipFlowSpace(context, open, closer);
	const ch = cursor.peek();
	if (ch === ',') {
		cursor.pos++;
		return false;
	}
	if (ch === closer) return true;
	if (ch === undefined || cursor.isDocumentMarker()) throw unclosedError(context, open, closer);
	throw cursor.error(`Expected ',' or '${closer}' in flow collection, found ${describeChar(ch)}`);
}

function parseFlowSequence(context: FlowContext, props: NodeProperties | undefined): unknown[] {
	const { composer } = context;
	const cursor = composer.cursor;
	const open = cursor.pos;
	composer.checkCollectionTag(props, 'sequence');
	const node = composer.startNode(props);
	const items: unknown[] = [];
	cursor.pos++; // '['
	for (;;) {
		skipFlowSpace(context, open, ']');
		if (cursor.atEnd || cursor.isDocumentMarker()) throw unclosedError(context, open, ']');
		if (cursor.peek() === ']') break;
		checkEntryStart(context, 'sequence');

		const entryStart = cursor.pos;
		const jsonLike = isJsonLikeStart(cursor.peek());
		const entry = parseFlowNode(context, open, ']');
		skipFlowSpace(context, open, ']');
		if (atValueIndicator(context, jsonLike)) {
			// A single pair `[key: value]` is a one-entry mapping.
			const pair = new MappingBuilder();
			const pairNode = composer.startNode(undefined);
			const key = composer.propertyName(entry, entryStart);
			pair.set(key, parsePairValue(context, jsonLike, open, ']'));
			items.push(composer.finishNode(pairNode, pair.object));
		} else {
			items.push(entry);
		}
		if (finishEntry(context, open, ']')) break;
	}
	cursor.pos++; // ']'
	return composer.finishNode(node, items);
}

function parseFlowMapping(
	context: FlowContext,
	props: NodeProperties | undefined,
): Record<string, unknown> {
	const { composer } = context;
	const cursor = composer.cursor;
	const open = cursor.pos;
	composer.checkCollectionTag(props, 'mapping');
	const node = composer.startNode(props);
	const mapping = new MappingBuilder();
	cursor.pos++; // '{'
	for (;;) {
		skipFlowSpace(context, open, '}');
		if (cursor.atEnd || cursor.isDocumentMarker()) throw unclosedError(context, open, '}');
		if (cursor.peek() === '}') break;
		checkEntryStart(context, 'mapping');

		const keyStart = cursor.pos;
		const isMerge = isMergeKeyAt(cursor.src, keyStart);
		const jsonLike = isJsonLikeStart(cursor.peek());
		const key = composer.propertyName(parseFlowNode(context, open, '}'), keyStart);
		if (!isMerge && mapping.has(key)) {
			throw cursor.error(`Duplicate key ${JSON.stringify(key)}`, keyStart);
		}
		const value = parsePairValue(context, jsonLike, open, '}');
		if (!isMerge) {
			mapping.set(key, value);
		} else if (!mapping.merge(value)) {
			throw cursor.error(
				'The value of a merge key (<<) must be a mapping or a sequence of mappings',
				keyStart,
			);
		}
		if (finishEntry(context, open, '}')) break;
	}
	cursor.pos++; // '}'
	return composer.finishNode(node, mapping.object);
}

/**
 * Parses the flow collection at the cursor (on `[` or `{`).
 *
 * @param blockIndent indentation of the enclosing block collection (-1 at top level)
 */
export function parseFlowCollection(
	composer: Composer,
	blockIndent: number,
	props: NodeProperties | undefined,
): unknown {
	const context: FlowContext = { composer, blockIndent };
	return composer.cursor.peek() === '['
		? parseFlowSequence(context, props)
		: parseFlowMapping(context, props);
}
