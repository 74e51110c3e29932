/**
 * multipart/form-data bodies for chunked uploads, built without a form library (none may ship:
 * runtime dependencies and Node's `stream` fail n8n's verification) and without copying the
 * chunk: the body is allocated once and the file bytes are read straight into its file slot.
 */
import { randomBytes } from 'crypto';

export interface MultipartFile {
	/** Form field of the file part, e.g. "file". */
	field: string;
	fileName: string;
	/** Exact byte length of the file part. */
	size: number;
	contentType?: string;
}

export interface MultipartBody {
	/** The whole request body, file slot included. */
	body: Buffer;
	/** A view of the body where the file bytes go (fill it before sending). */
	file: Buffer;
	/** The request's Content-Type header, with the boundary. */
	contentType: string;
}

/** Quoted-string value for Content-Disposition: quotes, backslashes and line breaks escaped. */
function quoted(value: string): string {
	return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
}

/** Room for the text fields and part headers around the file bytes (checked when used). */
export const MULTIPART_OVERHEAD = 8192;

/**
 * Lays out a body with the text fields first and one file part last: in `into` when given
 * (a buffer reused from chunk to chunk: fresh 16 MiB buffers per chunk would make the garbage
 * collector scan n8n's whole heap over and over), else in a new buffer.
 */
export function multipartWithFile(fields: Record<string, string | number>, file: MultipartFile, into?: Buffer): MultipartBody {
	const boundary = `----n8nResearchData${randomBytes(12).toString('hex')}`;
	let head = '';
	for (const [name, value] of Object.entries(fields)) {
		head += `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(name)}\r\n\r\n${String(value)}\r\n`;
	}
	head +=
		`--${boundary}\r\nContent-Disposition: form-data; name=${quoted(file.field)}; filename=${quoted(file.fileName)}\r\n` +
		`Content-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`;
	const headBytes = Buffer.from(head, 'utf8');
	const tailBytes = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
	const length = headBytes.length + file.size + tailBytes.length;
	const body = into && into.length >= length ? into.subarray(0, length) : Buffer.allocUnsafe(length);
	headBytes.copy(body, 0);
	tailBytes.copy(body, headBytes.length + file.size);
	return {
		body,
		file: body.subarray(headBytes.length, headBytes.length + file.size),
		contentType: `multipart/form-data; boundary=${boundary}`,
	};
}
