/**
 * A read position in the YAML source plus the character classes the parser
 * needs. Line breaks are normalised to `\n` before parsing, so a line is
 * always the text between two `\n` characters.
 *
 * Line and column numbers are only computed when an error is reported; the
 * parser itself works with plain string offsets.
 */
import { YamlSyntaxError } from './errors';

/** Space or tab: YAML's "white space". */
export function isWhite(ch: string | undefined): boolean {
	return ch === ' ' || ch === '\t';
}

/** White space, a line break, or the end of the input. */
export function isBlankOrEnd(ch: string | undefined): boolean {
	return ch === undefined || ch === ' ' || ch === '\t' || ch === '\n';
}

/** The characters that structure flow collections. */
export function isFlowIndicator(ch: string | undefined): boolean {
	return ch === ',' || ch === '[' || ch === ']' || ch === '{' || ch === '}';
}

export class Cursor {
	/** Current offset into `src`. */
	pos = 0;

	constructor(readonly src: string) {}

	/** The character at `pos + offset`, or `undefined` past the end. */
	peek(offset = 0): string | undefined {
		return this.src[this.pos + offset];
	}

	get atEnd(): boolean {
		return this.pos >= this.src.length;
	}

	/** Offset of the first character of the line containing `at`. */
	lineStartOf(at: number = this.pos): number {
		return this.src.lastIndexOf('\n', at - 1) + 1;
	}

	/** 0-based column of `at` (also the indentation when `at` is a line's first content). */
	columnOf(at: number = this.pos): number {
		return at - this.lineStartOf(at);
	}

	/** True when only white space precedes `at` on its line. */
	isFirstOnLine(at: number = this.pos): boolean {
		for (let i = this.lineStartOf(at); i < at; i++) {
			if (!isWhite(this.src[i])) return false;
		}
		return true;
	}

	/**
	 * Offset of the first tab in the white space that starts the line of
	 * `at`, or -1. Used to reject tabs used as indentation.
	 */
	leadingTabOf(at: number = this.pos): number {
		for (let i = this.lineStartOf(at); i < at; i++) {
			if (this.src[i] === '\t') return i;
			if (this.src[i] !== ' ') return -1;
		}
		return -1;
	}

	/** Number of spaces that start the line of `at`. */
	indentOf(at: number = this.pos): number {
		let i = this.lineStartOf(at);
		const start = i;
		while (this.src[i] === ' ') i++;
		return i - start;
	}

	/** True when `at` starts a `---` or `...` marker at column 0. */
	isDocumentMarker(at: number = this.pos): boolean {
		if (at !== 0 && this.src[at - 1] !== '\n') return false;
		const marker = this.src.slice(at, at + 3);
		return (marker === '---' || marker === '...') && isBlankOrEnd(this.src[at + 3]);
	}

	/** True when `at` holds a `#` that starts a comment (it must follow white space). */
	isCommentStart(at: number = this.pos): boolean {
		if (this.src[at] !== '#') return false;
		const before = this.src[at - 1];
		return before === undefined || before === ' ' || before === '\t' || before === '\n';
	}

	/** Skips spaces and tabs on the current line. */
	skipInlineSpace(): void {
		while (isWhite(this.src[this.pos])) this.pos++;
	}

	/** Moves to the line break (or end of input) that ends the current line. */
	skipToLineEnd(): void {
		const end = this.src.indexOf('\n', this.pos);
		this.pos = end === -1 ? this.src.length : end;
	}

	/**
	 * Skips white space, comments and line breaks. Stops at the first
	 * character of content, at a document marker, or at the end.
	 *
	 * @returns true when at least one line break was skipped
	 */
	skipSpaceAndComments(): boolean {
		const src = this.src;
		let crossedLineBreak = false;
		for (;;) {
			const ch = src[this.pos];
			if (ch === ' ' || ch === '\t') {
				this.pos++;
			} else if (ch === '\n') {
				crossedLineBreak = true;
				this.pos++;
			} else if (ch === '#' && this.isCommentStart()) {
				this.skipToLineEnd();
			} else {
				return crossedLineBreak;
			}
		}
	}

	/** 1-based line and column of an offset. */
	positionOf(at: number): { line: number; column: number } {
		let line = 1;
		for (let i = this.src.indexOf('\n'); i !== -1 && i < at; i = this.src.indexOf('\n', i + 1)) {
			line++;
		}
		return { line, column: this.columnOf(at) + 1 };
	}

	/** Builds (does not throw) a syntax error located at `at` (default: the current position). */
	error(reason: string, at: number = this.pos): YamlSyntaxError {
		const { line, column } = this.positionOf(Math.min(at, this.src.length));
		return new YamlSyntaxError(reason, line, column);
	}
}

/** Describes a character for error messages. */
export function describeChar(ch: string | undefined): string {
	if (ch === undefined) return 'end of input';
	if (ch === '\n') return 'line break';
	if (ch === '\t') return 'tab';
	return `'${ch}'`;
}
