/**
 * Single- and double-quoted scalars, including line folding (a single line
 * break becomes a space, each empty line becomes `\n`) and the
 * double-quoted escape sequences.
 */
import { Cursor, isWhite } from './cursor';

/** Single-character escapes of double-quoted scalars. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
	'0': '\0',
	a: '\x07',
	b: '\b',
	t: '\t',
	'\t': '\t',
	n: '\n',
	v: '\v',
	f: '\f',
	r: '\r',
	e: '\x1b',
	' ': ' ',
	'"': '"',
	'/': '/',
	'\\': '\\',
	N: '\u0085',
	_: '\u00a0',
	L: '\u2028',
	P: '\u2029',
};

/** Number of hex digits after `\x`, `\u` and `\U`. */
const HEX_ESCAPE_LENGTHS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

const HEX_RE = /^[0-9a-fA-F]+$/;

/**
 * Reads the line breaks that start at `at` (which holds `\n`) and the white
 * space that starts the next content line.
 *
 * @returns how many empty lines were crossed and where the content resumes
 */
function readLineBreaks(
	cursor: Cursor,
	at: number,
	minIndent: number,
	openQuote: number,
	quoteName: string,
): { emptyLines: number; next: number } {
	const src = cursor.src;
	let emptyLines = 0;
	let p = at;
	for (;;) {
		p++; // past the '\n'
		const lineStart = p;
		while (isWhite(src[p])) p++;
		if (src[p] === '\n') {
			emptyLines++;
			continue;
		}
		// A continuation line must not be a document marker nor be under-indented.
		const indent = cursor.indentOf(p);
		if (p >= src.length || cursor.isDocumentMarker(lineStart) || indent < minIndent) {
			throw cursor.error(`Unclosed ${quoteName} scalar (missing closing quote)`, openQuote);
		}
		return { emptyLines, next: p };
	}
}

/**
 * Reads a double-quoted scalar starting at the cursor (which is on `"`).
 *
 * @param minIndent least indentation of continuation lines (block context)
 */
export function readDoubleQuoted(cursor: Cursor, minIndent: number): string {
	const src = cursor.src;
	const open = cursor.pos;
	let p = open + 1;
	let out = '';
	// White space is held back: it is dropped when a line break follows.
	let pendingWhite = '';

	for (;;) {
		const ch = src[p];
		if (ch === undefined) {
			throw cursor.error('Unclosed double-quoted scalar (missing closing quote)', open);
		}
		if (ch === '"') {
			out += pendingWhite;
			p++;
			break;
		}
		if (ch === ' ' || ch === '\t') {
			pendingWhite += ch;
			p++;
			continue;
		}
		if (ch === '\n') {
			const folded = readLineBreaks(cursor, p, minIndent, open, 'double-quoted');
			out += folded.emptyLines === 0 ? ' ' : '\n'.repeat(folded.emptyLines);
			pendingWhite = '';
			p = folded.next;
			continue;
		}
		out += pendingWhite;
		pendingWhite = '';
		if (ch !== '\\') {
			out += ch;
			p++;
			continue;
		}

		// An escape sequence.
		const code = src[p + 1];
		if (code === '\n') {
			// Escaped line break: joins the lines without a space; empty lines still count.
			const folded = readLineBreaks(cursor, p + 1, minIndent, open, 'double-quoted');
			out += '\n'.repeat(folded.emptyLines);
			p = folded.next;
		} else if (code !== undefined && Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, code)) {
			out += SIMPLE_ESCAPES[code];
			p += 2;
		} else if (
			code !== undefined &&
			Object.prototype.hasOwnProperty.call(HEX_ESCAPE_LENGTHS, code)
		) {
			const length = HEX_ESCAPE_LENGTHS[code];
			const hex = src.slice(p + 2, p + 2 + length);
			if (hex.length !== length || !HEX_RE.test(hex)) {
				throw cursor.error(`Invalid escape sequence \\${code}: expected ${length} hex digits`, p);
			}
			const codePoint = parseInt(hex, 16);
			if (codePoint > 0x10ffff) {
				throw cursor.error(`Invalid escape sequence \\${code}${hex}: not a Unicode code point`, p);
			}
			out += String.fromCodePoint(codePoint);
			p += 2 + length;
		} else {
			throw cursor.error(`Invalid escape sequence \\${code ?? ''}`, p);
		}
	}
	cursor.pos = p;
	return out;
}

/**
 * Reads a single-quoted scalar starting at the cursor (which is on `'`).
 * The only escape is `''` for a quote.
 *
 * @param minIndent least indentation of continuation lines (block context)
 */
export function readSingleQuoted(cursor: Cursor, minIndent: number): string {
	const src = cursor.src;
	const open = cursor.pos;
	let p = open + 1;
	let out = '';
	let pendingWhite = '';

	for (;;) {
		const ch = src[p];
		if (ch === undefined) {
			throw cursor.error('Unclosed single-quoted scalar (missing closing quote)', open);
		}
		if (ch === "'") {
			out += pendingWhite;
			pendingWhite = '';
			if (src[p + 1] === "'") {
				out += "'";
				p += 2;
				continue;
			}
			p++;
			break;
		}
		if (ch === ' ' || ch === '\t') {
			pendingWhite += ch;
			p++;
			continue;
		}
		if (ch === '\n') {
			const folded = readLineBreaks(cursor, p, minIndent, open, 'single-quoted');
			out += folded.emptyLines === 0 ? ' ' : '\n'.repeat(folded.emptyLines);
			pendingWhite = '';
			p = folded.next;
			continue;
		}
		out += pendingWhite + ch;
		pendingWhite = '';
		p++;
	}
	cursor.pos = p;
	return out;
}
