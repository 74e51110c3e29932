import { Redactor, redactPatterns } from '../../nodes/shared/redact';

describe('Redactor', () => {
	const redactor = new Redactor(['key-1234-abcd']).withBasic('alice', 'pa55word!');

	it('masks known secrets and their Basic encoding', () => {
		const basic = Buffer.from('alice:pa55word!').toString('base64');
		const text = redactor.text(`Authorization: Basic ${basic} key-1234-abcd pa55word!`);
		expect(text).not.toMatch(/pa55word|key-1234|cGE1NXdvcmQh/);
		expect(text).not.toContain(basic);
	});

	it('masks header forms and protected keys whatever their value', () => {
		expect(redactPatterns('authorization: Token abcdef0123456789')).toBe('authorization: Token ***');
		expect(redactPatterns('Bearer eyJhbGciOiJIUzI1NiJ9.x.y')).toBe('Bearer ***');
		expect(redactPatterns("{'password': 'hunter22', '_secretKey': 'v'}")).toBe("{'password': '***', '_secretKey': '***'}");
		expect(redactPatterns('{"privateKey":"-----BEGIN"}')).toBe('{"privateKey":"***"}');
	});
});
