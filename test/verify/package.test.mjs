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

test('the tarball stays small: under 1 MiB packed, 4 MiB unpacked', () => {
	// n8n downloads and unpacks the tarball on every install; bench/results.md records the figures.
	assert.ok(packed.size > 10 * 1024, `packed size ${packed.size} bytes: the build is missing from the tarball`);
	assert.ok(packed.size < 1024 * 1024, `packed size ${packed.size} bytes is over 1 MiB`);
	assert.ok(packed.unpackedSize < 4 * 1024 * 1024, `unpacked size ${packed.unpackedSize} bytes is over 4 MiB`);
	assert.ok(packed.files.length < 1000, `${packed.files.length} files`);
	for (const top of ['package.json', 'README.md', 'LICENSE.md']) assert.ok(packed.files.includes(top), `${top} is in the tarball`);
});

test('the publish workflow publishes to npm with provenance from a tag', () => {
	const file = join(repoRoot, '.github', 'workflows', 'publish.yml');
	assert.ok(existsSync(file), '.github/workflows/publish.yml exists');
	// Comments explain the setup; only the workflow itself counts.
	const workflow = readFileSync(file, 'utf8')
		.split('\n')
		.filter((line) => !/^\s*#/.test(line))
		.join('\n');
	assert.match(workflow, /^on:\s*\n\s+push:\s*\n\s+tags:/m, 'runs on tag pushes');
	assert.match(workflow, /^\s+id-token:\s*write\s*$/m, 'may mint the OIDC token that signs the provenance statement');
	assert.match(workflow, /^\s+contents:\s*read\s*$/m, 'least privilege otherwise');
	const publish = workflow.split('\n').filter((line) => /\bnpm publish\b/.test(line));
	assert.equal(publish.length, 1, 'exactly one npm publish');
	assert.match(publish[0], /--provenance\b/);
	assert.match(publish[0], /--access public\b/);
	assert.match(workflow, /run: npm run build/, 'publishes a fresh build (dist is not committed)');
});

test('the CI workflow installs and runs every test on pushes and pull requests with Node 20', () => {
	const file = join(repoRoot, '.github', 'workflows', 'ci.yml');
	assert.ok(existsSync(file), '.github/workflows/ci.yml exists');
	const workflow = readFileSync(file, 'utf8');
	assert.match(workflow, /^\s+push:/m);
	assert.match(workflow, /^\s+pull_request:/m);
	assert.match(workflow, /node-version: '20'/);
	assert.match(workflow, /run: npm install\s*$/m);
	assert.match(workflow, /run: npm test\s*$/m);
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
