// Tree documents: an exam with its series and their datasets (B.4.4 `tree/`), a series with
// its datasets, and a folder with its items, recursively (B.4.3 `folder/{id}/tree/`).

export function seriesTree({ model, repr }, series, ctx) {
	return {
		...repr.series(series),
		datasets: model.datasetsOf('serie', series.id).map((d) => repr.dataset(d, ctx)),
	};
}

export function examTree(services, exam, ctx) {
	const { model, repr } = services;
	return {
		...repr.exam(exam, ctx),
		series: model.seriesOf(exam.id).map((s) => seriesTree(services, s, ctx)),
		datasets: model.datasetsOf('exam', exam.id).map((d) => repr.dataset(d, ctx)),
	};
}

/** `{content_object: {...folder, items: [{content_type, content_object: {..., items?}}]}}` */
export function folderTree(services, folder, ctx, depth = 0) {
	const { model, repr, store } = services;
	const items = model.itemsOf(folder.id).map((it) => {
		const out = repr.item(it, ctx);
		if (it.content_type === 'folder' && depth < 50) {
			const child = store.t.folders.get(it.object_id);
			out.content_object = folderTree(services, child, ctx, depth + 1).content_object;
		}
		return out;
	});
	return { content_object: { ...repr.folder(folder), items } };
}
