/**
 * Node properties: a tag (`!!str`, `!local`, `!e!suffix`, `!<verbatim>`)
 * and an anchor (`&name`) written before a node.
 */
import { STANDARD_TAG_PREFIX } from './coreSchema';
import { Cursor, isBlankOrEnd, isFlowIndicator } from './cursor';

export interface NodeProperties {
	/** Offset of the first property, for messages. */
	start: number;
	/** The tag, fully expanded (`tag:yaml.org,2002:str`, `!local`, or `!` for the non-specific tag). */
	tag?: string;
	tagAt?: number;
	anchor?: string;
	anchorAt?: number;
}

/** Tag handles known before any `%TAG` directive. */
export function defaultTagHandles(): Map<string, string> {
	return new Map([
		['!', '!'],
		['!!', STANDARD_TAG_PREFIX],
	]);
}

/** True when a tag or anchor starts at the cursor. */
export function isPropertyStart(cursor: Cursor): boolean {
	const ch = cursor.peek();
	return ch === '!' || ch === '&';
}

/** Reads characters up to white space, a line break, or (in flow context) a flow indicator. */
function readName(cursor: Cursor): string {
	const start = cursor.pos;
	while (!isBlankOrEnd(cursor.peek()) && !isFlowIndicator(cursor.peek())) cursor.pos++;
	return cursor.src.slice(start, cursor.pos);
}

/** Percent-decodes a tag suffix; keeps it unchanged when it is not valid. */
function decodeTagSuffix(suffix: string): string {
	try {
		return decodeURIComponent(suffix);
	} catch {
		return suffix;
	}
}

/** Reads one tag at the cursor (on `!`) and expands its handle. */
function readTag(cursor: Cursor, handles: ReadonlyMap<string, string>): string {
	const start = cursor.pos;
	cursor.pos++;
	if (cursor.peek() === '<') {
		const close = cursor.src.indexOf('>', cursor.pos);
		const lineEnd = cursor.src.indexOf('\n', cursor.pos);
		if (close === -1 || (lineEnd !== -1 && close > lineEnd)) {
			throw cursor.error("Unclosed verbatim tag (missing '>')", start);
		}
		const tag = cursor.src.slice(cursor.pos + 1, close);
		cursor.pos = close + 1;
		if (tag === '') throw cursor.error('Empty verbatim tag', start);
		return tag;
	}

	const token = `!${readName(cursor)}`;
	if (token === '!') return '!';
	const secondBang = token.indexOf('!', 1);
	const handle = secondBang === -1 ? '!' : token.slice(0, secondBang + 1);
	const suffix = secondBang === -1 ? token.slice(1) : token.slice(secondBang + 1);
	const prefix = handles.get(handle);
	if (prefix === undefined) {
		throw cursor.error(`Undeclared tag handle ${handle} (declare it with a %TAG directive)`, start);
	}
	if (suffix === '') throw cursor.error(`Tag ${token} has no name after its handle`, start);
	return prefix + decodeTagSuffix(suffix);
}

/**
 * Reads the tag and/or anchor at the cursor into `into` (or a new object).
 * Properties may be separated by spaces; the cursor ends after the last one.
 */
export function readProperties(
	cursor: Cursor,
	handles: ReadonlyMap<string, string>,
	into?: NodeProperties,
): NodeProperties {
	const props: NodeProperties = into ?? { start: cursor.pos };
	while (isPropertyStart(cursor)) {
		const at = cursor.pos;
		if (cursor.peek() === '!') {
			if (props.tag !== undefined) throw cursor.error('A node can have only one tag', at);
			props.tag = readTag(cursor, handles);
			props.tagAt = at;
		} else {
			if (props.anchor !== undefined) throw cursor.error('A node can have only one anchor', at);
			cursor.pos++;
			const name = readName(cursor);
			if (name === '') throw cursor.error('Anchor name is missing after &', at);
			props.anchor = name;
			props.anchorAt = at;
		}
		const next = cursor.peek();
		if (!isBlankOrEnd(next) && !isFlowIndicator(next)) {
			throw cursor.error('Expected white space after a tag or anchor');
		}
		cursor.skipInlineSpace();
	}
	return props;
}
