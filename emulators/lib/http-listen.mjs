// Start/stop helpers for emulator HTTP servers: listen on a (possibly free) port, close
// including keep-alive connections (so tests exit promptly), and clean shutdown on signals.

/** Listens and resolves with `{ port, url }`; `url` has no trailing slash. */
export function listen(server, { host = '127.0.0.1', port = 0 } = {}) {
	return new Promise((resolve, reject) => {
		const onError = (err) => reject(err);
		server.once('error', onError);
		server.listen(port, host, () => {
			server.off('error', onError);
			const address = server.address();
			resolve({ port: address.port, url: `http://${hostForUrl(host)}:${address.port}` });
		});
	});
}

export function hostForUrl(host) {
	if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
	return host.includes(':') ? `[${host}]` : host;
}

/** Stops accepting, drops idle and active keep-alive sockets, resolves when closed. */
export function closeServer(server) {
	return new Promise((resolve) => {
		if (!server.listening) {
			resolve();
			return;
		}
		server.close(() => resolve());
		server.closeIdleConnections?.();
		// Active requests (e.g. a client that never finishes) must not keep a test run alive.
		setImmediate(() => server.closeAllConnections?.());
	});
}

/** Calls `close()` once on SIGINT/SIGTERM, then exits with code 0. */
export function exitOnSignals(close) {
	let closing = false;
	const handler = async () => {
		if (closing) return;
		closing = true;
		try {
			await close();
		} finally {
			process.exit(0);
		}
	};
	process.once('SIGINT', handler);
	process.once('SIGTERM', handler);
}
