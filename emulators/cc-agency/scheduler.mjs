// The batch state machine (reference §8): registered -> scheduled -> processing -> succeeded |
// failed | cancelled, one step (config.stepMs) per transition, FIFO by registrationTime,
// limited by the experiment's batchConcurrencyLimit (default 64) and by node RAM and GPUs.
// Each non-terminal batch owns at most one timer; all timers are unref'd and cleared on stop
// so a test process can exit. A "housekeeping" pass one step after a batch becomes terminal
// voids its secrets, sets protectedKeysVoided/notificationsSent and calls notification hooks.
import { nowSeconds, uuid4 } from './ids.mjs';
import { postNotifications } from './notification-hooks.mjs';
import { pyRepr } from './python-format.mjs';
import { historyEntry } from './red-submission.mjs';
import { batchSecretKeys, experimentSecretKeys, mountInputKeys } from './red-transform.mjs';
import {
	agentReport,
	gpuRequirements,
	matchGpus,
	processingDurationMs,
	simulateExecution,
	storedStreams,
	streamNames,
} from './simulated-execution.mjs';
import { TERMINAL_STATES } from './store.mjs';

const nowMs = () => nowSeconds() * 1000;
const lastTimeMs = (batch) => batch.history[batch.history.length - 1].time * 1000;
const HOLDS_RESOURCES = new Set(['scheduled', 'processing']);
const byRegistration = (a, b) =>
	a.registrationTime - b.registrationTime || a.batchesListIndex - b.batchesListIndex;

export const noNodesMessage = (experimentId) =>
	`There are no nodes configured that are possibly sufficient for experiment "${experimentId}"`;

export class Scheduler {
	/** @param {{store: import('./store.mjs').Store, config: object}} deps */
	constructor({ store, config }) {
		this.store = store;
		this.config = config;
		this.timers = new Map();
		this.active = new Set();
		this.pendingHousekeeping = new Set();
		this.housekeepingTimer = null;
		this.checkAllExperiments = false;
		this.notificationLog = [];
		this.setNodes(config.nodes);
	}

	// ---- lifecycle ----

	/** (Re)builds the bookkeeping from the store and arms timers; used at start and after load. */
	start() {
		this.stop();
		this.active.clear();
		this.pendingHousekeeping.clear();
		for (const batch of this.store.batches.values()) {
			if (!TERMINAL_STATES.has(batch.state)) this.active.add(batch._id);
			else if (!batch.protectedKeysVoided || !batch.notificationsSent)
				this.pendingHousekeeping.add(batch._id);
		}
		for (const id of this.active) this.#armFor(this.store.batches.get(id));
		this.checkAllExperiments = true;
		this.#armHousekeeping(true);
	}

	/** Clears every timer; documents stay as they are. */
	stop() {
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
		if (this.housekeepingTimer) clearTimeout(this.housekeepingTimer);
		this.housekeepingTimer = null;
	}

	/** The node list is rebuilt whenever the (real) scheduler starts; history = one online entry. */
	setNodes(nodes) {
		const time = nowSeconds();
		this.nodes = (nodes ?? []).map((n) => ({
			nodeName: n.nodeName,
			ram: n.ram,
			cpus: n.cpus,
			gpus: n.gpus ?? null,
			state: 'online',
			history: [{ debugInfo: null, state: 'online', time }],
		}));
	}

	// ---- API entry points ----

	/** New batches from POST /red. Batches no node could ever run fail at once (attempts 0). */
	register(batches) {
		for (const batch of batches) {
			this.active.add(batch._id);
			const experiment = this.store.experiments.get(batch.experimentId);
			if (!this.#possiblySufficientSomewhere(experiment)) {
				this.#fail(batch, noNodesMessage(batch.experimentId), null, { disableRetry: true });
			} else {
				this.#armRegistered(batch);
			}
		}
		this.store.changed();
	}

	/** DELETE /batches/<id>: idempotent; terminal batches are returned unchanged. */
	cancel(batch) {
		if (TERMINAL_STATES.has(batch.state)) return batch;
		const freed = HOLDS_RESOURCES.has(batch.state);
		batch.state = 'cancelled';
		batch.history.push(historyEntry('cancelled'));
		this.#terminal(batch);
		this.store.changed();
		if (freed) this.schedulePass();
		return batch;
	}

