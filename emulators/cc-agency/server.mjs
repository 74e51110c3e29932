#!/usr/bin/env node
// CC-Agency 9.3.0 emulator: HTTP plumbing, request pipeline and CLI entry point.
//
//   import { startCcAgencyEmulator } from './emulators/cc-agency/server.mjs';
//   const agency = await startCcAgencyEmulator({ stepMs: 30 });  // { url, port, close, store }
//
//   node emulators/cc-agency/server.mjs --port 0 --seed demo --data-file x.json --step-ms 300
//   -> prints {"emulator":"cc-agency","url":"http://127.0.0.1:PORT"} once listening
//
// Request pipeline (order matters, it mirrors the Flask app): control routes bypass
// everything; then statistics, injected faults, CORS headers, the Basic check before
// routing (so even GET / with a wrong password is 401), routing (404/405/OPTIONS), handler.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { BodyTooLargeError, readBody } from '../lib/http-body.mjs';
import { parseFlags } from '../lib/cli-flags.mjs';
import { closeServer, exitOnSignals, listen } from '../lib/http-listen.mjs';
import { sendBody, sendJson, sendText } from '../lib/http-send.mjs';
import { createFaultInjector } from '../lib/fault-injection.mjs';
import { createRequestStats, meterResponse } from '../lib/request-stats.mjs';
import { createApiRouter } from './api-routes.mjs';
import { Auth } from './auth.mjs';
import { buildConfig } from './config.mjs';
import { ControlError, createControlRouter } from './control-routes.mjs';
import {
	HttpError,
	internalServerError,
	methodNotAllowed,
	notFound,
	payloadTooLarge,
	renderError,
} from './errors.mjs';
import { Scheduler } from './scheduler.mjs';
import { seedDemoData } from './seed.mjs';
import { Store } from './store.mjs';

const CONTROL_PREFIX = '/__emulator/';
const CORS_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT';

/**
 * Starts the emulator. Options (all optional): host, port, users, numLoginAttempts,
 * blockForSeconds, accessTokenExpires, refreshTokenExpires, nodes, stepMs, dataFile,
 * seed ('demo'|'none'), insecureCapabilities, jwtSecret, notificationHooks.
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>, store: Store}>}
 */
