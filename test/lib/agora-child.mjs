// The Agora emulator as a child process that can really be killed (crash points exit it with
// code 75) and a supervisor that restarts it on the same port and data directory, as an
// operator's service manager would.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../../emulators/agora/server.mjs', import.meta.url));

/** Starts `node emulators/agora/server.mjs <args>`; resolves once it printed its URL. */
export function startAgoraChild(args) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [SERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		const exited = new Promise((done) => child.on('exit', (code, signal) => done({ code, signal })));
		child.stderr.on('data', (c) => (stderr += c));
		child.stdout.on('data', (c) => {
			stdout += c;
			const line = stdout.split('\n')[0];
			if (stdout.includes('\n')) resolve({ child, url: JSON.parse(line).url, exited, stderr: () => stderr });
		});
		child.on('exit', (code) => {
			if (!stdout.includes('\n')) reject(new Error(`the Agora emulator did not start (exit ${code}): ${stderr}`));
		});
	});
}

/** Stops a child started by startAgoraChild (SIGTERM, then waits for it to exit). */
export async function stopAgoraChild(running) {
	if (running && running.child.exitCode === null && running.child.signalCode === null) {
		running.child.kill('SIGTERM');
		await running.exited;
	}
}

/**
 * Keeps the emulator running: whenever it exits on its own it is started again with the same
 * arguments (a fixed --port and --data-dir). `stop()` ends it for good; `restarts` counts.
 */
export async function superviseAgoraChild(args) {
	let current = await startAgoraChild(args);
	let stopping = false;
	const state = { restarts: 0, url: current.url };
	const watch = (running) => {
		running.exited.then(async () => {
			if (stopping) return;
			state.restarts += 1;
			current = await startAgoraChild(args);
			watch(current);
		});
	};
	watch(current);
	return Object.assign(state, {
		async stop() {
			stopping = true;
			await stopAgoraChild(current);
		},
	});
}
