// Starts an emulator as its own process (as a real server would be), so the client under
// measurement does not share an event loop with the server.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/lib/paths.mjs';

export async function startEmulatorProcess(name, args = []) {
	const child = spawn(process.execPath, [join(repoRoot, 'emulators', name, 'server.mjs'), '--port', '0', ...args], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const url = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${name} emulator did not start in 30 s`)), 30_000);
		let buffer = '';
		child.stdout.on('data', (chunk) => {
			buffer += chunk;
			const line = buffer.split('\n').find((l) => l.includes('"url"'));
			if (line) {
				clearTimeout(timer);
				resolve(JSON.parse(line).url);
			}
		});
		child.on('exit', (code) => reject(new Error(`${name} emulator exited with ${code}`)));
	});
	return {
		url,
		close: () =>
			new Promise((resolve) => {
				child.once('exit', resolve);
				child.kill('SIGTERM');
			}),
	};
}
