// Drives a real n8n (pinned 2.8.4, the newest that runs on this machine's Node 20) for the
// end-to-end tests and the developer sandbox. Zero dependencies: Node built-ins plus modules
// from n8n's own install (sqlite3, flatted) loaded with createRequire.
//
// Findings for n8n 2.8.4, measured on this machine (2 cores, Node 20.20.2) with the throw-away
// package built by test/e2e/harness.smoke.test.mjs:
//
// 1. CLI `execute` costs ≈2.1–2.9 s wall per call (≈3.4 s while `n8n start` runs next to it),
//    almost all of it start-up (DI, loading ~870 node types, DB migration check, starting the
//    internal JS task runner); the workflow itself runs in milliseconds. Other CLI calls cost the
//    same (import ≈1.9 s, publish ≈2 s, export:nodes ≈3.3 s). `execute-batch` works in 2.8.4: one
//    process ran 4 workflows in ≈2.2 s and 3 in ≈2.7 s (vs ≈2.3 s *each* with `execute`).
//    Caveats, from its source (dist/commands/execute-batch.js):
//    `--ids` silently drops ids that contain no digit (it filters with /\d+/), failed workflows are
//    re-run once unless `--retries=0`, errors whose text contains "429", "503", "status code 401"
//    etc. are reported as "warning", each workflow has a fixed 3-minute timeout, and the summary
//    (`--output`) carries no run data (`--snapshot` writes it for successful runs only). So
//    executeMany() reads every run's data from the DB afterwards, and runs ids without a digit
//    one by one with `execute`.
//
// 2. Activating a polling trigger headlessly: `n8n publish:workflow --id=<id>` (sets `active` and
//    `activeVersionId` in the DB; `update:workflow --active=true` still exists but is deprecated
//    and forwards to the same thing). It only takes effect when n8n (re)starts, so publish() on a
//    running instance restarts it. `import:workflow` always un-publishes, so import first, then
//    publish. At activation n8n polls once immediately (`activatePolling` → `executeTrigger(true)`),
//    and returned items start an execution (mode "trigger", activation "init"): with `n8n start`
//    taking ≈3.5 s until /healthz answers, the first execution is in the DB ≈5 s after spawn.
//    Later polls follow `pollTimes` (default "every minute" at a random second). Anything shorter
//    is refused at activation with "The polling interval is too short. It has to be at least a
//    minute." — n8n rejects any cron whose *first* field contains "*", which also rejects the
//    5-field custom cron "* * * * *"; the every-minute custom cron must be written with a fixed
//    seconds field, e.g. "0 * * * * *" (verified: activated, polled at hh:mm:00). Careful: the
//    immediate test poll runs *before* that check, and n8n retries failed activations with
//    back-off (1, 2, 4, 8, 16, 32 s …), so a rejected workflow still produces an execution per
//    retry (observed: 8 executions in 65 s).
//
// 3. Errors in CLI executions: on a node error `execute --rawOutput` exits with code 1 and prints
//    "Execution was NOT successful" followed by the full run JSON (through the logger, so on
//    stdout; stderr stays empty). In that JSON: `status: "error"`, `data.resultData.error`
//    (`message`, `name` e.g. "NodeOperationError", `description`, `node`, `context.itemIndex`),
//    `data.resultData.lastNodeExecuted`, and the failing node's task data
//    `data.resultData.runData[<node>][0]` has `executionStatus: "error"` and `error`. execute()
//    returns that as `{status: 'error', error, runData}` instead of throwing. With "Continue On
//    Fail" (`onError: "continueRegularOutput"`) and a node that honours `this.continueOnFail()`
//    (the convention), the run is `status: "success"`, exit code 0, and the error is an output
//    item `{json: {error: "<message>"}}` of that node. If the node throws anyway, n8n-core marks
//    its task `executionStatus: "error"` (with `error`), passes the *input* items through
//    unchanged, continues — and if that node was the last one to run, the whole run ends
//    `status: "error"` with `resultData.error` set (n8n 2.8.4 does not clear the error; with a
//    following node the run is "success"). The same data is stored in the DB (executions()).
//
// 4. `n8n export:nodes` lists `<package>.<node>` and, for nodes with `usableAsTool: true`, the
//    generated `<package>.<node>Tool` variant (e.g. `n8n-nodes-harness-smoke.echoTool`); trigger
//    nodes get none.
//
// Environment notes (2.8.4 source, @n8n/config): task runners are always on in 2.8.4
// (`N8N_RUNNERS_ENABLED` is deprecated, "safe to remove"); every CLI command that executes
// workflows starts a task broker on N8N_RUNNERS_BROKER_PORT (default 5679), so each spawned process
// gets its own free broker port — otherwise a CLI `execute` next to a running server fails.
// The Python runner is skipped with a warning (no venv). Nothing at start-up needs the internet
// once these are off: diagnostics/PostHog, version notifications + "what's new", templates,
// dynamic banners, hiring banner, verified community-node list (api.n8n.io), license auto-renew.
// NODE_ENV is forced to "production": n8n treats an unset NODE_ENV as development and
// NODE_ENV=test (set by jest) makes CLI commands skip process.exit(), i.e. hang.
// Execution data is read from SQLite (`execution_entity` + `execution_data.data`, which is
// "flatted" JSON); n8n 2.8.4 stores it in the DB by default (`storedAt: "db"`).
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
	closeSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { getFreePort } from './free-port.mjs';
