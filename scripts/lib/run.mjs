import { spawnSync } from 'node:child_process';

/** Runs a command with inherited output; exits this process with its code when it fails. */
export function runOrExit(cmd, args, options = {}) {
	const result = spawnSync(cmd, args, { stdio: 'inherit', ...options });
	if (result.status !== 0) {
		console.error(`${cmd} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
		process.exit(result.status || 1);
	}
}

/** Runs a command and returns {code, stdout, stderr} without throwing. */
export function capture(cmd, args, options = {}) {
	const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
	return { code: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}
