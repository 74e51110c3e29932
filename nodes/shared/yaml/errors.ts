/**
 * The one error type thrown by the YAML parser.
 *
 * `line` and `column` are 1-based and point at the character that made the
 * document invalid. The message repeats them so that it is useful on its own,
 * e.g. `Bad indentation of a mapping entry (line 4, column 3)`.
 */
export class YamlSyntaxError extends Error {
	/** 1-based line of the offending character. */
	readonly line: number;
	/** 1-based column of the offending character. */
	readonly column: number;
	/** The message without the position suffix. */
	readonly reason: string;

	constructor(reason: string, line: number, column: number) {
		super(`${reason} (line ${line}, column ${column})`);
		this.name = 'YamlSyntaxError';
		this.reason = reason;
		this.line = line;
		this.column = column;
		// Keep `instanceof` working when compiled to older targets.
		Object.setPrototypeOf(this, new.target.prototype);
	}
}
