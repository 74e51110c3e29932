/**
 * Reads a byte stream in exact slices: each `fill(target)` copies the next `target.length`
 * bytes into a buffer the caller owns (e.g. a multipart body's file slot), so only the pieces
 * the stream hands out and the caller's buffer are ever in memory.
 */
export class ChunkReader {
	private readonly iterator: AsyncIterator<Buffer | Uint8Array | string>;
	private pending: Buffer = Buffer.alloc(0);
	private done = false;
	/** Bytes handed out so far. */
	position = 0;

	constructor(source: AsyncIterable<Buffer | Uint8Array | string>) {
		this.iterator = source[Symbol.asyncIterator]();
	}

	/**
	 * Fills `target` completely unless the stream ends first; returns the bytes written.
	 * `onPiece` sees each slice of `target` as it is filled (to hash while reading).
	 */
	async fill(target: Buffer, onPiece?: (piece: Buffer) => void): Promise<number> {
		let written = 0;
		while (written < target.length) {
			if (this.pending.length === 0) {
				if (this.done) break;
				const next = await this.iterator.next();
				if (next.done) {
					this.done = true;
					break;
				}
				const value = next.value;
				this.pending = Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array);
				continue;
			}
			const take = Math.min(this.pending.length, target.length - written);
			this.pending.copy(target, written, 0, take);
			onPiece?.(target.subarray(written, written + take));
			this.pending = this.pending.subarray(take);
			written += take;
		}
		this.position += written;
		return written;
	}

	/** Releases the underlying stream early (on errors). */
	async close(): Promise<void> {
		await this.iterator.return?.();
	}
}
