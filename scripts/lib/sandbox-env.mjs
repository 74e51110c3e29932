// The sandbox as a reusable function: the package in a real n8n with the three platform
// emulators, credentials for them and the example workflows imported, and an owner login.
// `npm start` (scripts/sandbox.mjs) runs it on fixed ports with state in .sandbox/; the browser
// test (test/browser/) runs it on free ports in a temporary folder.
//
//   const sandbox = await startSandbox({ stateDir, ports: { n8n, ccAgency, alyx, agora } });
//   sandbox.n8nUrl, sandbox.owner, sandbox.urls, sandbox.workflows, sandbox.n8n; await sandbox.stop();
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { repoRoot } from './paths.mjs';
import { capture } from './run.mjs';
import { ensureN8n } from './n8n-install.mjs';
import { createN8nInstance } from './n8n-instance.mjs';
import { startCcAgencyEmulator } from '../../emulators/cc-agency/server.mjs';
import { startAlyxEmulator } from '../../emulators/alyx/server.mjs';
import { startAgoraEmulator } from '../../emulators/agora/server.mjs';
import { AGORA_ALICE_KEY, emulatorCredentials } from './emulator-credentials.mjs';

export const DEFAULT_PORTS = Object.freeze({ n8n: 5678, ccAgency: 5701, alyx: 5702, agora: 5703 });
export const OWNER = Object.freeze({ email: 'lab@example.com', password: 'Sandbox-Pa55word', firstName: 'Lab', lastName: 'Admin' });
export const EXAMPLES_DIR = join(repoRoot, 'examples');

// ---- build only when the sources changed ----
// What `npm run build` reads (tsconfig.json "include", gulpfile.js) plus what decides how it
// compiles. Directories count too: deleting or renaming a file changes its folder's mtime.
const BUILD_INPUTS = ['nodes', 'credentials', 'index.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'gulpfile.js'];
const BUILD_STAMP = join(repoRoot, '.cache', 'sandbox-build.json');

function newestMtime(path) {
	let stat;
	try {
		stat = statSync(path);
	} catch {
		return 0;
	}
	let newest = stat.mtimeMs;
	if (stat.isDirectory()) {
		for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
	}
	return newest;
}

function distIdentity() {
	try {
		const s = statSync(join(repoRoot, 'dist'));
		return `${s.dev}:${s.ino}:${s.birthtimeMs}`;
	} catch {
		return null;
	}
}

/**
 * Why a build is needed, or null when dist/ is up to date: it was made by the last build
 * recorded here (npm run build deletes and recreates dist/, so any other build changes its
 * identity), every file package.json names exists, and no source was touched since that
 * build started.
 */
export function buildNeeded() {
	if (!existsSync(BUILD_STAMP)) return 'no build recorded yet';
	let stamp;
	try {
		stamp = JSON.parse(readFileSync(BUILD_STAMP, 'utf8'));
	} catch {
		return 'build record unreadable';
	}
	if (!stamp.dist || stamp.dist !== distIdentity()) return 'dist/ was rebuilt or removed since';
	const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
	const missing = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])].find((f) => !existsSync(join(repoRoot, f)));
	if (missing) return `${missing} is missing`;
	for (const input of BUILD_INPUTS) {
		if (newestMtime(join(repoRoot, input)) >= stamp.startedAt) return `${input} changed`;
	}
	return null;
}

