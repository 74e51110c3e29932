// Deletions with Django's on_delete behaviour: a subject takes its sessions, weighings, water
// administrations and restrictions with it; a session its datasets (and their file records);
// water administrations linked to a deleted session keep existing with session = null.

export function deleteDataset(store, id) {
	for (const fr of store.tables.file_records.by('dataset', id))
		store.tables.file_records.delete(fr.id);
	for (const d of store.tables.downloads.by('dataset', id)) store.tables.downloads.delete(d.id);
	store.tables.datasets.delete(id);
}

export function deleteSession(store, id) {
	for (const d of store.tables.datasets.by('session', id)) deleteDataset(store, d.id);
	for (const w of store.tables.water_administrations.by('session', id))
		store.tables.water_administrations.update(w.id, { session: null });
	for (const s of store.tables.sessions.all())
		if (s.parent_session === id) store.tables.sessions.update(s.id, { parent_session: null });
	store.tables.sessions.delete(id);
}

export function deleteSubject(store, id) {
	store.batch(() => {
		for (const s of store.tables.sessions.by('subject', id)) deleteSession(store, s.id);
		for (const w of store.tables.weighings.by('subject', id)) store.tables.weighings.delete(w.id);
		for (const w of store.tables.water_administrations.by('subject', id))
			store.tables.water_administrations.delete(w.id);
		for (const r of store.tables.water_restrictions.by('subject', id))
			store.tables.water_restrictions.delete(r.id);
		store.tables.subjects.delete(id);
	});
}
