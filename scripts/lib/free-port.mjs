// Finds a TCP port on 127.0.0.1 that is free right now (the OS picks it: listen on port 0).
// There is a small race between closing the probe socket and the caller binding the port;
// ports handed out by this process are remembered so two calls never return the same one.
import { createServer } from 'node:net';

const handedOut = new Set();

function probe() {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.unref();
		srv.once('error', reject);
		srv.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

export async function getFreePort() {
	for (let attempt = 0; attempt < 20; attempt++) {
		const port = await probe();
		if (!handedOut.has(port)) {
			handedOut.add(port);
			return port;
		}
	}
	throw new Error('getFreePort: could not find an unused port in 20 attempts');
}
