/**
 * Secret redaction: applied to every error message, description and log line the engine
 * produces, so passwords, tokens, API keys and Basic headers never reach outputs or logs.
 */
const MASK = '***';

// Header and key=value forms that carry secrets whatever their value is.
const PATTERNS: RegExp[] = [
	/(authorization['"]?\s*[:=]\s*['"]?)(basic|bearer|token|x-agora-api-key)\s+[^\s'",}]+/gi,
	/\b(basic|bearer)\s+[A-Za-z0-9+/=._-]{8,}/gi,
	/(x-agora-api-key['"]?\s*[:=]\s*['"]?)[^\s'",}]+/gi,
	// Python-repr and JSON forms of protected keys, e.g. {'password': 'x'} or "privateKey":"x".
	/((?:['"])(?:password|privateKey|secret|token|access_token|refresh_token|api_key|apiKey|_[A-Za-z0-9_]+)(?:['"])\s*:\s*)(['"])(?:\\.|(?!\2).)*\2/gi,
];

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Redactor {
	private readonly literals: string[];

	constructor(secrets: Array<string | undefined | null>) {
		const values = new Set<string>();
		for (const secret of secrets) {
			// Very short values would mask ordinary words; credentials are never that short.
			if (typeof secret === 'string' && secret.length >= 4) {
				values.add(secret);
				values.add(encodeURIComponent(secret));
			}
		}
		this.literals = [...values].sort((a, b) => b.length - a.length);
	}

	/** Adds the Basic-auth encodings of a username and password pair. */
	withBasic(username: unknown, password: unknown): Redactor {
		if (typeof username === 'string' && typeof password === 'string' && password) {
			const pair = `${username}:${password}`;
			return new Redactor([...this.literals, Buffer.from(pair).toString('base64'), password]);
		}
		return this;
	}

	text(input: string): string {
		let out = input;
		for (const literal of this.literals) {
			out = out.replace(new RegExp(escapeRegExp(literal), 'g'), MASK);
		}
		return redactPatterns(out);
	}
}

export function redactPatterns(input: string): string {
	let out = input;
	for (const pattern of PATTERNS) {
		out = out.replace(pattern, (match, ...groups: unknown[]) => {
			const prefix = typeof groups[0] === 'string' ? groups[0] : '';
			// For the quoted-key form keep the key and the quote style, mask only the value.
			if (pattern === PATTERNS[3]) {
				const quote = typeof groups[1] === 'string' ? groups[1] : "'";
				return `${prefix}${quote}${MASK}${quote}`;
			}
			if (pattern === PATTERNS[1]) return `${String(groups[0])} ${MASK}`;
			if (pattern === PATTERNS[0]) return `${prefix}${String(groups[1])} ${MASK}`;
			return `${prefix}${MASK}`;
		});
	}
	return out;
}
