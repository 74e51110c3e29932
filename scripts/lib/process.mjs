// Child-process helpers that never leave processes behind.
//
// Why process groups: n8n starts its own children (the JS task runner, and tries a Python one).
// Killing only the n8n pid can orphan those, so every child is spawned `detached` (it becomes the
// leader of a new process group) and is killed as a group (`process.kill(-pid)`).
// Why the exit/signal hooks: a test that throws, a test-runner timeout (SIGTERM) or Ctrl-C in the
// sandbox must still take n8n down; `exit` handlers run synchronously, so they can only SIGKILL.
import { spawn } from 'node:child_process';

const live = new Set();
let hooksInstalled = false;

function killGroup(child, signal) {
	if (!child.pid) return;
	try {
		process.kill(-child.pid, signal);
	} catch (error) {
		if (error.code !== 'ESRCH') {
			try {
				child.kill(signal);
			} catch {
				// already gone
			}
		}
	}
}

function installHooks() {
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.on('exit', () => {
		for (const child of live) killGroup(child, 'SIGKILL');
	});
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		const onSignal = () => {
			for (const child of live) killGroup(child, 'SIGTERM');
			// If somebody else handles this signal, they decide when to exit (and should call stop()).
			// Otherwise behave like the default handler would, after giving children a moment.
			if (process.listenerCount(signal) > 1) return;
			const deadline = Date.now() + 5000;
			const timer = setInterval(() => {
				if (live.size === 0 || Date.now() > deadline) {
					clearInterval(timer);
					for (const child of live) killGroup(child, 'SIGKILL');
					process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal] ?? 0));
				}
			}, 100);
		};
		process.on(signal, onSignal);
	}
}

/** spawn() in a new process group, tracked for cleanup. Same arguments as child_process.spawn. */
export function spawnTracked(command, args, options = {}) {
	installHooks();
	const child = spawn(command, args, { ...options, detached: true });
	live.add(child);
	const forget = () => {
		live.delete(child);
		// Reap stragglers of the group (e.g. a task runner whose parent already exited).
		killGroup(child, 'SIGKILL');
	};
	child.once('exit', forget);
	child.once('error', () => live.delete(child));
	return child;
}

/** Resolves true when the child has exited within timeoutMs, false otherwise. */
export function waitForExit(child, timeoutMs) {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			child.off('exit', onExit);
			resolve(false);
		}, timeoutMs);
		const onExit = () => {
			clearTimeout(timer);
			resolve(true);
		};
		child.once('exit', onExit);
	});
}

/** SIGTERM the child, wait up to graceMs, then SIGKILL its whole group. */
export async function terminate(child, { graceMs = 15000 } = {}) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	try {
		// Only the leader gets SIGTERM: n8n shuts its task runner down itself, in order.
		child.kill('SIGTERM');
	} catch {
		// already gone
	}
	if (await waitForExit(child, graceMs)) return;
	killGroup(child, 'SIGKILL');
	await waitForExit(child, 5000);
}

export function tail(text, max = 3000) {
	const s = String(text ?? '');
	return s.length <= max ? s : `…${s.slice(-max)}`;
}

/**
 * Runs a command to completion, capturing output. Rejects on spawn failure or timeout
 * (the whole process group is killed first); resolves with the exit code otherwise.
 */
export function runCommand(command, args, { env, cwd, timeoutMs = 120000 } = {}) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = spawnTracked(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
		child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup(child, 'SIGKILL');
		}, timeoutMs);
		child.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			const durationMs = Date.now() - started;
			if (timedOut) {
				const error = new Error(
					`${command} ${args.join(' ')} timed out after ${timeoutMs} ms\n--- output (tail) ---\n${tail(stdout + stderr)}`,
				);
				Object.assign(error, { stdout, stderr, durationMs });
				reject(error);
				return;
			}
			resolve({ code, signal, stdout, stderr, durationMs });
		});
	});
}
