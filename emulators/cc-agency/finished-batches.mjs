// Fabricates batches that have already run to a terminal state, synchronously, with the same
// documents the live scheduler would have produced. Used by the demo seed and by
// POST /__emulator/bulk-batches (benchmarks over 10 000 finished batches).
import { nowSeconds, uuid4 } from './ids.mjs';
import { historyEntry } from './red-submission.mjs';
import { noNodesMessage } from './scheduler.mjs';
import {
	agentReport,
	simulateExecution,
	storedStreams,
	streamNames,
} from './simulated-execution.mjs';

/**
 * Runs one registered batch (already in the store) to its end, writing fabricated history
 * times `stepSeconds` apart from its registration. `cancel: true` cancels it while registered.
 * `outcome` overrides the simulated result (bulk creation of a requested state).
 */
export function fastForward(
	store,
	batch,
	{ nodeName = 'node_a', stepSeconds = 1, cancel = false, outcome: forced, nodeFits = true } = {},
) {
	const experiment = store.experiments.get(batch.experimentId);
	let t = batch.registrationTime;
	const tick = () => (t += stepSeconds);
	if (cancel) {
		batch.state = 'cancelled';
		batch.history.push(historyEntry('cancelled', { time: tick() }));
	} else if (!nodeFits) {
		batch.state = 'failed';
		batch.history.push(
			historyEntry('failed', { time: tick(), debugInfo: noNodesMessage(batch.experimentId) }),
		);
	} else {
		for (;;) {
			batch.attempts += 1;
			batch.node = nodeName;
			batch.usedGPUs = null;
			batch.mount = false;
			batch.history.push(historyEntry('scheduled', { time: tick(), node: nodeName }));
			Object.assign(batch, streamNames(experiment, uuid4()));
			batch.history.push(historyEntry('processing', { time: tick(), node: nodeName }));
			const outcome = forced ?? simulateExecution(experiment, batch);
			t += Math.max(stepSeconds, outcome.sleepSeconds ?? 0);
			const { debugInfo, ccagent } = agentReport(outcome, batch);
			const kept = storedStreams(outcome, batch);
			if (Object.keys(kept).length) store.streams.set(batch._id, kept);
			if (outcome.kind === 'success') {
				batch.state = 'succeeded';
				batch.history.push(historyEntry('succeeded', { time: t, node: nodeName, ccagent }));
				break;
			}
			const retry = batch.attempts < 2 && experiment.execution?.settings?.retryIfFailed === true;
			if (!retry) {
				batch.state = 'failed';
				batch.history.push(historyEntry('failed', { time: t, node: nodeName, debugInfo, ccagent }));
				break;
			}
			batch.state = 'registered';
			batch.node = null;
			batch.history.push(historyEntry('registered', { time: t, debugInfo, ccagent }));
		}
	}
	batch.notificationsSent = true;
	batch.protectedKeysVoided = true;
	return batch;
}

const BULK_OUTCOMES = {
	succeeded: (msg) => ({
		kind: 'success',
		program: 'echo',
		command: ['echo'],
		returnCode: 0,
		stdout: `${msg}\n`,
		stderr: '',
		sleepSeconds: 0,
	}),
	failed: () => ({
		kind: 'exit',
		program: 'false',
		command: ['false'],
		returnCode: 1,
		stdout: '',
		stderr: 'simulated failure: exit 1\n',
		sleepSeconds: 0,
	}),
};

/**
 * POST /__emulator/bulk-batches: `count` finished batches in `state`, in a new experiment of
 * `username` or appended to `experimentId`. Returns { experimentId, count }.
 */
export function createFinishedBatches(
	store,
	{ count, state = 'succeeded', username = 'alice', experimentId, nodeName = 'node_a', ageSeconds = 60 },
) {
	if (!Number.isInteger(count) || count < 1 || count > 1_000_000)
		throw new Error('count must be an integer from 1 to 1000000');
	if (!['succeeded', 'failed', 'cancelled'].includes(state))
		throw new Error('state must be succeeded, failed or cancelled');
	// ageSeconds: how long ago the batches were registered (benchmarks model old history).
	const registrationTime = nowSeconds() - Math.max(1, Number(ageSeconds) || 60);
	let experiment;
	if (experimentId) {
		experiment = store.experiments.get(String(experimentId).toLowerCase());
		if (!experiment) throw new Error(`no experiment ${experimentId}`);
	} else {
		experiment = store.insertExperiment({
			username,
			registrationTime,
			redVersion: '9',
			cli: {
				cwlVersion: 'v1.0',
				class: 'CommandLineTool',
				baseCommand: 'echo',
				inputs: { msg: { type: 'string', inputBinding: { position: 0 } } },
				outputs: {},
				stdout: 'out.txt',
			},
			container: {
				engine: 'docker',
				settings: { image: { url: 'docker.io/busybox:latest' }, ram: 256 },
			},
			execution: {
				engine: 'ccagency',
				settings: {
					batchConcurrencyLimit: 64,
					disableConnectorValidation: false,
					retryIfFailed: false,
				},
			},
			protectedKeysVoided: true,
		});
	}
	const firstIndex = store.batchesOfExperiment(experiment._id).length;
	for (let i = 0; i < count; i++) {
		const msg = `bulk ${firstIndex + i}`;
		const batch = store.insertBatch({
			username: experiment.username,
			registrationTime: experiment.registrationTime,
			state: 'registered',
			batchesListIndex: firstIndex + i,
			protectedKeysVoided: false,
			notificationsSent: false,
			node: null,
			history: [historyEntry('registered', { time: experiment.registrationTime })],
			attempts: 0,
			inputs: { msg },
			outputs: {},
			cliStdout: null,
			cliStderr: null,
			usedSpecifiedStdout: false,
			usedSpecifiedStderr: false,
			experimentId: experiment._id,
		});
		fastForward(store, batch, {
			nodeName,
			stepSeconds: 0.5,
			cancel: state === 'cancelled',
			outcome: state === 'cancelled' ? undefined : BULK_OUTCOMES[state](msg),
		});
	}
	store.changed();
	return { count, experimentId: experiment._id };
}