import { ensureN8n, n8nBin, n8nDir, nodeFor, selectedN8nVersion } from './n8n-install.mjs';
import { runCommand, spawnTracked, tail, terminate } from './process.mjs';

/** True when ensureN8n() finished for this version (its marker file exists). */
export function isN8nInstalled(version = selectedN8nVersion()) {
	return existsSync(join(n8nDir(version), '.installed')) && existsSync(n8nBin(version));
}

/** The json of each item a node produced: outputOf(result, 'Echo') → [{...}, ...]. */
export function outputOf(resultOrRunData, nodeName, { run = 0, output = 0 } = {}) {
	const runData = resultOrRunData?.runData ?? resultOrRunData;
	const task = runData?.[nodeName]?.[run];
	if (!task) return undefined;
	return (task.data?.main?.[output] ?? []).map((item) => item.json);
}

// Inherited variables that would make runs depend on the developer's shell (or on the test
// runner: coverage, NODE_ENV=test) rather than on what this harness sets.
const INHERITED_PREFIXES_TO_DROP = ['N8N_', 'DB_', 'EXECUTIONS_', 'QUEUE_', 'NODE_V8_COVERAGE', 'NODE_TEST_CONTEXT'];

const FINISHED_STATUSES = new Set(['success', 'error', 'crashed', 'canceled']);

function sqliteDate(value) {
	if (value === null || value === undefined) return null;
	if (value instanceof Date) return value.toISOString();
	const s = String(value);
	// SQLite rows hold UTC without a zone: "2026-11-22 02:34:24.590".
	return /^\d{4}-\d\d-\d\d \d/.test(s) ? `${s.replace(' ', 'T')}Z` : s;
}

/**
 * Finds the run JSON in CLI output. n8n prints log lines before (and error lines after) the
 * pretty-printed JSON, which always starts with a line "{" and ends with a line "}".
 */
export function parseRunOutput(text) {
	const lines = String(text).split(/\r?\n/);
	const looksLikeRun = (v) => v && typeof v === 'object' && v.data && typeof v.data === 'object' && 'resultData' in v.data;
	for (let start = 0; start < lines.length; start++) {
		if (lines[start].trimEnd() !== '{') continue;
		for (let end = start + 1; end < lines.length; end++) {
			if (lines[end].trimEnd() !== '}') continue;
			try {
				const value = JSON.parse(lines.slice(start, end + 1).join('\n'));
				if (looksLikeRun(value)) return value;
				break;
			} catch {
				// a nested "}" line or log noise; keep extending
			}
		}
	}
	return undefined;
}

