// A minimal n8n poll context for benchmarks: the compiled trigger, n8n-core's real HTTP client,
// and the credential's own authenticate(). Static data persists between polls like n8n's.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/lib/paths.mjs';

const require = createRequire(import.meta.url);
const { httpRequest } = require('n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions');

/** The credential's authenticate(): a function, or n8n's generic header template. */
async function authenticate(type, credentials, options) {
	if (typeof type.authenticate === 'function') return await type.authenticate(credentials, options);
	const resolve = (v) => String(v).replace(/^=/, '').replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_m, k) => String(credentials[k] ?? ''));
	const headers = Object.fromEntries(Object.entries(type.authenticate.properties.headers ?? {}).map(([k, v]) => [k, resolve(v)]));
	return { ...options, headers: { ...options.headers, ...headers } };
}

export function loadDist(relative) {
	return require(join(repoRoot, 'dist', relative));
}

/** A minimal n8n execute context: one input item, fixed parameters. */
export function executeContext({ credentialType, credentialClass, credentials, parameters }) {
	const base = pollContext({ credentialType, credentialClass, credentials, parameters });
	return {
		...base,
		getInputData: () => [{ json: {} }],
		continueOnFail: () => false,
		getNodeParameter: (name, _index, fallback, options) => {
			const value = name in parameters ? parameters[name] : fallback;
			return options?.extractValue && value && typeof value === 'object' && 'value' in value ? value.value : value;
		},
	};
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
				return await httpRequest(await authenticate(type, credentials, options));
			},
		},
	};
}
