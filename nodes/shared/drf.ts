/** Django REST framework error bodies (Alyx and Agora are DRF applications). */
import type { IDataObject } from 'n8n-workflow';

/** `detail` / `error`, or one list of messages per field; a Django HTML page means no such route. */
export function drfErrorText(body: unknown): string {
	if (typeof body === 'string') {
		if (/^\s*</.test(body)) return 'the route does not exist (an unknown path, or an ID in the wrong format)';
		return body.trim().slice(0, 500);
	}
	if (Array.isArray(body)) return body.map((entry) => (typeof entry === 'string' ? entry : JSON.stringify(entry))).join('; ');
	if (!body || typeof body !== 'object') return '';
	const record = body as IDataObject;
	if (typeof record.detail === 'string') return record.detail;
	if (typeof record.error === 'string') return record.error;
	return Object.entries(record)
		.filter(([key]) => key !== 'status_code')
		.map(([key, value]) => {
			const text = Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : JSON.stringify(value);
			return key === 'non_field_errors' ? text : `${key}: ${text}`;
		})
		.join('; ');
}
