/**
 * Progress of a long upload, for n8n's log (at most one line every few seconds) and for the
 * output's summary: bytes sent and skipped (already on the server), elapsed time, throughput.
 */
import type { IDataObject, Logger } from 'n8n-workflow';
import { formatBytes, mibPerSecond } from '../../../shared/binaryFiles';

const LOG_EVERY_MS = 5000;

export class UploadProgress {
	private bytesSent = 0;
	private bytesSkipped = 0;
	private readonly started = Date.now();
	private lastLog = Date.now();

	constructor(
		private readonly logger: Logger,
		private readonly importId: number,
		private readonly totalBytes: number,
	) {}

	sent(bytes: number): void {
		this.bytesSent += bytes;
		this.maybeLog();
	}

	skipped(bytes: number): void {
		this.bytesSkipped += bytes;
		this.maybeLog();
	}

	get done(): number {
		return this.bytesSent + this.bytesSkipped;
	}

	private maybeLog(): void {
		const now = Date.now();
		if (now - this.lastLog < LOG_EVERY_MS) return;
		this.lastLog = now;
		this.logger.info(`Agora upload to import ${this.importId}: ${this.describe()}`);
	}

	describe(): string {
		const percent = this.totalBytes > 0 ? Math.floor((100 * this.done) / this.totalBytes) : 100;
		const skipped = this.bytesSkipped > 0 ? `, ${formatBytes(this.bytesSkipped)} already on the server` : '';
		return `${percent}% (${formatBytes(this.done)} of ${formatBytes(this.totalBytes)}${skipped}), ${this.throughputMiBps().toFixed(1)} MiB/s`;
	}

	throughputMiBps(): number {
		return mibPerSecond(this.bytesSent, (Date.now() - this.started) / 1000);
	}

	summary(): IDataObject {
		return {
			totalBytes: this.totalBytes,
			bytesSent: this.bytesSent,
			bytesAlreadyOnServer: this.bytesSkipped,
			uploadSeconds: Math.round((Date.now() - this.started) / 100) / 10,
			throughputMiBps: this.throughputMiBps(),
		};
	}
}
