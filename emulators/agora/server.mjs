#!/usr/bin/env node
// GyroTools Agora emulator (MRI / imaging data management, a Django REST framework app):
// HTTP plumbing, the request pipeline and the CLI entry point. The contract is
// reference/agora.md: the documented /api/v2/ routes of seed 000 (Part A), the routes the
// GyroTools connectors use (Part B), handled as Part C says.
//
//   import { startAgoraEmulator } from './emulators/agora/server.mjs';
//   const agora = await startAgoraEmulator({ stepMs: 20 });  // { url, port, close, store }
//
//   node emulators/agora/server.mjs --port 0 --seed demo --data-dir X --step-ms 300
//   -> prints {"emulator":"agora","url":"http://127.0.0.1:PORT"} once listening
//
// Pipeline (order mirrors Django + DRF): control routes bypass everything; then the request
// log, statistics and injected faults; path normalisation (a missing trailing slash is
// accepted on every route, never redirected, B.1); Django's URL routing (unknown paths are
// the HTML 404 page); DRF authentication (401) and the read-only check (403); method
// dispatch (405, OPTIONS); the handler, which reads the body lazily (JSON, urlencoded or
// multipart on every route; 400/413/415). Chunk uploads of import sessions read `ctx.req`
// as a stream themselves (routes-imports.mjs), so no body limit or buffer applies to them.
// Injected faults: 503s and dropped connections (decided before the body is read) and crash
// points on chunk uploads: the CLI process exits with code 75; in-process, every socket is
// destroyed and the server stops listening (a stand-in for a killed process).
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseFlags } from '../lib/cli-flags.mjs';
import { handleControlRequest } from '../lib/control-server.mjs';
import { createFaultInjector, parseChunkPoints } from '../lib/fault-injection.mjs';
import { BodyTooLargeError, readBody } from '../lib/http-body.mjs';
import { closeServer, exitOnSignals, listen } from '../lib/http-listen.mjs';
import { sendBody, sendText } from '../lib/http-send.mjs';
import { BodyDecodeError, decodeRequestBody, describeBody } from '../lib/request-data.mjs';
import { createRequestLog } from '../lib/request-log.mjs';
import { createRequestStats, meterResponse } from '../lib/request-stats.mjs';
import { Access } from './access.mjs';
import { Auth } from './auth.mjs';
import { BlobStore } from './blobs.mjs';
import { buildConfig } from './config.mjs';
import { isDocumentedOnly } from './documented-routes.mjs';
import { createControlRouter } from './control-routes.mjs';
import { DataModel } from './data-model.mjs';
import { ImportPipeline } from './import-pipeline.mjs';
import { ImportStore } from './imports.mjs';
import {
	ApiError,
	detailError,
	methodNotAllowed,
	NOT_FOUND_HTML,
	notAuthenticated,
	permissionDenied,
} from './errors.mjs';
import { createRepresenter } from './representations.mjs';
import { createAgoraApi } from './routes.mjs';
import { createUser, resetToSeed } from './seed.mjs';
import { Store } from './store.mjs';
import { Timeline } from './timeline.mjs';

const CONTROL_PREFIX = '/__emulator/';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Exit code of a crash point in the CLI process (EX_TEMPFAIL). */
export const CRASH_EXIT_CODE = 75;

/**
 * Starts the emulator. Options (all optional): host, port, users, seed ('demo'|'none'),
 * dataDir, stepMs, pageSize, version, server; `faults` ({rate503, rateReset, routes,
 * crashAtChunk, crashAtChunks, crashWhen}, as POST /__emulator/faults); `exitOnCrash` (the
 * CLI: a crash point exits the process instead of dropping the sockets).
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>, store: Store,
 *   crashed: () => boolean}>}
 */
