// npm run docs: rewrites the README's operations table from the operation declarations.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/paths.mjs';
import { withTable } from './lib/operations-table.mjs';

const path = join(repoRoot, 'README.md');
writeFileSync(path, withTable(readFileSync(path, 'utf8')));
console.log('README.md operations table updated');
