// Control routes of the import sessions (no auth, not Agora), for reliability tests:
//   GET  /__emulator/imports         {created, sessions: [summary...]}: `created` counts every
//                                    session ever created in this data dir ("created once")
//   GET  /__emulator/imports/:id     {session, files: [{identifier, path, totalChunks,
//                                    chunksReceived, chunks, confirmedChunks, arrivals,
//                                    duplicateArrivalsOfConfirmed, crashes}], strayReceipts,
//                                    creates}; `?receipts=1` adds the raw receipt log
//   POST /__emulator/imports/reset   deletes every session, chunk and receipt
// A receipt is written for every chunk request before it is answered; `confirmedBefore` says
// whether a 200 for that same chunk had been fully written to the socket earlier ("no
// confirmed chunk is sent again" = duplicateArrivalsOfConfirmed is 0).
import { ControlError } from '../lib/control-server.mjs';
import { sessionJson } from './routes-imports.mjs';

export function registerImportControls(router, services) {
	const { imports, importer } = services;
	const ok = (json) => ({ status: 200, json });

	const summary = (s) => {
		const files = imports.receiptSummary(s);
		return {
			id: s.id,
			user: s.user,
			state: s.state,
			progress: s.progress,
			is_complete: s.is_complete,
			error: s.error,
			files: files.length,
			chunksReceived: files.reduce((n, f) => n + f.chunksReceived, 0),
			arrivals: imports.accountingOf(s.id).receipts.length,
			duplicateArrivalsOfConfirmed: files.reduce((n, f) => n + f.duplicateArrivalsOfConfirmed, 0),
		};
	};

	router.add('GET', '/__emulator/imports', () =>
		ok({ created: imports.sessions.size, sessions: [...imports.sessions.values()].map(summary) }),
	);
	router.add('GET', '/__emulator/imports/:id', (ctx) => {
		const s = imports.get(ctx.params.id);
		if (!s) throw new ControlError(`no import session ${ctx.params.id}`);
		const out = {
			session: { ...sessionJson(s), options: s.options, result: s.result },
			files: imports.receiptSummary(s),
			strayReceipts: imports.strayReceipts(s).length,
			creates: imports.sessions.size,
		};
		if (ctx.query.get('receipts')) out.receipts = imports.accountingOf(s.id).receipts;
		return ok(out);
	});
	router.add('POST', '/__emulator/imports/reset', () => {
		importer.stop();
		imports.clear();
		importer.start();
		return ok({ reset: true, created: imports.sessions.size });
	});
}