	/** GET /nodes: one document per configured node with its current batches. */
	nodeList() {
		const running = [...this.active]
			.map((id) => this.store.batches.get(id))
			.filter((b) => b && HOLDS_RESOURCES.has(b.state))
			.sort(byRegistration);
		return this.nodes.map((node) => ({
			cpus: node.cpus,
			currentBatches: running
				.filter((b) => b.node === node.nodeName)
				.map((b) => ({
					batchId: b._id,
					ram: this.store.experiments.get(b.experimentId)?.container?.settings?.ram ?? null,
				})),
			gpus: node.gpus,
			history: node.history,
			nodeName: node.nodeName,
			ram: node.ram,
			state: node.state,
		}));
	}

	// ---- scheduling ----

	/** One scheduling cycle over the registered batches that have waited a full step. */
	schedulePass() {
		const now = nowMs();
		const registered = [...this.active]
			.map((id) => this.store.batches.get(id))
			.filter((b) => b && b.state === 'registered')
			.sort(byRegistration);
		if (registered.length === 0) return;
		const cluster = this.#clusterState();
		const runningPerExperiment = new Map();
		for (const id of this.active) {
			const b = this.store.batches.get(id);
			if (b && HOLDS_RESOURCES.has(b.state))
				runningPerExperiment.set(
					b.experimentId,
					(runningPerExperiment.get(b.experimentId) ?? 0) + 1,
				);
		}
		let changed = false;
		for (const batch of registered) {
			if (now < lastTimeMs(batch) + this.config.stepMs) {
				// Not due yet. Node timers may fire a little early (libuv caches the loop time), so
				// re-arm rather than trusting an earlier timer to come back.
				this.#armRegistered(batch);
				continue;
			}
			const experiment = this.store.experiments.get(batch.experimentId);
			if (!experiment) {
				this.#fail(batch, `KeyError('${batch.experimentId}')`, null, { disableRetry: true });
				changed = true;
				continue;
			}
			const limit = experiment.execution?.settings?.batchConcurrencyLimit ?? 64;
			if ((runningPerExperiment.get(batch.experimentId) ?? 0) >= limit) continue;
			if (!this.#possiblySufficientSomewhere(experiment)) {
				this.#fail(batch, noNodesMessage(batch.experimentId), null, { disableRetry: true });
				changed = true;
				continue;
			}
			const node = this.#bestNode(cluster, experiment);
			if (!node) continue;

			const mountKeys = mountInputKeys(batch.inputs);
			if (mountKeys.length && !this.config.insecureCapabilities) {
				const info = `FUSE support for this agency is disabled, but the following input/output-keys are configured to mount inside a docker container.\n${pyRepr(mountKeys)}`;
				this.#fail(batch, info, null, { disableRetry: true });
				changed = true;
				continue;
			}
			node.ramAvailable -= experiment.container.settings.ram;
			node.numBatches += 1;
			let usedGPUs = null;
			if (node.gpusAvailable.length) {
				const chosen =
					matchGpus(node.gpusAvailable, gpuRequirements(experiment.container.settings.gpus)) ?? [];
				usedGPUs = chosen.map((g) => g.id);
				node.gpusAvailable = node.gpusAvailable.filter((g) => !usedGPUs.includes(g.id));
			}
			runningPerExperiment.set(
				batch.experimentId,
				(runningPerExperiment.get(batch.experimentId) ?? 0) + 1,
			);

			batch.state = 'scheduled';
			batch.node = node.nodeName;
			batch.usedGPUs = usedGPUs;
			batch.mount = mountKeys.length > 0;
			batch.attempts += 1;
			batch.history.push(historyEntry('scheduled', { node: node.nodeName }));
			this.#arm(batch._id, this.config.stepMs, () => this.#startProcessing(batch._id));
			changed = true;
		}
		if (changed) this.store.changed();
	}

