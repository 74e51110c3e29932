// Timeline items: task runs, exam/series copies and moves (and, later, imports and
// downloads). Each unfinished item advances one step every `stepMs` on a timer:
//   QUEUED -> STARTED -> ... -> FINISHED | ERROR          (cancel: CANCELING -> CANCELED)
// One row is served on both routes (reference Part C "Timeline"): the string `state` of seed
// 000 and the connectors' `data.state` integer, `output`, `log`, `error`,
// `data.related_objects`. Effects happen when an item finishes (a copy's new exam exists only
// then), and the simulation state lives on the row, so a restarted emulator resumes.
import { TERMINAL_TIMELINE_STATES } from './content-types.mjs';
import { isoNow } from './dates.mjs';
import { badRequest } from './errors.mjs';
import { compileScript } from './task-script.mjs';

/** Steps a copy or move spends STARTED before it finishes. */
const TRANSFER_STEPS = 2;

export class Timeline {
	/**
	 * @param {{store: import('./store.mjs').Store, config: object,
	 *          model: import('./data-model.mjs').DataModel}} deps
	 */
	constructor({ store, config, model }) {
		this.store = store;
		this.config = config;
		this.model = model;
		this.timers = new Map();
		this.running = false;
		/** sim kinds whose items another module drives (imports): the clock leaves them alone */
		this.reserved = new Set();
	}

	/** Items whose `sim.kind` is `kind` are advanced by their owner, never by this clock. */
	reserve(kind) {
		this.reserved.add(kind);
	}

	isReserved(item) {
		return this.reserved.has(item?.sim?.kind);
	}

	get t() {
		return this.store.t;
	}

	/** Creates a QUEUED item and starts its clock (`armed: false`: its owner moves it on). */
	create({ type, name, user, project = null, sim = null, related = [], fields = {}, armed = true }) {
		const now = isoNow();
		const item = this.t.timeline.insert({
			type,
			name,
			state: 'QUEUED',
			progress: 0,
			created_date: now,
			modified_date: now,
			start_date: null,
			end_date: null,
			user: user?.id ?? user ?? null,
			project,
			task: null,
			script_task: null,
			target: null,
			inputs: null,
			output: '',
			log: `${now} ${type} queued\n`,
			error: null,
			exit_code: null,
			related_objects: related,
			...fields,
			sim,
		});
		this.store.changed();
		if (armed) this.arm(item);
		return item;
	}

	/** A task run: plays back the definition's script (task-script.mjs). */
	createTaskRun({ user, project, name, script, fields, outputs, targetFolder }) {
		const compiled = compileScript(script);
		return this.create({
			type: 'task',
			name,
			user,
			project,
			fields,
			sim: {
				kind: 'script',
				steps: compiled.steps,
				step: 0,
				exitCode: compiled.exitCode,
				preLog: compiled.log,
				outputs,
				targetFolder,
			},
		});
	}

	arm(item) {
		if (!this.running || this.isReserved(item) || TERMINAL_TIMELINE_STATES.has(item.state)) return;
		clearTimeout(this.timers.get(item.id));
		const timer = setTimeout(() => {
			this.timers.delete(item.id);
			this.advance(item.id);
		}, this.config.stepMs);
		timer.unref?.();
		this.timers.set(item.id, timer);
	}

	advance(id) {
		const item = this.t.timeline.get(id);
		if (!item || this.isReserved(item) || TERMINAL_TIMELINE_STATES.has(item.state)) return;
		const now = isoNow();
		item.modified_date = now;
		if (item.state === 'QUEUED' || item.state === 'IDLE') {
			item.state = 'STARTED';
			item.start_date = now;
			item.log += `${now} started\n`;
			for (const line of item.sim?.preLog ?? []) item.log += `${now} ${line}\n`;
		} else if (item.state === 'CANCELING') {
			item.state = 'CANCELED';
			item.end_date = now;
			item.log += `${now} canceled\n`;
		} else if (item.state === 'STARTED') {
			this.step(item, now);
		}
		this.store.changed();
		this.arm(item);
	}

