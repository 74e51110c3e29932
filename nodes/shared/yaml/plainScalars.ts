/**
 * Plain (unquoted) scalars. They end at `: `, at ` #`, at a line that is not
 * indented enough, and inside flow collections also at `,[]{}`. Lines of a
 * multi-line plain scalar are folded: one line break becomes a space, each
 * empty line becomes `\n`.
 */
import { Cursor, isBlankOrEnd, isFlowIndicator, isWhite } from './cursor';

export interface PlainScalarContext {
	/** Inside a flow collection. */
	flow: boolean;
	/** Least indentation a continuation line needs. */
	minIndent: number;
	/** Implicit keys must fit on one line. */
	singleLine: boolean;
	/**
	 * Block context only: returns true when the line whose content starts at
	 * the offset must not continue the scalar (it looks like a mapping entry).
	 */
	isStructuralLine?: (contentStart: number) => boolean;
}

/** Indicator characters that can never start a plain scalar. */
const NEVER_START = new Set([
	',',
	'[',
	']',
	'{',
	'}',
	'#',
	'&',
	'*',
	'!',
	'|',
	'>',
	"'",
	'"',
	'%',
	'@',
	'`',
]);

/** True when a `:` at `at` ends the scalar (it is followed by a blank, or a flow indicator in flow context). */
function isValueIndicator(src: string, at: number, flow: boolean): boolean {
	const next = src[at + 1];
	return isBlankOrEnd(next) || (flow && isFlowIndicator(next));
}

/** Whether a plain scalar may start at `at`. */
export function canStartPlainScalar(src: string, at: number, flow: boolean): boolean {
	const ch = src[at];
	if (isBlankOrEnd(ch) || NEVER_START.has(ch)) return false;
	if (ch === '-' || ch === '?' || ch === ':') {
		// Allowed when followed by a "safe" character, as in `-1`, `?x`, `::`.
		const next = src[at + 1];
		return !isBlankOrEnd(next) && !(flow && isFlowIndicator(next));
	}
	return true;
}

/** Reads the part of a plain scalar on one line; returns where its text ends and whether the scalar ends there. */
function readLineSegment(
	src: string,
	from: number,
	flow: boolean,
): { textEnd: number; stoppedAt: number; scalarEnds: boolean } {
	let p = from;
	let textEnd = from;
	while (p < src.length) {
		const ch = src[p];
		if (ch === '\n') return { textEnd, stoppedAt: p, scalarEnds: false };
		if (ch === ':' && isValueIndicator(src, p, flow)) break;
		if (ch === '#' && (p === 0 || isBlankOrEnd(src[p - 1]))) break;
		if (flow && isFlowIndicator(ch)) break;
		p++;
		if (!isWhite(ch)) textEnd = p;
	}
	return { textEnd, stoppedAt: p, scalarEnds: p < src.length };
}

/**
 * Looks past the line break at `at` for the line that would continue the
 * scalar.
 *
 * @returns where the continuation's content starts and how many empty lines lie before it,
 *   or `undefined` when the scalar ends here
 */
function findContinuation(
	cursor: Cursor,
	at: number,
	context: PlainScalarContext,
): { contentStart: number; emptyLines: number } | undefined {
	const src = cursor.src;
	let p = at;
	let emptyLines = 0;
	for (;;) {
		p++; // past the '\n'
		const lineStart = p;
		while (isWhite(src[p])) p++;
		if (src[p] === '\n') {
			emptyLines++;
			continue;
		}
		if (p >= src.length) return undefined;
		if (cursor.isDocumentMarker(lineStart)) return undefined;
		if (cursor.indentOf(lineStart) < context.minIndent) return undefined;
		const ch = src[p];
		// A comment ends a plain scalar: it cannot continue after one.
		if (ch === '#') return undefined;
		if (ch === ':' && isValueIndicator(src, p, context.flow)) return undefined;
		if (context.flow && isFlowIndicator(ch)) return undefined;
		if (!context.flow && context.isStructuralLine?.(p)) return undefined;
		return { contentStart: p, emptyLines };
	}
}

/**
 * Reads a plain scalar at the cursor (the caller checked
 * {@link canStartPlainScalar}). The cursor ends right after the scalar's
 * last non-blank character.
 */
export function readPlainScalar(cursor: Cursor, context: PlainScalarContext): string {
	const src = cursor.src;
	let out = '';
	let segmentStart = cursor.pos;
	for (;;) {
		const segment = readLineSegment(src, segmentStart, context.flow);
		out += src.slice(segmentStart, segment.textEnd);
		cursor.pos = segment.textEnd;
		if (segment.scalarEnds || context.singleLine || segment.stoppedAt >= src.length) return out;

		const next = findContinuation(cursor, segment.stoppedAt, context);
		if (next === undefined) return out;
		out += next.emptyLines === 0 ? ' ' : '\n'.repeat(next.emptyLines);
		segmentStart = next.contentStart;
	}
}
