/**
 * Look-ahead for block context: does the line at an offset start a block
 * sequence entry (`- `) or an implicit mapping entry (`key: `)? Implicit keys
 * must fit on one line, so the scan never passes a line break. Nothing is
 * consumed.
 */
import { isBlankOrEnd, isWhite } from './cursor';
import { canStartPlainScalar } from './plainScalars';

/** True when a block sequence entry indicator (`-` then a blank) is at `at`. */
export function isSequenceEntryAt(src: string, at: number): boolean {
	return src[at] === '-' && isBlankOrEnd(src[at + 1]);
}

/** True when a `:` at `at` is a mapping value indicator in block context. */
function isValueIndicatorAt(src: string, at: number): boolean {
	return src[at] === ':' && isBlankOrEnd(src[at + 1]);
}

/** Offset after a quoted scalar that starts at `at` and closes on the same line, or -1. */
function endOfQuotedOnLine(src: string, at: number): number {
	const quote = src[at];
	for (let p = at + 1; p < src.length && src[p] !== '\n'; p++) {
		if (quote === '"' && src[p] === '\\') {
			p++;
		} else if (src[p] === quote) {
			if (quote === "'" && src[p + 1] === "'") p++;
			else return p + 1;
		}
	}
	return -1;
}

/** Offset after a flow collection that starts at `at` and closes on the same line, or -1. */
function endOfFlowOnLine(src: string, at: number): number {
	let depth = 0;
	for (let p = at; p < src.length && src[p] !== '\n'; p++) {
		const ch = src[p];
		if (ch === '"' || ch === "'") {
			const end = endOfQuotedOnLine(src, p);
			if (end === -1) return -1;
			p = end - 1;
		} else if (ch === '[' || ch === '{') {
			depth++;
		} else if (ch === ']' || ch === '}') {
			depth--;
			if (depth === 0) return p + 1;
		}
	}
	return -1;
}

/** Offset after any tags and anchors at `at` (and the spaces after them). */
function skipProperties(src: string, at: number): number {
	let p = at;
	while (src[p] === '!' || src[p] === '&') {
		while (!isBlankOrEnd(src[p])) p++;
		while (isWhite(src[p])) p++;
	}
	return p;
}

/**
 * True when an implicit mapping entry starts at `at`: a key (plain, quoted,
 * alias or flow collection, optionally with properties) followed on the same
 * line by `:` and a blank.
 */
export function isImplicitKeyAt(src: string, at: number): boolean {
	let p = skipProperties(src, at);
	const ch = src[p];
	if (ch === '"' || ch === "'") {
		p = endOfQuotedOnLine(src, p);
	} else if (ch === '[' || ch === '{') {
		p = endOfFlowOnLine(src, p);
	} else if (ch === '*') {
		while (!isBlankOrEnd(src[p])) p++;
	} else {
		if (!canStartPlainScalar(src, p, false)) return false;
		for (; p < src.length && src[p] !== '\n'; p++) {
			if (isValueIndicatorAt(src, p)) return true;
			if (src[p] === '#' && isWhite(src[p - 1])) return false;
		}
		return false;
	}
	if (p === -1) return false;
	while (isWhite(src[p])) p++;
	return isValueIndicatorAt(src, p);
}
