// npm run build: clean dist, compile TypeScript, copy icons and codex files (gulp).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/paths.mjs';
import { runOrExit } from './lib/run.mjs';

rmSync(join(repoRoot, 'dist'), { recursive: true, force: true });
runOrExit('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: repoRoot });
runOrExit('npx', ['gulp', 'build:assets'], { cwd: repoRoot });
