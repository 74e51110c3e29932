#!/usr/bin/env node
// Alyx 3.6.1 emulator (IBL / cortex-lab experiment database, Django REST framework):
// HTTP plumbing, the DRF request pipeline, and the CLI entry point.
//
//   import { startAlyxEmulator } from './emulators/alyx/server.mjs';
//   const alyx = await startAlyxEmulator({ seed: 'demo' });   // { url, port, close, store }
//
//   node emulators/alyx/server.mjs --port 0 --seed demo --data-file x.json
//   -> prints {"emulator":"alyx","url":"http://127.0.0.1:PORT"} once listening
//
// Pipeline (order matters, it mirrors Django + DRF): control routes bypass everything; then
// statistics and injected faults; Django's URL routing (unknown paths, trailing slashes and
// non-UUID ids are HTML 404s); DRF's content negotiation (406); authentication (403 for bad
// token headers); permissions (403); method dispatch (405, OPTIONS metadata); the handler,
// which reads the body lazily (415/400) and answers JSON with Alyx's `status_code` on errors.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { BodyTooLargeError, readBody } from '../lib/http-body.mjs';
import { parseFlags } from '../lib/cli-flags.mjs';
import { closeServer, exitOnSignals, listen } from '../lib/http-listen.mjs';
import { sendBody, sendJson, sendText } from '../lib/http-send.mjs';
import { createFaultInjector } from '../lib/fault-injection.mjs';
import { createRequestStats, meterResponse } from '../lib/request-stats.mjs';
import { Auth } from './auth.mjs';
import { buildConfig } from './config.mjs';
import { ControlError, createControlRouter } from './control-routes.mjs';
import { ApiError, drfError, methodNotAllowed, NOT_FOUND_HTML, serverError } from './errors.mjs';
import { negotiate } from './negotiation.mjs';
import { parseRequestBody } from './request-body.mjs';
import { createApiViews } from './routes.mjs';
import { resetToSeed } from './seed.mjs';
import { Store } from './store.mjs';
import { optionsMetadata } from './views.mjs';

const CONTROL_PREFIX = '/__emulator/';

/**
 * Starts the emulator. Options (all optional): host, port, users, seed ('none'|'demo'),
 * dataFile, tokenTtlSeconds (null: tokens never expire, as on Alyx 3.6.1).
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>, store: Store}>}
 */
