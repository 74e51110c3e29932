// The README's operations table must be the one generated from the declarations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/lib/paths.mjs';
import { withTable } from '../../scripts/lib/operations-table.mjs';

test('README operations table is up to date (npm run docs)', () => {
	assert.ok(existsSync(join(repoRoot, 'dist')), 'the package is built (package.test.mjs builds it)');
	const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
	assert.equal(readme, withTable(readme));
});
