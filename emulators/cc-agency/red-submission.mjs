// Turns a validated RED document into the stored experiment and batch documents
// (upstream _prepare_red_data() plus the 9.3 additions) and their trustee secrets.
import { nowSeconds } from './ids.mjs';
import { redBatches, separateBatchSecrets, separateExperimentSecrets } from './red-transform.mjs';

/** History entries of 9.x carry exactly these five keys (8.x also had dockerStats). */
export const historyEntry = (
	state,
	{ time = nowSeconds(), node = null, debugInfo = null, ccagent = null } = {},
) => ({
	ccagent,
	debugInfo,
	node,
	state,
	time,
});

/**
 * @param {object} data normalised RED (output of validateRedSubmission)
 * @param {string} username
 * @param {{disableRetry?: boolean, disableConnectorValidation?: boolean, registrationTime?: number}} flags
 * @returns {{experiment: object, batches: object[], secrets: Record<string, unknown>}}
 */
export function prepareRedData(
	data,
	username,
	{
		disableRetry = false,
		disableConnectorValidation = false,
		registrationTime = nowSeconds(),
	} = {},
) {
	const clone = (v) => structuredClone(v);
	const experiment = {
		username,
		registrationTime,
		redVersion: data.redVersion,
		cli: clone(data.cli),
		container: clone(data.container),
		protectedKeysVoided: false,
	};
	if (data.execution) {
		// execution.settings.access is the agency address for client tools: never stored.
		const { access: _dropped, ...settings } = data.execution.settings;
		experiment.execution = {
			engine: data.execution.engine,
			settings: { ...clone(settings), retryIfFailed: !disableRetry, disableConnectorValidation },
		};
	}
	const secrets = separateExperimentSecrets(experiment);

	const rawBatches = Array.isArray(data.batches)
		? data.batches
		: redBatches(data).map((b) => ({ ...b, cloud: data.cloud }));
	const batches = rawBatches.map((raw, index) => {
		const batch = {
			username,
			registrationTime,
			state: 'registered',
			batchesListIndex: index,
			protectedKeysVoided: false,
			notificationsSent: false,
			node: null,
			history: [historyEntry('registered', { time: registrationTime })],
			attempts: 0,
			inputs: clone(raw.inputs),
			outputs: clone(raw.outputs ?? {}),
			cliStdout: null,
			cliStderr: null,
			usedSpecifiedStdout: false,
			usedSpecifiedStderr: false,
		};
		if (raw.cloud !== undefined) batch.cloud = clone(raw.cloud);
		Object.assign(secrets, separateBatchSecrets(batch));
		return batch;
	});
	return { experiment, batches, secrets };
}