export async function startAlyxEmulator(options = {}) {
	const config = buildConfig(options);
	const store = new Store({ dataFile: config.dataFile });
	if (!store.load()) resetToSeed(store, config);
	else resetToSeed(store, config, { usersOnly: true });
	const auth = new Auth(store, config);

	const stats = createRequestStats();
	const faults = createFaultInjector();
	const api = createApiViews();
	const control = createControlRouter({ store, auth, config, stats, faults });

	const server = createServer((req, res) => {
		const rawUrl = req.url ?? '/';
		const pathname = rawUrl.split('?')[0];
		const handled = pathname.startsWith(CONTROL_PREFIX)
			? handleControl(req, res, rawUrl)
			: handleApi(req, res, rawUrl);
		handled.catch((err) => {
			// Last resort: never leave a request hanging.
			process.stderr.write(`alyx emulator: ${err?.stack ?? err}\n`);
			if (!res.headersSent) sendText(res, 500, 'internal emulator error\n');
			else res.destroy();
		});
	});

	async function handleApi(req, res, rawUrl) {
		const q = rawUrl.indexOf('?');
		const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
		const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
		const match = api.router.match(req.method, rawPath);
		const meta = match?.route?.meta ?? match?.meta;
		const routeKey = `${req.method} ${match ? (match.route?.pattern ?? match.pattern) : '(unmatched)'}`;
		meterResponse(res, (bytes) => stats.record(routeKey, bytes));

		if (faults.shouldInject(rawPath)) {
			sendText(res, 503, 'Service Unavailable (fault injected by the emulator)\n', {
				headers: { 'Retry-After': '0' },
			});
			return;
		}

		// Django-level answers, before any DRF view.
		if (!match) {
			const html = 'text/html; charset=utf-8';
			if (rawPath === '/') return sendRedirect(res, 302, '/admin');
			if (rawPath === '/admin/') return sendRedirect(res, 302, '/admin/login/?next=/admin/');
			if (rawPath === '/admin/login/')
				return sendBody(res, 200, ADMIN_LOGIN_HTML, html, { headers: SECURITY_HEADERS });
			// CommonMiddleware's APPEND_SLASH: `/docs` -> 301 `/docs/` (only routes ending in a
			// slash, since `/subjects/` is no route and stays a 404).
			if (
				!rawPath.endsWith('/') &&
				(api.router.match('GET', `${rawPath}/`) || rawPath === '/admin')
			)
				return sendRedirect(res, 301, `${rawPath}/${rawQuery ? `?${rawQuery}` : ''}`);
			sendBody(res, 404, NOT_FOUND_HTML, html, { headers: SECURITY_HEADERS });
			return;
		}

		const query = new URLSearchParams(rawQuery);
		let rendering = { renderer: 'json', contentType: 'application/json' };
		const headers = { Allow: meta.allow.join(', '), Vary: 'Accept', ...SECURITY_HEADERS };
		try {
			if (!meta.skipNegotiation)
				rendering = negotiate(
					req.headers.accept,
					query.has('format') ? query.getAll('format').at(-1) : null,
					meta.renderers,
				);
			const user = auth.authenticate(req.headers.authorization);
			if (meta.auth === 'rest') auth.checkPermission(user, req.method);
			let bodyPromise;
			const ctx = {
				req,
				method: req.method,
				store,
				auth,
				config,
				user,
				origin: `http://${req.headers.host ?? `${config.host}:${port}`}`,
				rawPath,
				rawQuery,
				query,
				params: match.params ?? {},
				body: () =>
					(bodyPromise ??= parseRequestBody(req, { limitBytes: config.maxBodyBytes }).catch((e) => {
						if (e instanceof BodyTooLargeError) throw drfError(413, 'Request body too large.');
						throw e;
					})),
			};
			let result;
			if (req.method === 'OPTIONS' && !match.route?.handler) {
				result = await optionsAnswer(ctx, meta);
			} else if (!match.route) {
				throw methodNotAllowed(req.method, meta.allow);
			} else {
				result = await match.route.handler(ctx);
			}
			writeResult(res, result, rendering, { ...headers, ...(result.headers ?? {}) });
		} catch (caught) {
			let err = caught;
			if (!(err instanceof ApiError)) {
				process.stderr.write(`alyx emulator: unexpected error: ${err?.stack ?? err}\n`);
				err = serverError(String(err?.message ?? err));
			}
			if (err.html !== undefined) {
				sendBody(res, err.status, err.html, 'text/html; charset=utf-8');
				return;
			}
			// A failed negotiation answers with the first renderer (JSON).
			writeResult(
				res,
				{ status: err.status, data: err.body },
				err.status === 406 ? { renderer: 'json', contentType: 'application/json' } : rendering,
				{
					...headers,
					...err.headers,
				},
			);
		}
	}

	/** OPTIONS: DRF SimpleMetadata, with the writable fields when the user may write. */
	async function optionsAnswer(ctx, meta) {
		const writable = meta.allow.filter((m) => m === 'POST' || m === 'PUT');
		let actions = [];
		if (writable.length && meta.fields && !ctx.user?.is_public_user) {
			actions = writable;
			if (writable.includes('PUT') && meta.exists && !(await meta.exists(ctx)))
				actions = actions.filter((a) => a !== 'PUT');
		}
		return {
			status: 200,
			data: optionsMetadata(meta, { actions: actions.length ? actions : undefined }),
		};
	}

	async function handleControl(req, res, rawUrl) {
		const url = new URL(rawUrl, 'http://emulator');
		const match = control.match(req.method, url.pathname);
		if (!match || match.allowed) {
			sendJson(res, match ? 405 : 404, { error: `no control route ${req.method} ${url.pathname}` });
			return;
		}
		const ctx = {
			req,
			query: url.searchParams,
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
			const result = await match.route.handler(ctx);
			sendJson(res, result.status ?? 200, result.json);
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
		await closeServer(server);
		store.flush();
	}

	return { url, port, close, store };
}

/** What Django's SecurityMiddleware and XFrameOptionsMiddleware add to every answer. */
const SECURITY_HEADERS = {
	'X-Frame-Options': 'DENY',
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'same-origin',
	'Cross-Origin-Opener-Policy': 'same-origin',
};

const ADMIN_LOGIN_HTML =
	'<!DOCTYPE html>\n<html lang="en"><head><title>Log in | Alyx</title></head><body><h1>Alyx</h1><p>The Django admin is not part of the emulator; use the REST API.</p></body></html>\n';

function sendRedirect(res, status, location) {
	sendBody(res, status, '', 'text/html; charset=utf-8', {
		headers: { Location: location, ...SECURITY_HEADERS },
	});
}

const escapeHtml = (text) =>
	text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** Writes a view result with DRF's renderers: compact JSON (key order kept) or the browsable page. */
function writeResult(res, result, rendering, headers) {
	if (result.empty) {
		sendBody(res, result.status, '', undefined, { headers });
		return;
	}
	if (result.raw !== undefined) {
		sendBody(res, result.status, result.raw, result.contentType, { headers });
		return;
	}
	const json = JSON.stringify(result.data);
	if (rendering.renderer === 'html') {
		const page = `<!DOCTYPE html>\n<html><head><title>Alyx REST API</title></head><body><h1>Alyx REST API</h1><pre class="prettyprint">HTTP ${result.status}\n\n${escapeHtml(
			JSON.stringify(result.data, null, 4) ?? '',
		)}</pre></body></html>\n`;
		sendBody(res, result.status, page, 'text/html; charset=utf-8', { headers });
		return;
	}
	sendBody(res, result.status, json, rendering.contentType, { headers });
}

const CLI_FLAGS = {
	host: 'string',
	port: 'number',
	seed: 'string',
	'data-file': 'string',
	'token-ttl-seconds': 'number',
	users: 'json',
};

async function main() {
	let options;
	try {
		options = parseFlags(process.argv.slice(2), CLI_FLAGS);
	} catch (e) {
		process.stderr.write(
			`alyx emulator: ${e.message}\nflags: ${Object.keys(CLI_FLAGS)
				.map((f) => `--${f}`)
				.join(' ')}\n`,
		);
		process.exit(2);
	}
	const emulator = await startAlyxEmulator(options);
	exitOnSignals(emulator.close);
	process.stdout.write(`${JSON.stringify({ emulator: 'alyx', url: emulator.url })}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	main().catch((e) => {
		process.stderr.write(`alyx emulator failed to start: ${e?.stack ?? e}\n`);
		process.exit(1);
	});
}
