// Moving a finished file into place: rename (atomic, no copy), or copy + unlink when the two
// paths are on different file systems (EXDEV: a data directory on another disk than /tmp).
import { copyFileSync, renameSync, unlinkSync } from 'node:fs';

export function moveFile(from, to) {
	try {
		renameSync(from, to);
	} catch (e) {
		if (e.code !== 'EXDEV') throw e;
		copyFileSync(from, to);
		unlinkSync(from);
	}
}
