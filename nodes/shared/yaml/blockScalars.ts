/**
 * Block scalars: literal `|` (line breaks kept) and folded `>` (line breaks
 * between ordinary lines become spaces), with the chomping indicators
 * `-` (strip the final line breaks), `+` (keep them) and the default "clip"
 * (exactly one final line break), and an optional explicit indentation
 * indicator `1`–`9`.
 */
import { Cursor } from './cursor';

type Chomping = 'clip' | 'strip' | 'keep';

interface BlockScalarHeader {
	folded: boolean;
	chomping: Chomping;
	/** 0 when the indentation is to be detected from the first content line. */
	explicitIndent: number;
}

/** Reads `|` or `>` and its indicators and comment, up to the line break. */
function readHeader(cursor: Cursor): BlockScalarHeader {
	const src = cursor.src;
	const header: BlockScalarHeader = {
		folded: src[cursor.pos] === '>',
		chomping: 'clip',
		explicitIndent: 0,
	};
	cursor.pos++;
	let sawChomping = false;
	for (;;) {
		const ch = src[cursor.pos];
		if (ch === '-' || ch === '+') {
			if (sawChomping) throw cursor.error('Repeated chomping indicator in block scalar header');
			sawChomping = true;
			header.chomping = ch === '-' ? 'strip' : 'keep';
		} else if (ch !== undefined && ch >= '1' && ch <= '9') {
			if (header.explicitIndent) {
				throw cursor.error('Repeated indentation indicator in block scalar header');
			}
			header.explicitIndent = Number(ch);
		} else {
			break;
		}
		cursor.pos++;
	}
	cursor.skipInlineSpace();
	if (cursor.isCommentStart()) cursor.skipToLineEnd();
	if (!cursor.atEnd && cursor.peek() !== '\n') {
		throw cursor.error('Unexpected characters after block scalar header');
	}
	return header;
}

/**
 * Finds the content indentation from the first non-empty line starting at
 * `from` (the start of the line after the header).
 *
 * @returns the indentation, or -1 when no line belongs to the scalar's content
 */
function detectIndent(cursor: Cursor, from: number, parentIndent: number): number {
	const src = cursor.src;
	let p = from;
	let widestEmptyLine = 0;
	let widestEmptyLineAt = from;
	while (p < src.length) {
		const lineStart = p;
		while (src[p] === ' ') p++;
		if (src[p] === '\n' || p >= src.length) {
			if (p - lineStart > widestEmptyLine) {
				widestEmptyLine = p - lineStart;
				widestEmptyLineAt = p;
			}
			p++;
			continue;
		}
		const indent = p - lineStart;
		if (indent <= parentIndent) return -1;
		if (widestEmptyLine > indent) {
			throw cursor.error(
				'Block scalars with more-indented leading empty lines must use an explicit indentation indicator',
				widestEmptyLineAt,
			);
		}
		return indent;
	}
	return -1;
}

/** Joins content lines (`null` = empty line) the way literal or folded scalars do. */
function joinLines(lines: Array<string | null>, folded: boolean, chomping: Chomping): string {
	let out = '';
	let emptyLines = 0;
	let sawContent = false;
	let previousWasMoreIndented = false;

	for (const line of lines) {
		if (line === null) {
			emptyLines++;
			continue;
		}
		if (!folded) {
			out += '\n'.repeat(sawContent ? emptyLines + 1 : emptyLines);
		} else if (line.startsWith(' ') || line.startsWith('\t')) {
			// "More indented" lines keep the line breaks around them.
			out += '\n'.repeat(sawContent ? emptyLines + 1 : emptyLines);
			previousWasMoreIndented = true;
		} else if (previousWasMoreIndented) {
			out += '\n'.repeat(emptyLines + 1);
			previousWasMoreIndented = false;
		} else if (emptyLines === 0) {
			if (sawContent) out += ' ';
		} else {
			out += '\n'.repeat(emptyLines);
		}
		out += line;
		sawContent = true;
		emptyLines = 0;
	}

	if (chomping === 'keep') return out + '\n'.repeat(sawContent ? emptyLines + 1 : emptyLines);
	if (chomping === 'clip' && sawContent) return `${out}\n`;
	return out;
}

/**
 * Reads a block scalar whose header (`|` or `>`) is at the cursor. The cursor
 * ends at the start of the first line that is not part of the scalar.
 *
 * @param parentIndent indentation of the collection that holds the scalar (-1 at top level)
 */
export function readBlockScalar(cursor: Cursor, parentIndent: number): string {
	const src = cursor.src;
	const header = readHeader(cursor);
	const firstLine = cursor.pos + 1;

	const indent = header.explicitIndent
		? Math.max(parentIndent, 0) + header.explicitIndent
		: detectIndent(cursor, firstLine, parentIndent);

	const lines: Array<string | null> = [];
	let p = firstLine;
	while (p < src.length) {
		const lineStart = p;
		while (src[p] === ' ' && (indent < 0 || p - lineStart < indent)) p++;
		if (src[p] === '\n' || p >= src.length) {
			lines.push(null); // an empty line
			p++;
			continue;
		}
		if (
			indent < 0 ||
			p - lineStart < indent ||
			(indent === 0 && cursor.isDocumentMarker(lineStart))
		) {
			p = lineStart; // a less indented line ends the scalar
			break;
		}
		const end = src.indexOf('\n', p);
		lines.push(src.slice(p, end === -1 ? src.length : end));
		p = end === -1 ? src.length : end + 1;
	}
	cursor.pos = Math.min(p, src.length);
	return joinLines(lines, header.folded, header.chomping);
}
