// `--seed demo`: a small, realistic history to click through in the sandbox. alice owns
// succeeded (with stdout), failed (unknown command, retried, with debugInfo), failed after a
// non-zero exit (both streams), cancelled and a three-batch experiment; admin owns one.
// Documents go through the same validation and preparation as POST /red.
import { fastForward } from './finished-batches.mjs';
import { nowSeconds } from './ids.mjs';
import { prepareRedData } from './red-submission.mjs';
import { validateRedSubmission } from './red-validation.mjs';
import { batchesRed, commandRed, echoRed } from './sample-reds.mjs';

function submitFinished(store, username, red, { hoursAgo, cancelFirst = false, nodeName }) {
	const data = validateRedSubmission({
		contentType: 'application/json',
		body: Buffer.from(JSON.stringify(red)),
	});
	const registrationTime = nowSeconds() - hoursAgo * 3600;
	const { experiment, batches } = prepareRedData(data, username, { registrationTime });
	// Finished experiments have had their secrets voided; the trustee keeps nothing.
	const storedExperiment = store.insertExperiment({ ...experiment, protectedKeysVoided: true });
	batches.forEach((b, i) => {
		const stored = store.insertBatch({ ...b, experimentId: storedExperiment._id });
		fastForward(store, stored, { nodeName, cancel: cancelFirst && i === 0 });
	});
	return storedExperiment._id;
}

export function seedDemoData(store, config) {
	const nodeName = config.nodes[0]?.nodeName ?? 'node_a';
	const opts = (hoursAgo, extra = {}) => ({ hoursAgo, nodeName, ...extra });
	submitFinished(store, 'alice', echoRed({ message: 'hello from the demo seed' }), opts(6));
	submitFinished(store, 'alice', commandRed('unknown_command', { execution: {} }), opts(5));
	submitFinished(
		store,
		'alice',
		commandRed(['sh', '-c', 'exit 3'], { stdout: 'out.txt', execution: {} }),
		opts(4),
	);
	submitFinished(
		store,
		'alice',
		commandRed('sleep', { seconds: 60 }),
		opts(3, { cancelFirst: true }),
	);
	submitFinished(store, 'alice', batchesRed(['first', 'second', 'third']), opts(2));
	submitFinished(store, 'admin', echoRed({ message: 'admin was here' }), opts(1));
	store.changed();
}
