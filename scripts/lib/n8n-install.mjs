// Installs a pinned n8n into .cache/n8n-<version> on first use and returns the path to its CLI.
// Why a separate folder: n8n has ~2000 dependencies that must never leak into the package's
// own node_modules (the package ships with zero runtime dependencies).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';

export const DEFAULT_N8N_VERSION = '2.8.4';

export function n8nDir(version = DEFAULT_N8N_VERSION) {
	return join(repoRoot, '.cache', `n8n-${version}`);
}

export function n8nBin(version = DEFAULT_N8N_VERSION) {
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
function sqliteWorks(dir) {
	const probe = spawnSync(process.execPath, ['-e', "require('sqlite3')"], { cwd: dir, env: npmEnv(), encoding: 'utf8' });
	return probe.status === 0;
}

function buildSqlite(dir, log) {
	run('npm', ['rebuild', 'sqlite3'], dir, log, { npm_config_ignore_scripts: 'false' });
	if (!sqliteWorks(dir)) throw new Error(`sqlite3 did not build in ${dir}: n8n cannot open its database (needs python3, make and g++)`);
}

export function ensureN8n({ version = DEFAULT_N8N_VERSION, log = (m) => console.error(m) } = {}) {
	const dir = n8nDir(version);
	const marker = join(dir, '.installed');
	if (existsSync(marker) && existsSync(n8nBin(version))) {
		if (sqliteWorks(dir)) return n8nBin(version);
		log('n8n is installed but its sqlite3 binding is missing; building it...');
		rmSync(marker, { force: true });
		buildSqlite(dir, log);
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
	run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], dir, log);
	buildSqlite(dir, log);
	writeFileSync(marker, new Date().toISOString());
	return n8nBin(version);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const version = process.argv[2] || DEFAULT_N8N_VERSION;
	console.log(ensureN8n({ version }));
}
