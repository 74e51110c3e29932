// Persistence of an emulator's state in one JSON file, for sandboxes that keep data across
// restarts. Writes are coalesced (a burst of changes costs one write) and go to a temporary
// file that is then renamed, so a crash never leaves half a file behind. The delay grows with
// the cost of the last write, so a large state (100 000 rows) never hogs the event loop.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * @param {string|null} path  no path: every call is a no-op and load() returns null
 * @param {{format: string, serialize: () => object, saveDelayMs?: number}} options
 *   `format` is written into the file and checked on load, so a file of another emulator
 *   is refused instead of misread.
 */
export function createStateFile(path, { format, serialize, saveDelayMs = 50 }) {
	let timer = null;
	let lastSaveMs = 0;

	function saveNow() {
		if (!path) return;
		mkdirSync(dirname(path), { recursive: true });
		const started = performance.now();
		const tmp = `${path}.${process.pid}.tmp`;
		writeFileSync(tmp, JSON.stringify({ format, savedAt: Date.now() / 1000, ...serialize() }));
		renameSync(tmp, path);
		lastSaveMs = performance.now() - started;
	}

	return {
		path,
		/** The saved object (without `format`/`savedAt`), or null when there is none. */
		load() {
			if (!path || !existsSync(path)) return null;
			const raw = readFileSync(path, 'utf8');
			if (!raw.trim()) return null;
			const data = JSON.parse(raw);
			if (data.format !== format) throw new Error(`${path}: not a ${format} state file`);
			delete data.format;
			delete data.savedAt;
			return data;
		},
		/** Marks the state dirty; one write follows after a short delay. */
		changed() {
			if (!path || timer) return;
			timer = setTimeout(
				() => {
					timer = null;
					saveNow();
				},
				Math.max(saveDelayMs, lastSaveMs * 4),
			);
			timer.unref();
		},
		/** Writes pending changes now (on close). */
		flush() {
			if (!timer) return;
			clearTimeout(timer);
			timer = null;
			saveNow();
		},
		saveNow,
	};
}