export async function startCcAgencyEmulator(options = {}) {
	const config = buildConfig(options);
	const store = new Store({ dataFile: config.dataFile });
	store.load();
	const auth = new Auth(config);
	const scheduler = new Scheduler({ store, config });
	if (config.seed === 'demo' && store.experiments.size === 0) seedDemoData(store, config);
	scheduler.start();

	const stats = createRequestStats();
	const faults = createFaultInjector();
	const api = createApiRouter({ store, scheduler, auth });
	const control = createControlRouter({ store, scheduler, auth, config, stats, faults });

	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://emulator');
		const handled = url.pathname.startsWith(CONTROL_PREFIX)
			? handleControl(req, res, url)
			: handleApi(req, res, url);
		handled.catch((err) => {
			// Last resort: never leave a request hanging.
			process.stderr.write(`cc-agency emulator: ${err?.stack ?? err}\n`);
			if (!res.headersSent) sendText(res, 500, 'internal emulator error\n');
			else res.destroy();
		});
	});

	async function handleApi(req, res, url) {
		const match = api.match(req.method, url.pathname);
		const routeKey = `${req.method} ${match ? (match.route?.pattern ?? match.pattern) : '(unmatched)'}`;
		meterResponse(res, (bytes) => stats.record(routeKey, bytes));

		if (faults.shouldInject(url.pathname)) {
			sendText(res, 503, 'Service Unavailable (fault injected by the emulator)\n', {
				headers: { 'Retry-After': '0' },
			});
			return;
		}

		const origin = req.headers.origin;
		if (origin) {
			res.setHeader('Access-Control-Allow-Origin', origin);
			res.setHeader('Access-Control-Allow-Credentials', 'true');
			res.setHeader('Vary', 'Origin');
		}

		try {
			const basicUser = auth.checkBasicBeforeRouting(req);
			if (req.method === 'OPTIONS') {
				const allowed = api.allowedFor(url.pathname);
				if (!allowed.length) throw notFound();
				const headers = { Allow: allowed.join(', ') };
				if (origin && req.headers['access-control-request-method']) {
					headers['Access-Control-Allow-Methods'] = CORS_METHODS;
					const requested = req.headers['access-control-request-headers'];
					if (requested) headers['Access-Control-Allow-Headers'] = requested;
				}
				sendBody(res, 200, '', 'text/html; charset=utf-8', { headers });
				return;
			}
			if (!match) throw notFound();
			if (match.allowed) throw methodNotAllowed(match.allowed);

			let bodyPromise;
			const ctx = {
				req,
				query: url.searchParams,
				params: match.params,
				basicUser,
				user: () => auth.requireUser(req, basicUser),
				body: () => (bodyPromise ??= readBody(req, { limitBytes: config.maxBodyBytes })),
			};
			writeResult(res, await match.route.handler(ctx));
		} catch (caught) {
			let err = caught;
			if (err instanceof BodyTooLargeError) err = payloadTooLarge();
			if (!(err instanceof HttpError)) {
				process.stderr.write(`cc-agency emulator: unexpected error: ${err?.stack ?? err}\n`);
				err = internalServerError();
			}
			const r = renderError(err);
			sendBody(res, r.status, r.body, r.contentType, { headers: r.headers });
		}
	}

	async function handleControl(req, res, url) {
		const match = control.match(req.method, url.pathname);
		if (!match || match.allowed) {
			sendJson(res, match ? 405 : 404, { error: `no control route ${req.method} ${url.pathname}` });
			return;
		}
		const ctx = {
			req,
			query: url.searchParams,
			params: match.params,
			jsonBody: async () => {
				const raw = (await readBody(req, { limitBytes: 1024 * 1024 })).toString('utf8');
				if (!raw.trim()) return {};
				try {
					return JSON.parse(raw);
				} catch {
					throw new ControlError('body must be JSON');
				}
			},
		};
		try {
			writeResult(res, await match.route.handler(ctx));
		} catch (err) {
			if (!(err instanceof ControlError || err instanceof BodyTooLargeError)) throw err;
			sendJson(res, 400, { error: err.message });
		}
	}

	const { port, url } = await listen(server, { host: config.host, port: config.port });

	let closed = false;
	async function close() {
		if (closed) return;
		closed = true;
		scheduler.stop();
		await closeServer(server);
		store.flush();
	}

	return { url, port, close, store };
}

function writeResult(res, result) {
	if ('json' in result) {
		// Flask's jsonify: compact, sorted keys, ensure_ascii, trailing newline.
		sendJson(res, result.status, result.json, { asciiOnly: true });
	} else {
		sendBody(res, result.status, result.text, result.contentType, { chunked: result.chunked });
	}
}

const CLI_FLAGS = {
	host: 'string',
	port: 'number',
	seed: 'string',
	'data-file': 'string',
	'step-ms': 'number',
	'insecure-capabilities': 'boolean',
	'jwt-secret': 'string',
	'num-login-attempts': 'number',
	'block-for-seconds': 'number',
	'access-token-expires': 'number',
	'refresh-token-expires': 'number',
	nodes: 'json',
	users: 'json',
	'notification-hooks': 'json',
};

async function main() {
	let options;
	try {
		options = parseFlags(process.argv.slice(2), CLI_FLAGS);
	} catch (e) {
		process.stderr.write(
			`cc-agency emulator: ${e.message}\nflags: ${Object.keys(CLI_FLAGS)
				.map((f) => `--${f}`)
				.join(' ')}\n`,
		);
		process.exit(2);
	}
	const emulator = await startCcAgencyEmulator(options);
	exitOnSignals(emulator.close);
	process.stdout.write(`${JSON.stringify({ emulator: 'cc-agency', url: emulator.url })}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	main().catch((e) => {
		process.stderr.write(`cc-agency emulator failed to start: ${e?.stack ?? e}\n`);
		process.exit(1);
	});
}
