/** Poll until a state is reached, with an interval and a timeout from the node's parameters. */
import { sleep } from 'n8n-workflow';

export interface PollUntilOptions<T> {
	/** One look at the remote state. */
	check(): Promise<{ done: boolean; value: T }>;
	intervalMs: number;
	timeoutMs: number;
	/** Built when time runs out; receives the last value seen. */
	onTimeout(last: T, waitedMs: number): Error;
	/** Called after each check that is not done yet (progress logging). */
	onProgress?(value: T, waitedMs: number): void;
}

export async function pollUntil<T>(options: PollUntilOptions<T>): Promise<T> {
	const started = Date.now();
	const interval = Math.max(50, options.intervalMs);
	for (;;) {
		const { done, value } = await options.check();
		if (done) return value;
		const waited = Date.now() - started;
		if (waited >= options.timeoutMs) throw options.onTimeout(value, waited);
		options.onProgress?.(value, waited);
		await sleep(Math.min(interval, Math.max(0, options.timeoutMs - waited)));
	}
}
