// npm test: every check, fastest first, then one summary line for people and for CI:
//   tests: N passed, N failed, N skipped
// Stages: lint (n8n's strict cloud rules), unit (jest + nock), emulator contract (node:test),
// verification scanner (source and tarball), end to end in a real n8n 2.8.4 (node:test), the
// n8n editor in a headless Chromium (node:test + playwright-core), and the end-to-end suite
// again on the other n8n hosts of the compatibility matrix (compat).
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from './lib/paths.mjs';
import { DEFAULT_N8N_VERSION, N8N_HOSTS, ensureN8n } from './lib/n8n-install.mjs';

const reports = join(repoRoot, '.cache', 'test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const only = process.argv.slice(2);
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function run(cmd, args, env = {}) {
	const result = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } });
	return result.status ?? 1;
}

function record(stage, passed, failed, skipped = 0, note = '') {
	totals.passed += passed;
	totals.failed += failed;
	totals.skipped += skipped;
	lines.push(`${stage}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${note ? ` (${note})` : ''}`);
}

/** node --test writes TAP to a file beside the readable spec output; read its totals. */
function nodeTest(stage, target, env = {}, note = '') {
	const tap = join(reports, `${stage}.tap`);
	const code = run(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, target], env);
	const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
	const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
	const failed = count('fail') + count('cancelled');
	record(stage, count('pass'), failed || (code !== 0 ? 1 : 0), count('skipped') + count('todo'), note);
}

const stages = {
	lint() {
		const code = run('npx', ['n8n-node', 'lint']);
		record('lint', code === 0 ? 1 : 0, code === 0 ? 0 : 1);
	},
	typecheck() {
		// ts-jest compiles tests one file at a time without type checking; check them all here.
		const code = run('npx', ['tsc', '-p', 'test/tsconfig.json']);
		record('typecheck', code === 0 ? 1 : 0, code === 0 ? 0 : 1);
	},
	unit() {
		const out = join(reports, 'jest.json');
		const code = run('npx', ['jest', '--config', 'jest.config.js', '--json', `--outputFile=${out}`]);
		if (!existsSync(out)) return record('unit', 0, 1, 0, `jest exited ${code} without a report`);
		const r = JSON.parse(readFileSync(out, 'utf8'));
		record('unit', r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0), r.numPendingTests);
	},
	contract() {
		nodeTest('contract', 'test/contract/');
	},
	verify() {
		nodeTest('verify', 'test/verify/');
	},
	e2e() {
		ensureN8n();
		nodeTest('e2e', 'test/e2e/', { E2E_REQUIRE_N8N: '1' });
	},
	browser() {
		// The editor in Debian's Chromium (test/browser/); skipped, and said so, without it.
		const note = existsSync('/usr/bin/chromium') ? '' : 'skipped: Chromium is missing (/usr/bin/chromium; apt-get install chromium)';
		nodeTest('browser', 'test/browser/', {}, note);
	},
	compat() {
		// The same end-to-end suite on the other n8n hosts of the matrix (README "Compatibility"):
		// the newest n8n 1.x, and a newer 2.x on the Node it requires.
		for (const host of N8N_HOSTS.filter((h) => h.version !== DEFAULT_N8N_VERSION)) {
			const stage = `e2e@n8n-${host.version}`;
			const nodeNote = host.node === 'system' ? `Node ${process.versions.node}` : `Node ${host.node}`;
			try {
				ensureN8n({ version: host.version });
			} catch (error) {
				record(stage, 0, 1, 0, `n8n ${host.version} could not be installed: ${error.message}`);
				continue;
			}
			nodeTest(stage, 'test/e2e/', { E2E_REQUIRE_N8N: '1', E2E_N8N_VERSION: host.version }, nodeNote);
		}
	},
};

for (const [name, stage] of Object.entries(stages)) {
	if (only.length && !only.includes(name)) continue;
	console.log(`\n=== ${name} ===`);
	stage();
}

console.log('\n' + lines.join('\n'));
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
