// Data transfers (reference A.9, A.10, B.6, B.7): the single datafile download of every
// connector, `GET /api/v1/datafile/{id}/download/` (B.7.1), streamed from disk; import
// sessions with flow.js chunks (routes-imports.mjs); ZIP downloads (routes-downloads.mjs).
import { basename } from 'node:path';
import { BOTH } from './api-router.mjs';
import { notFound } from './errors.mjs';
import { registerDownloadRoutes } from './routes-downloads.mjs';
import { registerImportRoutes } from './routes-imports.mjs';

/** Content-Disposition with an ASCII fallback and RFC 5987 UTF-8 name (Django's FileResponse). */
export function attachment(filename) {
	const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function registerTransferRoutes(api, services) {
	const { store, access, blobs } = services;
	const t = store.t;

	api.get(BOTH, '/datafile/:id/download/', (ctx) => {
		const df = t.datafiles.get(ctx.params.id);
		if (!df || !access.canRead(ctx.user, df) || !blobs.exists(df.id)) throw notFound();
		return {
			status: 200,
			stream: () => blobs.stream(df.id),
			streamHeaders: {
				'Content-Type': df.mime_type || 'application/octet-stream',
				'Content-Length': String(blobs.size(df.id)),
				'Content-Disposition': attachment(basename(df.original_filename)),
			},
		};
	});
	registerImportRoutes(api, services);
	registerDownloadRoutes(api, services);
}
