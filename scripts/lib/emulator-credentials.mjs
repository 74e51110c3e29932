// The n8n credentials that point at the local emulators, as the sandbox, the example workflows
// and the end-to-end tests use them (the examples refer to these credential ids).

import { DEFAULT_USERS } from '../../emulators/agora/config.mjs';

/** The Agora emulator's demo API key of alice (emulators/agora/README.md). */
export const AGORA_ALICE_KEY = DEFAULT_USERS.find((u) => u.username === 'alice').apiKey;

/** @param {{ccAgency?: string, alyx?: string, agora?: string}} urls base URLs of the running emulators */
export function emulatorCredentials(urls) {
	return [
		urls.ccAgency && {
			id: 'ccAgencyLocal',
			name: 'CC-Agency (local emulator)',
			type: 'ccAgencyApi',
			data: { baseUrl: urls.ccAgency, username: 'alice', password: 'alice-password', authentication: 'basic', ignoreSslIssues: false },
		},
		urls.alyx && {
			id: 'alyxLocal',
			name: 'Alyx (local emulator)',
			type: 'alyxApi',
			data: { baseUrl: urls.alyx, username: 'alice', password: 'alice-password', ignoreSslIssues: false },
		},
		urls.agora && {
			id: 'agoraLocal',
			name: 'Agora (local emulator)',
			type: 'agoraApi',
			data: { baseUrl: urls.agora, authentication: 'apiKey', apiKey: AGORA_ALICE_KEY, headerStyle: 'token', routeSet: 'auto', ignoreSslIssues: false },
		},
	].filter(Boolean);
}
