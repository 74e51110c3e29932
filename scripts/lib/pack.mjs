// Builds the package and packs it the way it would be published; returns the tarball path.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';
import { capture } from './run.mjs';

export const packDir = join(repoRoot, '.cache', 'pack');

export function buildAndPack({ build = true } = {}) {
	if (build) {
		const built = capture('npm', ['run', 'build'], { cwd: repoRoot });
		if (built.code !== 0) throw new Error(`npm run build failed:\n${built.stdout}\n${built.stderr}`);
	}
	rmSync(packDir, { recursive: true, force: true });
	mkdirSync(packDir, { recursive: true });
	const packed = capture('npm', ['pack', '--pack-destination', packDir, '--json'], { cwd: repoRoot });
	if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
	const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
	const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')))[0];
	return { tarball: join(packDir, tarball), files: info.files.map((f) => f.path), size: info.size, unpackedSize: info.unpackedSize };
}

/** Extracts a tarball's `package/` into `dir`. */
export function extractTarball(tarball, dir) {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const result = capture('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	if (result.code !== 0) throw new Error(`tar failed: ${result.stderr}`);
	return dir;
}