	step(item, now) {
		const sim = item.sim ?? { kind: 'noop' };
		if (sim.kind === 'script') {
			const lines = sim.steps[sim.step] ?? [];
			if (lines.length) item.output += (item.output ? '\n' : '') + lines.join('\n');
			sim.step += 1;
			item.progress = Math.min(99, Math.round((100 * sim.step) / sim.steps.length));
			if (sim.step < sim.steps.length) return;
			if (sim.exitCode !== 0)
				return this.finish(item, now, {
					error: `exit code ${sim.exitCode}`,
					exitCode: sim.exitCode,
				});
			let created = [];
			try {
				created = this.createTaskResults(item, sim);
			} catch (e) {
				return this.finish(item, now, { error: e.message, exitCode: 0 });
			}
			item.related_objects.push(...created);
			return this.finish(item, now, { exitCode: 0 });
		}
		sim.step = (sim.step ?? 0) + 1;
		item.progress = Math.min(99, Math.round((100 * sim.step) / TRANSFER_STEPS));
		if (sim.step < TRANSFER_STEPS) return;
		try {
			const created = this.effect(sim, item);
			if (created) item.related_objects.push(created);
			this.finish(item, now, {});
		} catch (e) {
			this.finish(item, now, { error: e.message });
		}
	}

	finish(item, now, { error = null, exitCode = null }) {
		item.state = error ? 'ERROR' : 'FINISHED';
		item.error = error;
		item.exit_code = exitCode;
		item.end_date = now;
		item.progress = 100;
		item.log += `${now} ${error ? `failed: ${error}` : 'finished'}\n`;
	}

	/** Copy/move effects, applied when the item finishes. */
	effect(sim, item) {
		const { t, model } = this;
		const folder = t.folders.get(sim.folder);
		if (!folder || folder.trashed) throw new Error('The target folder does not exist.');
		if (sim.kind === 'copy_exam' || sim.kind === 'move_exam') {
			const exam = t.exams.get(sim.exam);
			if (!exam || exam.trashed) throw new Error('The exam does not exist.');
			if (sim.kind === 'move_exam') {
				model.moveExam(exam.id, sim.project, folder.id);
				return null;
			}
			const copy = model.copyExam(exam.id, sim.project, folder.id, item.user);
			return { id: copy.id, content_type: 'exam' };
		}
		if (sim.kind === 'copy_series') {
			const series = t.series.get(sim.series);
			if (!series || series.trashed) throw new Error('The series does not exist.');
			const copy = model.copySeries(series.id, sim.project, folder.id);
			return { id: copy.id, content_type: 'serie' };
		}
		return null;
	}

	/** A finished task with outputs writes one result dataset per output into the target. */
	createTaskResults(item, sim) {
		if (!sim.outputs?.length || sim.targetFolder == null) return [];
		const folder = this.t.folders.get(sim.targetFolder);
		if (!folder || folder.trashed) throw new Error('The target folder does not exist.');
		return sim.outputs.map((output, i) => {
			const name = output.name || `output${i + 1}`;
			const dataset = this.model.createDataset(
				{
					name: `${item.name} - ${name}`,
					type: output.data_set_type ?? 100000,
					project: folder.project,
				},
				{
					folder: folder.id,
					files: [{ path: `${name}.txt`, bytes: `${item.output}\n`, mime_type: 'text/plain' }],
				},
			);
			return { id: dataset.id, content_type: 'dataset' };
		});
	}

	/** POST .../cancel/: a running item goes CANCELING, then CANCELED one step later. */
	cancel(item) {
		if (TERMINAL_TIMELINE_STATES.has(item.state) || item.state === 'CANCELING')
			throw badRequest(`The timeline item is not running (state ${item.state}).`);
		const now = isoNow();
		item.state = 'CANCELING';
		item.modified_date = now;
		item.log += `${now} cancel requested\n`;
		this.store.changed();
		this.arm(item);
		return item;
	}

	/** Arms every unfinished item (at start and after loading a saved state). */
	start() {
		this.running = true;
		for (const item of this.t.timeline.rows.values())
			if (!TERMINAL_TIMELINE_STATES.has(item.state)) this.arm(item);
	}

	stop() {
		this.running = false;
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
	}
}
