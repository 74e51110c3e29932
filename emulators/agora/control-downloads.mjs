// Control routes for ZIP downloads (under /__emulator/, no auth, not part of Agora):
//   POST   /__emulator/datafiles               {dataset, name, size, seed?, mime_type?}: a datafile
//                                              of `size` seeded pseudo-random bytes, written as a
//                                              stream (downloads-datafiles.mjs); 1 GiB takes seconds
//   DELETE /__emulator/datafiles/:id/blob      removes a datafile's bytes (the row stays): a broken
//                                              storage, for the ERROR path of downloads
//   GET    /__emulator/downloads               every live download (internal records, no entries)
//   GET    /__emulator/downloads/:id           one download's internal record: entries with names,
//                                              sizes, CRC-32s, offsets; ZIP64; options
//   POST   /__emulator/downloads/:id/fail      {error?}: the package ends in ERROR
//   GET|POST /__emulator/downloads/settings    {zipLimits: {u32?, u16?}}: lower the ZIP64 limits for
//                                              downloads created afterwards ({} restores them)
import { rmSync } from 'node:fs';
import { ControlError, controlHandler } from '../lib/control-server.mjs';
import { downloadsFor } from './downloads.mjs';
import { createSeededDatafile } from './downloads-datafiles.mjs';

export function registerDownloadControls(router, services) {
	const { store, blobs } = services;
	const downloads = downloadsFor(services);
	const ok = (json) => ({ status: 200, json });
	const record = (id) => {
		const r = downloads.find(id, null);
		if (!r) throw new ControlError(`no download ${id}`);
		return r;
	};

	router.add(
		'POST',
		'/__emulator/datafiles',
		controlHandler(async (ctx) => {
			const body = await ctx.jsonBody();
			const { datafile, crc32 } = await createSeededDatafile(services, {
				dataset: body.dataset,
				name: body.name,
				size: body.size,
				seed: body.seed ?? 0,
				mimeType: body.mime_type,
			});
			// The CRC was computed while writing: downloads need not read the file again.
			downloads.rememberFileCrc(datafile.id, blobs.path(datafile.id), crc32);
			return ok({ ...datafile, crc32 });
		}),
	);
	router.add(
		'DELETE',
		'/__emulator/datafiles/:id/blob',
		controlHandler((ctx) => {
			const df = store.t.datafiles.get(ctx.params.id);
			if (!df) throw new ControlError(`no datafile ${ctx.params.id}`);
			rmSync(blobs.path(df.id), { force: true });
			return ok({ id: df.id, removed: true });
		}),
	);
	router.add('GET', '/__emulator/downloads', () => {
		downloads.sweep();
		return ok(
			[...downloads.records.values()].map((r) => {
				const { entries: _entries, ...summary } = downloads.internal(r);
				return summary;
			}),
		);
	});
	router.add('GET', '/__emulator/downloads/settings', () => ok({ zipLimits: downloads.zipLimits }));
	router.add(
		'POST',
		'/__emulator/downloads/settings',
		controlHandler(async (ctx) => {
			const { zipLimits = {} } = await ctx.jsonBody();
			for (const [key, value] of Object.entries(zipLimits))
				if (!['u32', 'u16'].includes(key) || !Number.isSafeInteger(value) || value < 1)
					throw new ControlError('zipLimits takes u32 and u16, positive integers');
			downloads.zipLimits = { ...zipLimits };
			return ok({ zipLimits: downloads.zipLimits });
		}),
	);
	router.add(
		'GET',
		'/__emulator/downloads/:id',
		controlHandler((ctx) => ok(downloads.internal(record(ctx.params.id)))),
	);
	router.add(
		'POST',
		'/__emulator/downloads/:id/fail',
		controlHandler(async (ctx) => {
			const r = record(ctx.params.id);
			const { error = 'The download failed (injected by the emulator).' } = await ctx.jsonBody();
			downloads.finish(r, String(error));
			return ok(downloads.internal(r));
		}),
	);
}