function toResult(run, extra = {}) {
	const resultData = run?.data?.resultData ?? {};
	return {
		status: run?.status ?? (resultData.error ? 'error' : 'success'),
		runData: resultData.runData ?? {},
		error: resultData.error,
		lastNodeExecuted: resultData.lastNodeExecuted,
		raw: run,
		...extra,
	};
}

/**
 * @param {object} options
 * @param {string} options.userFolder  N8N_USER_FOLDER (n8n keeps everything in <userFolder>/.n8n)
 * @param {number} [options.port]      editor/API port; a free one is picked if omitted
 * @param {string} [options.version]   n8n version installed by n8n-install.mjs
 * @param {object} [options.env]       extra/overriding environment for every n8n process
 * @param {(msg: string) => void} [options.log]
 * @param {boolean} [options.install]  run ensureN8n() if this version is missing (takes minutes)
 */
export async function createN8nInstance({
	userFolder,
	port,
	version = selectedN8nVersion(),
	env = {},
	log = () => {},
	install = false,
} = {}) {
	if (!userFolder) throw new Error('createN8nInstance: userFolder is required');
	userFolder = resolve(userFolder);
	if (!isN8nInstalled(version)) {
		if (!install) {
			throw new Error(
				`n8n ${version} is not installed in ${n8nDir(version)}. Run: node scripts/lib/n8n-install.mjs ${version}`,
			);
		}
		ensureN8n({ version, log });
	}
	const bin = n8nBin(version);
	const nodeBinary = nodeFor(version, log).node;
	const legacyCli = Number(version.split('.')[0]) < 2;
	const n8nRequire = createRequire(join(dirname(dirname(bin)), 'package.json'));
	port = port ?? (await getFreePort());

	const n8nFolder = join(userFolder, '.n8n');
	const harnessDir = join(userFolder, '.harness');
	const dbPath = join(n8nFolder, 'database.sqlite');
	const logFile = join(userFolder, 'n8n.log');
	await mkdir(n8nFolder, { recursive: true });
	await mkdir(harnessDir, { recursive: true });

	// The encryption key must stay the same for the life of the folder (credentials are
	// encrypted with it). n8n itself keeps it in .n8n/config and refuses to start when
	// N8N_ENCRYPTION_KEY disagrees with that file, so we create/read the same file.
	const configFile = join(n8nFolder, 'config');
	let encryptionKey;
	if (existsSync(configFile)) {
		encryptionKey = JSON.parse(readFileSync(configFile, 'utf8')).encryptionKey;
	}
	if (!encryptionKey) {
		encryptionKey = randomBytes(24).toString('base64url');
		await writeFile(configFile, JSON.stringify({ encryptionKey }, null, '\t'), { mode: 0o600 });
	}

	const baseUrl = `http://127.0.0.1:${port}`;
	let server = null; // the `n8n start` child process

	async function envFor(extra = {}) {
		const inherited = Object.fromEntries(
			Object.entries(process.env).filter(([k]) => !INHERITED_PREFIXES_TO_DROP.some((p) => k.startsWith(p))),
		);
		return {
			...inherited,
			NODE_ENV: 'production',
			N8N_USER_FOLDER: userFolder,
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1', // editor/webhook URLs printed and used by the UI
			N8N_PROTOCOL: 'http',
			N8N_SECURE_COOKIE: 'false', // plain http on loopback: otherwise the browser drops the auth cookie
			N8N_ENCRYPTION_KEY: encryptionKey,
			// Nothing may phone home (no network here except the npm registry).
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_DYNAMIC_BANNERS_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_VERIFIED_PACKAGES_ENABLED: 'false', // else fetches api.n8n.io/api/community-nodes
			N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
			N8N_REINSTALL_MISSING_PACKAGES: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true', // the 2.x default, stated explicitly
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			// n8n 1.123 defaults to an expression engine on isolated-vm, a native module that needs
			// Node 22 and whose build npm skipped; the classic engine is what every other host runs.
			N8N_EXPRESSION_ENGINE: 'legacy',
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			// Fixed default 5679 would collide between a running server and a CLI call.
			N8N_RUNNERS_BROKER_PORT: String(await getFreePort()),
			...env,
			...extra,
		};
	}

	async function cli(args, { timeoutMs = 120000, env: extraEnv } = {}) {
		log(`n8n ${args.join(' ')}`);
		return runCommand(nodeBinary, [bin, ...args], {
			env: await envFor(extraEnv),
			cwd: userFolder,
			timeoutMs,
		});
	}

	function cliFailure(what, r) {
		// Drop the start-up lines every command prints, so the excerpt shows the actual problem.
		const noise = /^(n8n Task Broker ready|Failed to start Python task runner|Migrations in progress|(Starting|Finished) migration)/;
		const output = `${r.stdout}${r.stderr}`
			.split('\n')
			.filter((line) => !noise.test(line))
			.join('\n');
		return new Error(`${what} failed (exit code ${r.code})\n--- output (tail) ---\n${tail(output)}`);
	}

	async function withTempDir(prefix, fn) {
		const dir = await mkdtemp(join(harnessDir, `${prefix}-`));
		try {
			return await fn(dir);
		} finally {
			// Credential files hold plain-text secrets: never leave them lying around.
			await rm(dir, { recursive: true, force: true });
		}
	}

	function withTempJson(prefix, value, fn) {
		return withTempDir(prefix, async (dir) => {
			const file = join(dir, `${prefix}.json`);
			await writeFile(file, JSON.stringify(value), { mode: 0o600 });
			return fn(file);
		});
	}

	// ---- SQLite access (n8n's own sqlite3 build) ----
	function openDb() {
		const sqlite3 = n8nRequire('sqlite3');
		return new Promise((res, rej) => {
			const db = new sqlite3.Database(dbPath, sqlite3.OPEN_READONLY, (error) => (error ? rej(error) : res(db)));
		});
	}

	/**
	 * n8n's sqlite3 binding is built for the Node that runs n8n. When that is not this process's
	 * Node (n8n 2.15 on Node 24), loading it here would crash this process, so the query runs in
	 * a child process of that Node and sends the rows back as JSON.
	 */
	async function queryWithHostNode(sql, params) {
		const script = `
			const sqlite3 = require('sqlite3');
			const { db, sql, params } = JSON.parse(process.env.HARNESS_QUERY);
			const conn = new sqlite3.Database(db, sqlite3.OPEN_READONLY, (error) => { if (error) { console.error(error.message); process.exit(2); } });
			conn.configure('busyTimeout', 10000);
			conn.all(sql, params, (error, rows) => {
				if (error) { console.error(error.message); process.exit(3); }
				process.stdout.write(JSON.stringify(rows));
				conn.close();
			});`;
		const r = await runCommand(nodeBinary, ['-e', script], {
			cwd: n8nDir(version),
			env: { ...process.env, HARNESS_QUERY: JSON.stringify({ db: dbPath, sql, params }) },
			timeoutMs: 60000,
		});
		if (r.code !== 0) throw new Error(`query failed (exit ${r.code}): ${r.stderr.trim()}`);
		return JSON.parse(r.stdout);
	}

	async function query(sql, params = []) {
		if (!existsSync(dbPath)) return [];
		if (nodeBinary !== process.execPath) return await queryWithHostNode(sql, params);
		const db = await openDb();
		try {
			// n8n writes concurrently (WAL); wait for its locks rather than failing.
			db.configure('busyTimeout', 10000);
			return await new Promise((res, rej) => db.all(sql, params, (error, rows) => (error ? rej(error) : res(rows))));
		} finally {
			await new Promise((res) => db.close(() => res()));
		}
	}

	function decodeExecution(row) {
		const flatted = n8nRequire('flatted');
		let data = null;
		if (row.data) data = flatted.parse(row.data);
		return {
			id: String(row.id),
			workflowId: row.workflowId,
			status: row.status,
			mode: row.mode,
			finished: Boolean(row.finished),
			startedAt: sqliteDate(row.startedAt),
			stoppedAt: sqliteDate(row.stoppedAt),
			storedAt: row.storedAt,
			data,
			runData: data?.resultData?.runData ?? {},
			error: data?.resultData?.error,
		};
	}

	async function executions(workflowId, { includeUnfinished = false, afterId = 0 } = {}) {
		const rows = await query(
			// e.* rather than a column list: n8n 1.x has no storedAt column (it always stored in the DB).
			`SELECT e.*, d.data AS data
			   FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id
			  WHERE e.workflowId = ? AND e.deletedAt IS NULL AND e.id > ?
			  ORDER BY e.id ASC`,
			[workflowId, Number(afterId)],
		);
		return rows
			.filter((r) => includeUnfinished || FINISHED_STATUSES.has(r.status))
			.map((r) => {
				if (r.storedAt && r.storedAt !== 'db') {
					throw new Error(`execution ${r.id} is stored in "${r.storedAt}", only "db" is supported`);
				}
				return decodeExecution(r);
			});
	}

	async function maxExecutionId() {
		const rows = await query('SELECT MAX(id) AS id FROM execution_entity');
		return rows[0]?.id ?? 0;
	}

	const instance = {
		userFolder,
		n8nFolder,
		port,
		baseUrl,
		version,
		bin,
		dbPath,
		logFile,
		encryptionKey,
		get running() {
			return server !== null && server.exitCode === null && server.signalCode === null;
		},

		/**
		 * Installs a packed community package the way n8n does (no npm install: no runtime deps).
		 * Synchronous on purpose: callers may or may not await it, and the next CLI call must see
		 * the files either way. Restart a running instance to load it.
		 */
		installPackageTarball(tgzPath) {
			const nodesModules = join(n8nFolder, 'nodes', 'node_modules');
			mkdirSync(nodesModules, { recursive: true });
			// Extract next to the target (same filesystem, so the final rename is atomic).
			const staging = mkdtempSync(join(nodesModules, '.staging-'));
			try {
				const r = spawnSync('tar', ['-xzf', resolve(tgzPath), '-C', staging, '--strip-components=1'], {
					encoding: 'utf8',
					timeout: 60000,
				});
				if (r.error || r.status !== 0) {
					throw new Error(`tar -xzf ${tgzPath} failed: ${r.error?.message ?? ''}${r.stderr ?? ''}`);
				}
				const pkgFile = join(staging, 'package.json');
				const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
				if (pkg.dependencies && Object.keys(pkg.dependencies).length > 0) {
					throw new Error(
						`${pkg.name} declares runtime dependencies (${Object.keys(pkg.dependencies).join(', ')}); ` +
							'community packages must have none and this harness does not run npm install',
					);
				}
				// As n8n's installer does: the host provides n8n-workflow via NODE_PATH.
				delete pkg.devDependencies;
				delete pkg.peerDependencies;
				delete pkg.optionalDependencies;
				writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
				const target = join(nodesModules, ...pkg.name.split('/'));
				rmSync(target, { recursive: true, force: true });
				mkdirSync(dirname(target), { recursive: true });
				renameSync(staging, target);
				log(`installed ${pkg.name}@${pkg.version} into ${target}`);
				if (instance.running) log('n8n is running: restart it (stop/start) to load the package');
				return { name: pkg.name, version: pkg.version, dir: target };
			} finally {
				rmSync(staging, { recursive: true, force: true });
			}
		},

		cli,

		async importCredentials(credentials) {
			for (const c of credentials) {
				if (!c.id || !c.name || !c.type || !c.data) throw new Error('importCredentials: each needs id, name, type, data');
			}
			await withTempJson('credentials', credentials, async (file) => {
				const r = await cli(['import:credentials', `--input=${file}`]);
				if (r.code !== 0 || !/Successfully imported/.test(r.stdout)) throw cliFailure('import:credentials', r);
			});
		},

		async importWorkflows(workflows) {
			for (const w of workflows) {
				if (!w.id) throw new Error(`importWorkflows: workflow "${w.name}" has no explicit id`);
			}
			await withTempJson('workflows', workflows, async (file) => {
				const r = await cli(['import:workflow', `--input=${file}`]);
				if (r.code !== 0 || !/Successfully imported/.test(r.stdout)) throw cliFailure('import:workflow', r);
			});
		},

		/**
		 * Runs a workflow that starts with a Manual Trigger. Resolves with the run also when a node
		 * failed (status "error", `error` set); rejects only when n8n produced no run at all.
		 */
		async execute(workflowId, { timeoutMs = 180000 } = {}) {
			const r = await cli(['execute', `--id=${workflowId}`, '--rawOutput'], { timeoutMs });
			const run = parseRunOutput(r.stdout);
			if (!run) {
				throw cliFailure(`n8n execute --id=${workflowId}`, r);
			}
			return toResult(run, { exitCode: r.code, durationMs: r.durationMs });
		},

		/** Runs several workflows in one `execute-batch` process; returns { [id]: result }. */
		async executeMany(ids, { timeoutMs = 600000 } = {}) {
			const unique = [...new Set(ids.map(String))];
			const results = {};
			// execute-batch drops ids without a digit (it filters them with /\d+/).
			const batchable = unique.filter((id) => /\d/.test(id));
			if (batchable.length > 1) {
				const before = await maxExecutionId();
				const r = await withTempDir('batch', async (dir) => {
					const out = await cli(
						['execute-batch', `--ids=${batchable.join(',')}`, '--retries=0', `--output=${join(dir, 'summary.json')}`],
						{ timeoutMs },
					);
					const summaryFile = join(dir, 'summary.json');
					out.summary = existsSync(summaryFile) ? JSON.parse(await readFile(summaryFile, 'utf8')) : null;
					return out;
				});
				// Exit code 1 just means "some workflow failed"; no summary means the batch itself broke.
				if (!r.summary || (r.code !== 0 && r.code !== 1)) throw cliFailure('n8n execute-batch', r);
				for (const id of batchable) {
					const [latest] = (await executions(id, { afterId: before })).filter((e) => e.mode === 'cli').slice(-1);
					if (!latest) continue; // not stored (e.g. EXECUTIONS_DATA_SAVE_ON_* = none): run alone below
					const run = {
						data: latest.data,
						mode: latest.mode,
						startedAt: latest.startedAt,
						stoppedAt: latest.stoppedAt,
						status: latest.status,
						finished: latest.finished,
					};
					results[id] = toResult(run, { executionId: latest.id });
				}
			}
			for (const id of unique) {
				if (!results[id]) results[id] = await instance.execute(id);
			}
			return Object.fromEntries(ids.map((id) => [String(id), results[String(id)]]));
		},

		/** `n8n export:nodes` → array of node type descriptions (names like "<package>.<node>"). */
		async exportNodes() {
			return withTempDir('nodes', async (dir) => {
				const output = join(dir, 'nodes.json');
				const r = await cli(['export:nodes', `--output=${output}`]);
				if (r.code !== 0 || !existsSync(output)) throw cliFailure('export:nodes', r);
				return JSON.parse(await readFile(output, 'utf8'));
			});
		},

		/**
		 * Publishes (activates) a workflow. The CLI only edits the DB; a running n8n picks it up
		 * only on restart, so a running instance is restarted.
		 */
		async publish(workflowId, { restart = true } = {}) {
			// n8n 1.x has no publish:workflow; it activates with update:workflow --active=true.
			const r = await cli(legacyCli ? ['update:workflow', `--id=${workflowId}`, '--active=true'] : ['publish:workflow', `--id=${workflowId}`]);
			// The command logs errors but may still exit 0; check both.
			if (r.code !== 0 || /Error updating database|not found/i.test(r.stdout + r.stderr)) {
				throw cliFailure(`publish:workflow --id=${workflowId}`, r);
			}
			if (restart && instance.running) {
				log('restarting n8n so the published workflow is activated');
				await instance.stop();
				await instance.start();
			}
		},

		async unpublish(workflowId) {
			const r = await cli(legacyCli ? ['update:workflow', `--id=${workflowId}`, '--active=false'] : ['unpublish:workflow', `--id=${workflowId}`]);
			if (r.code !== 0) throw cliFailure(`unpublish:workflow --id=${workflowId}`, r);
		},

		/**
		 * Starts `n8n start` in the background and resolves once /healthz answers and the start-up
		 * (incl. activating published workflows) has finished.
		 */
		async start({ timeoutMs = 120000 } = {}) {
			if (instance.running) return;
			const logOffset = existsSync(logFile) ? statSync(logFile).size : 0;
			const fd = openSync(logFile, 'a');
			let child;
			try {
				child = spawnTracked(nodeBinary, [bin, 'start'], {
					env: await envFor(),
					cwd: userFolder,
					stdio: ['ignore', fd, fd],
				});
			} finally {
				closeSync(fd); // the child has its own copy
			}
			server = child;
			log(`n8n start (pid ${child.pid}, ${baseUrl}, log ${logFile})`);
			const readLog = () => {
				try {
					return readFileSync(logFile, 'utf8').slice(logOffset);
				} catch {
					return '';
				}
			};
			const deadline = Date.now() + timeoutMs;
			let healthy = false;
			while (Date.now() < deadline) {
				if (child.exitCode !== null || child.signalCode !== null) {
					server = null;
					throw new Error(`n8n exited during start-up (code ${child.exitCode})\n--- n8n.log (tail) ---\n${tail(readLog())}`);
				}
				if (!healthy) {
					try {
						const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
						healthy = res.ok;
					} catch {
						// not listening yet
					}
				}
				// Printed after the active workflows were activated (and first polls ran).
				if (healthy && /Editor is now accessible via/.test(readLog())) {
					log('n8n is up');
					return;
				}
				await sleep(250);
			}
			await instance.stop();
			throw new Error(`n8n did not start within ${timeoutMs} ms\n--- n8n.log (tail) ---\n${tail(readLog())}`);
		},

		/** Creates the owner account so a person can log in; skipped if it exists. */
		async setupOwner({ email, password, firstName, lastName }) {
			if (!instance.running) throw new Error('setupOwner: start() the instance first');
			const settings = await fetch(`${baseUrl}/rest/settings`, { signal: AbortSignal.timeout(10000) });
			const body = await settings.json();
			if (body?.data?.userManagement?.showSetupOnFirstLoad === false) return { created: false };
			const res = await fetch(`${baseUrl}/rest/owner/setup`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ email, password, firstName, lastName }),
				signal: AbortSignal.timeout(10000),
			});
			const text = await res.text();
			if (res.status === 400 && /already setup/i.test(text)) return { created: false };
			if (!res.ok) {
				// e.g. password policy: 8–64 characters, at least one number and one capital letter
				throw new Error(`POST /rest/owner/setup → ${res.status}: ${tail(text, 500)}`);
			}
			return { created: true, user: JSON.parse(text).data };
		},

		/** Finished executions of a workflow, oldest first, with decoded run data. */
		executions,

		/** Read-only SQL against n8n's SQLite DB (for assertions). */
		query,

		/** Polls the DB until the workflow has at least `count` finished executions. */
		async waitForExecutions(workflowId, count = 1, { timeoutMs = 90000, intervalMs = 500, afterId = 0 } = {}) {
			const deadline = Date.now() + timeoutMs;
			let found = [];
			while (Date.now() < deadline) {
				found = await executions(workflowId, { afterId });
				if (found.length >= count) return found;
				if (server && !instance.running) throw new Error('n8n exited while waiting for executions');
				await sleep(intervalMs);
			}
			throw new Error(
				`waited ${timeoutMs} ms for ${count} execution(s) of workflow ${workflowId}, found ${found.length}\n` +
					`--- n8n.log (tail) ---\n${tail(existsSync(logFile) ? readFileSync(logFile, 'utf8') : '', 2000)}`,
			);
		},

		/** Stops the background server: SIGTERM, wait, then SIGKILL of its process group. */
		async stop({ graceMs = 20000 } = {}) {
			const child = server;
			server = null;
			if (child) {
				await terminate(child, { graceMs });
				log('n8n stopped');
			}
		},
	};
	return instance;
}
