// Helpers for tests that talk to the Agora emulator (its own contract tests and the node's
// tests): the default users' credentials in both header styles, and a timeline poller.
import { createClient, pollUntil } from '../lib/contract-client.mjs';
import { DEFAULT_USERS } from './config.mjs';

const user = (name) => DEFAULT_USERS.find((u) => u.username === name);

/** API keys and passwords of the default users. */
export const KEYS = Object.freeze(
	Object.fromEntries(DEFAULT_USERS.map((u) => [u.username, u.apiKey])),
);
export const PASSWORDS = Object.freeze(
	Object.fromEntries(DEFAULT_USERS.map((u) => [u.username, u.password])),
);

/** `Authorization` values: seed 000's `Token <key>` and the connectors' `X-Agora-Api-Key <key>`. */
export const tokenAuth = (username) => `Token ${user(username).apiKey}`;
export const apiKeyAuth = (username) => `X-Agora-Api-Key ${user(username).apiKey}`;

/** Clients for alice, admin and reader (Token header) and an anonymous one. */
export function agoraClients(url) {
	return {
		alice: createClient(url, { authorization: tokenAuth('alice') }),
		admin: createClient(url, { authorization: tokenAuth('admin') }),
		reader: createClient(url, { authorization: tokenAuth('reader') }),
		anonymous: createClient(url),
	};
}

const TERMINAL = new Set(['FINISHED', 'ERROR', 'CANCELED']);

/**
 * Polls a timeline item until `until(item)` (default: a terminal state). Returns the item
 * and every state seen on the way, in order and without repeats.
 */
export async function waitForTimeline(
	client,
	id,
	{
		until = (item) => TERMINAL.has(item.state),
		route = '/api/v2/timelineitem/',
		timeoutMs = 10_000,
		intervalMs = 2,
	} = {},
) {
	const seen = [];
	const item = await pollUntil(
		async () => {
			const res = await client.get(`${route}${id}/`);
			if (res.status !== 200)
				throw new Error(`GET ${route}${id}/ answered ${res.status}: ${res.text}`);
			if (seen.at(-1) !== res.data.state) seen.push(res.data.state);
			return until(res.data) ? res.data : false;
		},
		{ timeoutMs, intervalMs, description: `timeline item ${id}` },
	);
	return { item, seen };
}
