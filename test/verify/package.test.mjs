// n8n's verification, run before publishing: the scanner's own analyzePackage over the source
// (as it lints the attested GitHub commit) and over the packed tarball, plus the package rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/lib/paths.mjs';
import { buildAndPack, extractTarball, packDir } from '../../scripts/lib/pack.mjs';

const { analyzePackage, SOURCE_FILE_PATTERNS } = await import('@n8n/scan-community-package/scanner/scanner.mjs');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const packed = buildAndPack();

test('the verification scanner passes on the repository sources', async () => {
	const result = await analyzePackage(repoRoot, SOURCE_FILE_PATTERNS);
	assert.equal(result.passed, true, result.details ?? result.message);
});

test('the verification scanner passes on the packed tarball', async () => {
	const dir = extractTarball(packed.tarball, join(packDir, 'extracted'));
	const result = await analyzePackage(dir, ['**/*.js', 'package.json']);
	assert.equal(result.passed, true, result.details ?? result.message);
});

test('the tarball holds only what n8n loads', () => {
	const unexpected = packed.files.filter((f) => !/^(dist\/|package\.json$|README\.md$|LICENSE\.md$)/.test(f));
	assert.deepEqual(unexpected, []);
	for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) assert.ok(packed.files.includes(entry), `${entry} is in the tarball`);
	assert.ok(packed.files.some((f) => f.endsWith('.svg')), 'icons are packed');
	assert.ok(packed.files.some((f) => f.endsWith('.node.json')), 'codex files are packed');
	assert.ok(!packed.files.some((f) => /\.test\.|emulators\/|scripts\//.test(f)), 'no tests, emulators or scripts');
});

test('package.json follows the community package rules', () => {
	assert.deepEqual(Object.keys(pkg.dependencies ?? {}), [], 'no runtime dependencies');
	assert.deepEqual(pkg.peerDependencies, { 'n8n-workflow': '*' });
	assert.ok(pkg.keywords.includes('n8n-community-node-package'));
	assert.equal(pkg.n8n.n8nNodesApiVersion, 1);
	assert.equal(pkg.license, 'MIT');
	for (const script of ['prepare', 'preinstall', 'install', 'postinstall', 'prepublish']) assert.equal(pkg.scripts[script], undefined, script);
	assert.equal(pkg.devDependencies['n8n-workflow'], '2.8.0', 'types pinned to the n8n the tests run (2.8.4)');
});

test('every npm script that runs a project script points at a file that exists', () => {
	for (const [name, command] of Object.entries(pkg.scripts)) {
		for (const [, file] of command.matchAll(/node ((?:scripts|emulators)\/\S+\.mjs)/g)) {
			assert.ok(existsSync(join(repoRoot, file)), `npm run ${name}: ${file} does not exist`);
		}
	}
});
