// Initial state: the configured users (each with a "My Agora" project, as Agora gives every
// user one) and, for seed 'demo', the demo content of demo-seed.mjs. `reset` returns here.
import { hashPassword } from './auth.mjs';
import { isoAt } from './dates.mjs';
import { seedDemo } from './demo-seed.mjs';

export const USER_EPOCH = Date.UTC(2023, 0, 9, 8, 0, 0);

/** Inserts a user row (and its My Agora project). */
export function createUser(model, fields) {
	const { store } = model;
	const user = store.t.users.insert({
		username: fields.username,
		password: hashPassword(fields.password),
		api_key: fields.apiKey ?? null,
		email: fields.email ?? '',
		first_name: fields.firstName ?? '',
		last_name: fields.lastName ?? '',
		institution: fields.institution ?? '',
		is_superuser: Boolean(fields.superuser),
		readOnly: Boolean(fields.readOnly),
		date_joined: fields.dateJoined ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		last_login: null,
		settings: { language: 'en', timezone: 'Europe/Zurich', notifications: true },
	});
	model.createProject({
		name: 'My Agora',
		description: `Personal project of ${user.username}`,
		owner: user.id,
		isMyAgora: true,
		createdDate: user.date_joined,
	});
	return user;
}

/**
 * Empties the store and the bytes on disk, then creates users and (for 'demo') the demo.
 * @param {{store, blobs, model, config, timeline}} deps
 */
export function resetToSeed({ store, blobs, model, config, timeline }) {
	timeline?.stop();
	store.clear();
	blobs.clear();
	config.users.forEach((u, i) =>
		createUser(model, { ...u, dateJoined: isoAt(USER_EPOCH + i * 60_000) }),
	);
	if (config.seed === 'demo') seedDemo({ store, model });
	store.changed();
	timeline?.start();
}