	#clusterState() {
		const running = [...this.active]
			.map((id) => this.store.batches.get(id))
			.filter((b) => b && HOLDS_RESOURCES.has(b.state));
		return this.nodes.map((node) => {
			const mine = running.filter((b) => b.node === node.nodeName);
			const usedRam = mine.reduce(
				(sum, b) =>
					sum + (this.store.experiments.get(b.experimentId)?.container?.settings?.ram ?? 0),
				0,
			);
			const busyGpus = new Set(mine.flatMap((b) => (Array.isArray(b.usedGPUs) ? b.usedGPUs : [])));
			return {
				nodeName: node.nodeName,
				online: node.state === 'online',
				gpus: node.gpus ?? [],
				ramAvailable: node.ram - usedRam,
				gpusAvailable: (node.gpus ?? []).filter((g) => !busyGpus.has(g.id)),
				numBatches: mine.length,
			};
		});
	}

	#possiblySufficientSomewhere(experiment) {
		if (!experiment) return false;
		const ram = experiment.container.settings.ram;
		const requirements = gpuRequirements(experiment.container.settings.gpus);
		return this.nodes.some((n) => n.ram >= ram && matchGpus(n.gpus ?? [], requirements) !== null);
	}

	/** Sufficient nodes; prefer no GPUs, then fewer batches, then less free RAM. */
	#bestNode(cluster, experiment) {
		const ram = experiment.container.settings.ram;
		const requirements = gpuRequirements(experiment.container.settings.gpus);
		let candidates = cluster.filter(
			(n) => n.online && n.ramAvailable >= ram && matchGpus(n.gpusAvailable, requirements) !== null,
		);
		if (!candidates.length) return null;
		const withoutGpus = candidates.filter((n) => n.gpus.length === 0);
		if (withoutGpus.length) candidates = withoutGpus;
		const fewest = Math.min(...candidates.map((n) => n.numBatches));
		return candidates
			.filter((n) => n.numBatches === fewest)
			.sort((a, b) => a.ramAvailable - b.ramAvailable)[0];
	}

	// ---- transitions ----

	#startProcessing(id) {
		const batch = this.store.batches.get(id);
		if (!batch || batch.state !== 'scheduled') return;
		const experiment = this.store.experiments.get(batch.experimentId);
		const fileUuid = batch.cliStdout?.endsWith('.stdout')
			? batch.cliStdout.slice(0, -'.stdout'.length)
			: uuid4();
		Object.assign(batch, streamNames(experiment, fileUuid));
		batch.state = 'processing';
		batch.history.push(historyEntry('processing', { node: batch.node }));
		const duration = processingDurationMs(simulateExecution(experiment, batch), this.config.stepMs);
		this.store.sim.set(id, { endsAtMs: nowMs() + duration });
		this.#arm(id, duration, () => this.#finishProcessing(id));
		this.store.changed();
	}

	#finishProcessing(id) {
		const batch = this.store.batches.get(id);
		if (!batch || batch.state !== 'processing') return;
		const experiment = this.store.experiments.get(batch.experimentId);
		const outcome = simulateExecution(experiment, batch);
		const { debugInfo, ccagent } = agentReport(outcome, batch);
		const kept = storedStreams(outcome, batch);
		if (Object.keys(kept).length)
			this.store.streams.set(id, { ...this.store.streams.get(id), ...kept });
		this.store.sim.delete(id);
		if (outcome.kind === 'success') {
			batch.state = 'succeeded';
			batch.history.push(historyEntry('succeeded', { node: batch.node, ccagent }));
			this.#terminal(batch);
		} else {
			this.#fail(batch, debugInfo, ccagent, { disableRetry: false });
		}
		this.store.changed();
		this.schedulePass(); // the container exited: resources are free again
	}

	/** Upstream batch_failure(): back to registered for a second attempt, or failed. */
	#fail(batch, debugInfo, ccagent, { disableRetry }) {
		const experiment = this.store.experiments.get(batch.experimentId);
		const retry =
			!disableRetry &&
			batch.attempts < 2 &&
			experiment?.execution?.settings?.retryIfFailed === true;
		if (retry) {
			batch.state = 'registered';
			batch.node = null;
			batch.history.push(historyEntry('registered', { debugInfo, ccagent }));
			this.#armRegistered(batch);
		} else {
			batch.state = 'failed';
			batch.history.push(historyEntry('failed', { node: batch.node, debugInfo, ccagent }));
			this.#terminal(batch);
		}
	}

	#terminal(batch) {
		this.#clearTimer(batch._id);
		this.active.delete(batch._id);
		this.store.sim.delete(batch._id);
		this.pendingHousekeeping.add(batch._id);
		this.#armHousekeeping();
	}

	// ---- timers ----

	/**
	 * Runs `fn` for batch `id` after `delayMs`. Node timers may fire up to a few ms early
	 * against the wall clock (libuv caches the loop time); firing early is re-armed, so every
	 * state lasts at least one step and pollers faster than stepMs can see each of them.
	 */
	#arm(id, delayMs, fn) {
		this.#clearTimer(id);
		const dueAt = nowMs() + Math.max(0, delayMs);
		const fire = () => {
			const remaining = dueAt - nowMs();
			if (remaining > 0) {
				const again = setTimeout(fire, Math.ceil(remaining));
				again.unref();
				this.timers.set(id, again);
				return;
			}
			this.timers.delete(id);
			fn();
		};
		const timer = setTimeout(fire, Math.max(0, delayMs));
		timer.unref();
		this.timers.set(id, timer);
	}

	#clearTimer(id) {
		const timer = this.timers.get(id);
		if (timer) clearTimeout(timer);
		this.timers.delete(id);
	}

	#armRegistered(batch) {
		this.#arm(batch._id, lastTimeMs(batch) + this.config.stepMs - nowMs(), () =>
			this.schedulePass(),
		);
	}

	/** Re-arms a batch loaded from the data file (or after a stepMs change). */
	#armFor(batch) {
		if (batch.state === 'registered') this.#armRegistered(batch);
		else if (batch.state === 'scheduled')
			this.#arm(batch._id, lastTimeMs(batch) + this.config.stepMs - nowMs(), () =>
				this.#startProcessing(batch._id),
			);
		else if (batch.state === 'processing') {
			const endsAt = this.store.sim.get(batch._id)?.endsAtMs ?? nowMs();
			this.#arm(batch._id, endsAt - nowMs(), () => this.#finishProcessing(batch._id));
		}
	}

	// ---- housekeeping: voiding secrets and notifications ----

	#armHousekeeping(force = false) {
		if (this.housekeepingTimer) return;
		if (!this.pendingHousekeeping.size && !force) return;
		let earliest = Infinity;
		for (const id of this.pendingHousekeeping) {
			const b = this.store.batches.get(id);
			if (b) earliest = Math.min(earliest, lastTimeMs(b) + this.config.stepMs);
		}
		const delay = Number.isFinite(earliest) ? earliest - nowMs() : 0;
		this.housekeepingTimer = setTimeout(
			() => {
				this.housekeepingTimer = null;
				this.#housekeeping();
			},
			Math.max(0, delay),
		);
		this.housekeepingTimer.unref();
	}

	#housekeeping() {
		const now = nowMs();
		const notified = [];
		const touched = new Set();
		for (const id of [...this.pendingHousekeeping]) {
			const batch = this.store.batches.get(id);
			if (!batch) {
				this.pendingHousekeeping.delete(id);
				continue;
			}
			if (lastTimeMs(batch) + this.config.stepMs > now + 1) continue;
			this.pendingHousekeeping.delete(id);
			if (!batch.protectedKeysVoided) {
				for (const key of batchSecretKeys(batch)) this.store.trustee.delete(key);
				batch.protectedKeysVoided = true;
			}
			if (!batch.notificationsSent) {
				batch.notificationsSent = true;
				notified.push({ batchId: batch._id, state: batch.state });
			}
			touched.add(batch.experimentId);
		}
		const experimentIds = this.checkAllExperiments
			? [...this.store.experiments.keys()]
			: [...touched];
		this.checkAllExperiments = false;
		for (const experimentId of experimentIds) this.#voidExperimentIfFinished(experimentId);
		this.store.changed();
		this.#armHousekeeping();
		if (notified.length)
			postNotifications(this.config.notificationHooks, { batches: notified }, this.notificationLog);
	}

	/** An experiment's image credentials are deleted once all of its batches have finished. */
	#voidExperimentIfFinished(experimentId) {
		const experiment = this.store.experiments.get(experimentId);
		if (!experiment || experiment.protectedKeysVoided) return;
		const batches = this.store.batchesOfExperiment(experimentId);
		if (!batches.every((b) => TERMINAL_STATES.has(b.state))) return;
		for (const key of experimentSecretKeys(experiment)) this.store.trustee.delete(key);
		experiment.protectedKeysVoided = true;
	}
}
