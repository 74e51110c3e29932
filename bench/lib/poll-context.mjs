// A minimal n8n poll context for benchmarks: the compiled trigger, n8n-core's real HTTP client,
// and the credential's own authenticate(). Static data persists between polls like n8n's.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/lib/paths.mjs';

const require = createRequire(import.meta.url);
const { httpRequest } = require('n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions');

export function loadDist(relative) {
	return require(join(repoRoot, 'dist', relative));
}

export function pollContext({ credentialType, credentialClass, credentials, parameters, staticData = {}, mode = 'trigger' }) {
	const type = new credentialClass();
	const quiet = () => {};
	return {
		getMode: () => mode,
		getActivationMode: () => 'activate',
		getNode: () => ({ name: 'Trigger', type: 'bench', typeVersion: 1, parameters: {}, credentials: { [credentialType]: { id: '1', name: 'bench' } } }),
		getNodeParameter: (name, fallback) => (name in parameters ? parameters[name] : fallback),
		getCredentials: async () => ({ ...credentials }),
		getWorkflowStaticData: () => staticData,
		logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
		helpers: {
			httpRequest,
			async httpRequestWithAuthentication(_type, options) {
				return await httpRequest(await type.authenticate(credentials, options));
			},
		},
	};
}