function build(log) {
	const startedAt = Date.now();
	const built = capture('npm', ['run', 'build'], { cwd: repoRoot });
	if (built.code !== 0) {
		rmSync(BUILD_STAMP, { force: true });
		throw new Error(`npm run build failed:\n${built.stdout}\n${built.stderr}`);
	}
	mkdirSync(join(repoRoot, '.cache'), { recursive: true });
	writeFileSync(BUILD_STAMP, JSON.stringify({ startedAt, dist: distIdentity() }, null, 2));
	log(`built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
}

/** npm pack into a folder of this sandbox (not .cache/pack, which the e2e tests clear). */
function pack(dir) {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const packed = capture('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: repoRoot });
	if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
	const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
	if (!tarball) throw new Error(`npm pack wrote no tarball into ${dir}`);
	return join(dir, tarball);
}

function readExamples(log) {
	const examples = [];
	for (const file of readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort()) {
		try {
			const workflow = JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8'));
			if (!workflow.id || !workflow.name) throw new Error('no "id" or "name"');
			examples.push({ file, workflow });
		} catch (error) {
			// One broken example (e.g. being edited) must not keep the sandbox from starting.
			log(`skipping examples/${file}: ${error.message}`);
		}
	}
	return examples;
}

/**
 * Starts the sandbox. Resolves once n8n answers and the owner can log in.
 *
 * @param {object} options
 * @param {string} options.stateDir      n8n's folder and the emulators' data (kept between runs)
 * @param {{n8n?: number, ccAgency?: number, alyx?: number, agora?: number}} [options.ports]
 * @param {(message: string) => void} [options.log]
 * @param {number} [options.stepMs]      how fast the emulators' simulated jobs advance
 * @param {boolean} [options.reset]      delete stateDir first
 * @param {'auto'|boolean} [options.build]  'auto': build only when a source is newer than dist/
 */
export async function startSandbox({ stateDir, ports = {}, log = () => {}, stepMs = 1000, reset = false, build: doBuild = 'auto' } = {}) {
	if (!stateDir) throw new Error('startSandbox: stateDir is required');
	stateDir = resolve(stateDir);
	ports = { ...DEFAULT_PORTS, ...ports };
	if (reset) {
		rmSync(stateDir, { recursive: true, force: true });
		log(`removed ${stateDir}`);
	}
	mkdirSync(join(stateDir, 'emulators'), { recursive: true });

	const stops = [];
	let stopped = false;
	async function stop() {
		if (stopped) return;
		stopped = true;
		for (const fn of stops.reverse()) await fn().catch(() => {});
	}

	try {
		ensureN8n({ log });
		const why = doBuild === 'auto' ? buildNeeded() : doBuild ? 'asked to' : null;
		if (why) {
			log(`building the package (${why})...`);
			build(log);
		} else {
			log('dist/ is up to date with nodes/, credentials/ and package.json: not rebuilding');
		}
		const tarball = pack(join(stateDir, 'pack'));

		const cc = await startCcAgencyEmulator({ port: ports.ccAgency, seed: 'demo', dataFile: join(stateDir, 'emulators', 'cc-agency.json'), stepMs });
		stops.push(() => cc.close());
		const alyx = await startAlyxEmulator({ port: ports.alyx, seed: 'demo', dataFile: join(stateDir, 'emulators', 'alyx.json') });
		stops.push(() => alyx.close());
		const agora = await startAgoraEmulator({ port: ports.agora, seed: 'demo', dataDir: join(stateDir, 'emulators', 'agora'), stepMs });
		stops.push(() => agora.close());

		const n8n = await createN8nInstance({ userFolder: join(stateDir, 'n8n'), port: ports.n8n, log });
		n8n.installPackageTarball(tarball);

		// What was imported before is remembered, so a newer checkout adds its new examples and
		// credentials without overwriting workflows the user has edited.
		const markerPath = join(stateDir, 'n8n', '.imported.json');
		const imported = existsSync(markerPath) ? JSON.parse(readFileSync(markerPath, 'utf8')) : { credentials: [], examples: [] };
		const allCredentials = emulatorCredentials({ ccAgency: cc.url, alyx: alyx.url, agora: agora.url });
		const credentials = allCredentials.filter((c) => !imported.credentials.includes(c.id));
		const allExamples = readExamples(log);
		const examples = allExamples.filter((e) => !imported.examples.includes(e.file));
		if (credentials.length) {
			log(`importing credentials: ${credentials.map((c) => c.name).join(', ')}`);
			await n8n.importCredentials(credentials);
		}
		if (examples.length) {
			log(`importing example workflows: ${examples.map((e) => e.file).join(', ')}`);
			await n8n.importWorkflows(examples.map((e) => e.workflow));
		}
		writeFileSync(
			markerPath,
			JSON.stringify({ credentials: [...imported.credentials, ...credentials.map((c) => c.id)], examples: [...imported.examples, ...examples.map((e) => e.file)] }, null, 2),
		);

		await n8n.start();
		stops.push(() => n8n.stop());
		await n8n.setupOwner(OWNER);

		const n8nUrl = `http://localhost:${n8n.port}`;
		// The imported examples as n8n holds them now (a user may have renamed or deleted some).
		const rows = await n8n.query('SELECT id, name FROM workflow_entity');
		const inDb = new Map(rows.map((r) => [String(r.id), r.name]));
		const workflows = allExamples
			.filter((e) => inDb.has(e.workflow.id))
			.map((e) => ({ id: e.workflow.id, name: inDb.get(e.workflow.id), file: `examples/${e.file}`, url: `${n8nUrl}/workflow/${e.workflow.id}` }));

		return {
			n8nUrl,
			owner: { email: OWNER.email, password: OWNER.password },
			urls: { ccAgency: cc.url, alyx: alyx.url, agora: agora.url },
			credentials: allCredentials.map(({ id, name, type }) => ({ id, name, type })),
			workflows,
			stateDir,
			n8n,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** The text `npm start` prints once everything runs: what is where, and how to stop or reset. */
export function sandboxBanner(sandbox, { resetCommand = 'npm start -- --reset' } = {}) {
	const stateDir = relative(process.cwd(), sandbox.stateDir) || '.';
	const pad = (s, n) => s.padEnd(n);
	const width = Math.max(...sandbox.workflows.map((w) => w.name.length), 0);
	const workflowLines = sandbox.workflows.length
		? sandbox.workflows.map((w) => `    ${pad(w.name, width)}  ${w.url}`).join('\n')
		: '    (none)';
	return `
  n8n with n8n-nodes-research-data is running.

  Open n8n in your browser and log in:
    n8n         ${sandbox.n8nUrl}
    login       ${sandbox.owner.email} / ${sandbox.owner.password}

  Platform emulators (local stand-ins for the real servers; n8n's credentials point at them):
    CC-Agency   ${sandbox.urls.ccAgency}  users alice/alice-password, admin/admin-password
    Alyx        ${sandbox.urls.alyx}  users alice/alice-password, admin/admin-password, public/public-password
    Agora       ${sandbox.urls.agora}  user alice/alice-password, API key ${AGORA_ALICE_KEY}

  Credentials in n8n (Overview → Credentials): ${sandbox.credentials.map((c) => c.name).join(', ')}

  Example workflows (open one, then press "Execute workflow"):
${workflowLines}

  New here? Run "Demo scanner: send a mouse MRI exam to Agora" first, then "Scanner to
  analysis": its trigger picks up the scanner's import and every step turns green.

  State (n8n's database, the emulators' data) is kept in ${stateDir}/ between runs.
  Press Ctrl-C to stop everything; \`${resetCommand}\` starts afresh.
`;
}
