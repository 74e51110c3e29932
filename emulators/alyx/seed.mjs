// Starting states: 'none' is a fresh Alyx (stock fixtures, lab `cortexlab`, the configured
// users) like the one the captures were recorded on; 'demo' adds a small lab's history
// (demo-seed.mjs). Users get ids derived from their names, so tokens survive a reset.
import { nowNaive } from './datetimes.mjs';
import { seedDemoData } from './demo-seed.mjs';
import { fixtureId, loadFixtures } from './fixtures.mjs';

function configUserRow(u) {
	return {
		id: fixtureId('user', u.username),
		username: u.username,
		email: u.email,
		first_name: '',
		last_name: '',
		is_active: u.active !== false,
		is_staff: u.superuser,
		is_superuser: u.superuser,
		is_public_user: u.publicUser,
		is_stock_manager: u.stockManager,
		allowed_users: [],
		date_joined: nowNaive(),
		last_login: null,
		json: null,
	};
}

/** Makes sure every configured user exists with the configured flags. */
export function ensureConfigUsers(store, config) {
	for (const u of config.users) {
		const existing = store.tables.users.one('username', u.username);
		const row = configUserRow(u);
		if (!existing) store.tables.users.insert(row);
		else if (!existing.multiple)
			store.tables.users.update(existing.id, {
				email: existing.email || row.email,
				is_active: row.is_active,
				is_staff: row.is_staff,
				is_superuser: row.is_superuser,
				is_public_user: row.is_public_user,
			});
	}
}

/** Empties the data and loads the configured seed (`usersOnly`: after loading a data file). */
export function resetToSeed(store, config, { usersOnly = false } = {}) {
	store.batch(() => {
		if (!usersOnly) {
			store.clearData();
			loadFixtures(store);
		}
		ensureConfigUsers(store, config);
		if (!usersOnly && config.seed === 'demo') seedDemoData(store, config);
	});
}
