// Datafile bytes on disk, one file per datafile id under <dataDir>/files/. Without a data
// directory the bytes live in a private temporary directory that close() removes, so the
// emulator always serves real bytes from disk (downloads stream them, as Agora does).
import {
	copyFileSync,
	createReadStream,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class BlobStore {
	/** @param {string|null} dataDir */
	constructor(dataDir) {
		this.temporary = !dataDir;
		this.dir = dataDir ? join(dataDir, 'files') : mkdtempSync(join(tmpdir(), 'agora-emulator-'));
		mkdirSync(this.dir, { recursive: true });
	}

	path(id) {
		return join(this.dir, String(id));
	}

	write(id, bytes) {
		writeFileSync(this.path(id), bytes);
	}

	read(id) {
		return readFileSync(this.path(id));
	}

	exists(id) {
		return existsSync(this.path(id));
	}

	size(id) {
		return statSync(this.path(id)).size;
	}

	stream(id) {
		return createReadStream(this.path(id));
	}

	copy(fromId, toId) {
		copyFileSync(this.path(fromId), this.path(toId));
	}

	remove(id) {
		rmSync(this.path(id), { force: true });
	}

	/** Removes every blob (reset). */
	clear() {
		rmSync(this.dir, { recursive: true, force: true });
		mkdirSync(this.dir, { recursive: true });
	}

	/** Deletes a temporary directory; a data directory stays. */
	close() {
		if (this.temporary) rmSync(this.dir, { recursive: true, force: true });
	}
}