export async function startAgoraEmulator(options = {}) {
	const config = buildConfig(options);
	if (config.dataDir) mkdirSync(config.dataDir, { recursive: true });
	const store = new Store({ dataDir: config.dataDir });
	const blobs = new BlobStore(config.dataDir);
	const model = new DataModel(store, blobs);
	const access = new Access(store);
	const repr = createRepresenter(store, access);
	const auth = new Auth(store, config);
	const timeline = new Timeline({ store, config, model });
	const imports = new ImportStore(config.dataDir);
	const importer = new ImportPipeline({ store, model, timeline, config, imports });
	const faults = createFaultInjector({ extended: true, persist: imports.faultPersistence() });
	if (options.faults) faults.configure(options.faults);
	let crashed = false;
	const sockets = new Set();
	/** A crash point: see the header. */
	const crash = (reason) => {
		process.stderr.write(`agora emulator: ${reason}\n`);
		if (options.exitOnCrash) process.exit(CRASH_EXIT_CODE);
		crashed = true;
		timeline.stop();
		importer.stop();
		server.close();
		for (const socket of sockets) socket.destroy();
	};
	const services = {
		store,
		blobs,
		model,
		access,
		repr,
		auth,
		timeline,
		config,
		imports,
		importer,
		faults,
		crash,
	};

	if (store.load()) {
		// A saved state keeps its data; configured users that are missing are added.
		for (const u of config.users) if (!auth.userByName(u.username)) createUser(model, u);
		timeline.start();
	} else {
		resetToSeed(services);
	}
	importer.start();

	const stats = createRequestStats();
	const requestLog = createRequestLog({ capacity: config.requestLogSize });
	const api = createAgoraApi(services);
	const control = createControlRouter({ ...services, stats, faults, requestLog });

	const server = createServer((req, res) => {
		if (crashed) {
			req.socket.destroy();
			return;
		}
		const url = new URL(req.url ?? '/', 'http://emulator');
		const handled = url.pathname.startsWith(CONTROL_PREFIX)
			? handleControlRequest(control, req, res, url)
			: handleApi(req, res);
		handled.catch((err) => {
			if (crashed) return;
			// Last resort: never leave a request hanging.
			process.stderr.write(`agora emulator: ${err?.stack ?? err}\n`);
			if (!res.headersSent) sendText(res, 500, 'internal emulator error\n');
			else res.destroy();
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	});

	async function handleApi(req, res) {
		const entry = requestLog.begin(req);
		const rawUrl = req.url ?? '/';
		const q = rawUrl.indexOf('?');
		const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
		const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
		const path = normalizePath(rawPath);
		const match =
			config.documentedRoutes || !isDocumentedOnly(path) ? api.router.match(req.method, path) : null;
		const routeKey = `${req.method} ${match ? (match.route?.pattern ?? match.pattern) : '(unmatched)'}`;
		entry.route = routeKey;
		meterResponse(res, (bytes) => {
			entry.status = res.statusCode;
			stats.record(routeKey, bytes);
		});

		const fault = faults.decide(rawPath);
		if (fault === 'reset') {
			// No response at all, before the body is read: the client sees a dropped connection.
			entry.fault = 'reset';
			req.socket.destroy();
			return;
		}
		if (fault === '503') {
			sendText(res, 503, 'Service Unavailable (fault injected by the emulator)\n', {
				headers: { 'Retry-After': '0' },
			});
			return;
		}
		if (!match) {
			sendBody(res, 404, NOT_FOUND_HTML, 'text/html; charset=utf-8');
			return;
		}

		const meta = match.route?.meta ?? match.meta;
		const allow = api.router.allowedFor(path);
		const headers = { Allow: allow.join(', '), Vary: 'Accept' };
		try {
			let user = null;
			if (meta.auth) {
				user = auth.authenticate(req.headers.authorization);
				if (!user) throw notAuthenticated();
			} else {
				try {
					user = auth.authenticate(req.headers.authorization);
				} catch {
					user = null; // open routes ignore bad credentials (go pings without any)
				}
			}
			if (req.method === 'OPTIONS') {
				writeResult(res, { status: 200, data: optionsMetadata(match) }, headers);
				return;
			}
			if (!match.route) throw methodNotAllowed(req.method, allow);
			if (!SAFE_METHODS.has(req.method) && user?.readOnly && !meta.readOnlyAllowed)
				throw permissionDenied();

			let bodyPromise;
			const rawBody = () =>
				(bodyPromise ??= readBody(req, { limitBytes: config.maxBodyBytes }).then((buffer) => {
					entry.body = describeBody(buffer, req.headers['content-type']);
					return buffer;
				}));
			const ctx = {
				req,
				res,
				method: req.method,
				user,
				params: match.params,
				query: new URLSearchParams(rawQuery),
				rawQuery,
				rawPath,
				apiVersion: meta.version,
				origin: `http://${req.headers.host ?? `${config.host}:${port}`}`,
				config,
				rawBody,
				/** For handlers that read the body as a stream: what the request log shows. */
				logBody: (description) => {
					entry.body = description;
				},
				body: async () => {
					const buffer = await rawBody();
					try {
						return decodeRequestBody(buffer, req.headers['content-type']);
					} catch (e) {
						if (e instanceof BodyDecodeError) throw detailError(e.status, e.message);
						throw e;
					}
				},
			};
			const result = await match.route.handler(ctx);
			writeResult(res, result, { ...headers, ...(result.headers ?? {}) });
		} catch (caught) {
			let err = caught;
			if (err instanceof BodyTooLargeError) err = detailError(413, 'Request body too large.');
			if (!(err instanceof ApiError)) {
				process.stderr.write(`agora emulator: unexpected error: ${err?.stack ?? err}\n`);
				err = detailError(500, `Server error: ${err?.message ?? err}`);
			}
			if (err.html !== undefined) {
				sendBody(res, err.status, err.html, 'text/html; charset=utf-8');
				return;
			}
			writeResult(res, { status: err.status, data: err.body }, { ...headers, ...err.headers });
		}
	}

	const { port, url } = await listen(server, { host: config.host, port: config.port });

	let closed = false;
	async function close() {
		if (closed) return;
		closed = true;
		timeline.stop();
		importer.stop();
		await closeServer(server);
		store.flush();
		blobs.close();
		imports.close();
	}

	return { url, port, close, store, crashed: () => crashed };
}

/**
 * Every route ends in `/`; a path without it is served as if it had one (B.1: some connector
 * calls omit it, and the emulator must not redirect POST or DELETE). Also repairs py's
 * `move_to{pid}/` (a missing slash in its move-without-folder call).
 */
export function normalizePath(rawPath) {
	let path = rawPath.replace(/\/{2,}/g, '/').replace(/\/(move_to|copy_to)(\d+)\//, '/$1/$2/');
	if (!path.endsWith('/')) path += '/';
	return path;
}

/** DRF's SimpleMetadata answer to OPTIONS (without field details). */
function optionsMetadata(match) {
	const pattern = match.route?.pattern ?? match.pattern;
	return {
		name: pattern,
		description: '',
		renders: ['application/json'],
		parses: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
	};
}

/** Writes a handler result: JSON (DRF's compact renderer, key order kept), empty, bytes or a file. */
function writeResult(res, result, headers) {
	if (result.status === 204 || result.empty) {
		sendBody(res, result.status, '', undefined, { headers });
		return;
	}
	if (result.stream) {
		res.statusCode = result.status;
		for (const [name, value] of Object.entries({ ...headers, ...result.streamHeaders }))
			res.setHeader(name, value);
		if (res.req?.method === 'HEAD') {
			res.end();
			return;
		}
		const stream = result.stream();
		stream.on('error', () => res.destroy());
		// pipe() does not close the source when the client goes away: close it, or the file
		// stays open until garbage collection.
		res.on('close', () => {
			if (!res.writableFinished) stream.destroy();
		});
		stream.pipe(res);
		return;
	}
	if (result.raw !== undefined) {
		sendBody(res, result.status, result.raw, result.contentType, { headers });
		return;
	}
	sendBody(res, result.status, JSON.stringify(result.data), 'application/json', { headers });
}

const CLI_FLAGS = {
	host: 'string',
	port: 'number',
	seed: 'string',
	'data-dir': 'string',
	'step-ms': 'number',
	'page-size': 'number',
	version: 'string',
	users: 'json',
	'api-key-schemes': 'string', // token,x-agora-api-key (default both)
	'documented-routes': 'boolean', // --no-documented-routes: only the connectors' routes
	// fault injection (the same as POST /__emulator/faults)
	rate503: 'number',
	'rate-reset': 'number',
	'fault-routes': 'string', // comma-separated path prefixes
	'crash-at-chunk': 'number',
	'crash-at-chunks': 'string', // 3,7,12: counted over the lifetime of the data dir
	'crash-when': 'string', // before | after | random
};

/** CLI flags -> startAgoraEmulator() options. */
export function cliOptions(argv) {
	const flags = parseFlags(argv, CLI_FLAGS);
	const { rate503, rateReset, faultRoutes, crashAtChunk, crashAtChunks, crashWhen, ...options } =
		flags;
	const faults = {
		rate503,
		rateReset,
		routes: faultRoutes ? faultRoutes.split(',').filter(Boolean) : undefined,
		crashAtChunk,
		crashAtChunks: crashAtChunks === undefined ? undefined : parseChunkPoints(crashAtChunks),
		crashWhen,
	};
	if (Object.values(faults).some((v) => v !== undefined)) options.faults = faults;
	return { ...options, exitOnCrash: true };
}

async function main() {
	let options;
	try {
		options = cliOptions(process.argv.slice(2));
	} catch (e) {
		process.stderr.write(
			`agora emulator: ${e.message}\nflags: ${Object.keys(CLI_FLAGS)
				.map((f) => `--${f}`)
				.join(' ')}\n`,
		);
		process.exit(2);
	}
	const emulator = await startAgoraEmulator(options);
	exitOnSignals(emulator.close);
	process.stdout.write(`${JSON.stringify({ emulator: 'agora', url: emulator.url })}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	main().catch((e) => {
		process.stderr.write(`agora emulator failed to start: ${e?.stack ?? e}\n`);
		process.exit(1);
	});
}
