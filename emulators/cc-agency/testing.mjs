// Helpers for tests that talk to the CC-Agency emulator: submit a RED and find its batches,
// and wait for a batch to end.
import assert from 'node:assert/strict';
import { pollUntil } from '../lib/contract-client.mjs';

/** The states a batch never leaves. */
export const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** POST /red (200 asserted); the experiment and its batch ids in batch-list order. */
export async function submitRed(client, red, query = '') {
	const res = await client.post(`/red${query}`, { json: red });
	assert.equal(res.status, 200, res.text);
	const batches = (await client.get(`/batches?experimentId=${res.data.experimentId}&ascending=true`)).data;
	return {
		experimentId: res.data.experimentId,
		batchIds: batches.sort((a, b) => a.batchesListIndex - b.batchesListIndex).map((b) => b._id),
	};
}

/** Polls a batch until it is terminal; its last document. */
export async function waitForBatchEnd(client, batchId, { timeoutMs = 5000, intervalMs = 5 } = {}) {
	return pollUntil(
		async () => {
			const b = (await client.get(`/batches/${batchId}`)).data;
			return TERMINAL.includes(b.state) ? b : false;
		},
		{ timeoutMs, intervalMs, description: `batch ${batchId}` },
	);
}
