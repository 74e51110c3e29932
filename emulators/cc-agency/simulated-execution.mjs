// Deterministic stand-in for Docker + the in-container agent. A batch's fate follows from
// the RED's cli.baseCommand (first word) and the batch inputs:
//   echo      -> succeeds, stdout = arguments joined by " " + "\n"
//   cat       -> succeeds, stdout = arguments concatenated + "\n"
//   sleep N   -> succeeds after N s x (stepMs/300), empty output (for cancellation tests)
//   true      -> succeeds, empty output
//   false     -> the process runs and exits 1
//   sh, bash  -> exit N (N != 0) anywhere in the command line: the process runs and exits N;
//                otherwise succeeds with empty output
//   mriqc     -> MRI quality control (mriqc.mjs): succeeds with a JSON report of deterministic
//                image-quality metrics per File input on stdout and log lines on stderr; with
//                no File input it exits 2 (stderr "mriqc: error: no input files")
//   other     -> the process never starts: Command "<cmd>" not in PATH.
import { runMriqc } from './mriqc.mjs';
import { pyRepr } from './python-format.mjs';

/** cc_core normalize_base_command(): always a list of stripped strings. */
export function normalizeBaseCommand(baseCommand) {
	if (Array.isArray(baseCommand)) return baseCommand.map((w) => String(w).trim());
	if (typeof baseCommand === 'string') return [baseCommand.trim()];
	return [];
}

/** A small CWL command-line builder: inputs ordered by inputBinding.position, then by name. */
export function buildArguments(cliInputs, batchInputs) {
	const entries = Object.entries(cliInputs ?? {})
		.map(([key, description]) => ({ key, description, value: batchInputs?.[key] }))
		.filter((e) => e.value !== undefined && e.value !== null)
		.sort(
			(a, b) =>
				(a.description.inputBinding?.position ?? 0) - (b.description.inputBinding?.position ?? 0) ||
				(a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
		);
	const args = [];
	for (const { description, value } of entries) {
		const binding = description.inputBinding ?? {};
		const prefix = binding.prefix;
		const separate = binding.separate !== false;
		const withPrefix = (text) => {
			if (!prefix) args.push(text);
			else if (separate) args.push(prefix, text);
			else args.push(prefix + text);
		};
		if (typeof value === 'boolean') {
			if (value && prefix) args.push(prefix);
			continue;
		}
		if (Array.isArray(value)) {
			const items = value.map(argumentText);
			if (binding.itemSeparator !== undefined) withPrefix(items.join(binding.itemSeparator));
			else {
				if (prefix) args.push(prefix);
				args.push(...items);
			}
			continue;
		}
		withPrefix(argumentText(value));
	}
	return args;
}

function argumentText(value) {
	if (value && typeof value === 'object') return value.path ?? value.basename ?? '';
	return String(value);
}

/**
 * Decides what running a batch does.
 * @returns {{kind: 'success'|'exit'|'not-found', program: string, command: string[],
 *   returnCode: number|null, stdout: string|null, stderr: string|null, sleepSeconds: number}}
 */
export function simulateExecution(experiment, batch) {
	const command = normalizeBaseCommand(experiment.cli?.baseCommand);
	const words = command.length
		? [...command[0].split(/\s+/).filter(Boolean), ...command.slice(1)]
		: [];
	const all = [...words, ...buildArguments(experiment.cli?.inputs, batch.inputs)];
	const program = all[0] ?? '';
	const rest = all.slice(1);
	const base = { program, command, sleepSeconds: 0 };
	const success = (stdout) => ({ ...base, kind: 'success', returnCode: 0, stdout, stderr: '' });
	const exit = (code) => ({
		...base,
		kind: 'exit',
		returnCode: code,
		stdout: '',
		stderr: `simulated failure: exit ${code}\n`,
	});

	switch (program) {
		case 'echo':
			return success(`${rest.join(' ')}\n`);
		case 'cat':
			return success(`${rest.join('')}\n`);
		case 'true':
			return success('');
		case 'sleep': {
			const seconds = Number(rest.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 0);
			return { ...success(''), sleepSeconds: seconds };
		}
		case 'false':
			return exit(1);
		case 'sh':
		case 'bash': {
			const match = /\bexit\s+(\d+)/.exec(all.join(' '));
			const code = match ? Number(match[1]) % 256 : 0;
			return code === 0 ? success('') : exit(code);
		}
		case 'mriqc': {
			const { kind, returnCode, stdout, stderr } = runMriqc(experiment.cli?.inputs, batch.inputs);
			return { ...base, kind, returnCode, stdout, stderr };
		}
		default:
			return { ...base, kind: 'not-found', returnCode: null, stdout: null, stderr: null };
	}
}

/** How long the container runs, in ms: one step, or the scaled sleep. */
export function processingDurationMs(outcome, stepMs) {
	return Math.max(stepMs, Math.round(outcome.sleepSeconds * 1000 * (stepMs / 300)));
}

const AGENT_FRAMES = [
	'Traceback (most recent call last):',
	'  File "/cc/blue_agent.py", line 1301, in main',
	'    execution_result = execute(command, working_dir=outputs_dir)',
	'  File "/cc/blue_agent.py", line 412, in execute',
];

/**
 * The agent's result object (`ccagent`) and the debugInfo text of the history entry.
 * `streams` are the cliStdout/cliStderr file names the agent reports for a process that ran.
 */
export function agentReport(outcome, streams) {
	const { command } = outcome;
	if (outcome.kind === 'success') {
		return {
			debugInfo: null,
			ccagent: {
				command,
				debugInfo: null,
				inputs: {},
				outputs: {},
				process: {
					executed: true,
					returnCode: 0,
					stderr: streams.cliStderr,
					stdout: streams.cliStdout,
				},
				state: 'succeeded',
			},
		};
	}
	let containerStderr;
	let agentDebugInfo;
	let process;
	if (outcome.kind === 'not-found') {
		const message = `Command "${outcome.program}" not in PATH.`;
		containerStderr = `[ExecutionError]\n${message}\n\n`;
		agentDebugInfo = [
			...AGENT_FRAMES,
			'    raise ExecutionError(',
			`cc_core.commons.exceptions.ExecutionError: ${message}`,
		];
		process = { executed: false, returnCode: null, stderr: null, stdout: null };
	} else {
		const message = `process returned non-zero exit code "${outcome.returnCode}"`;
		containerStderr = `[JobExecutionError]\n${message}\nProcess stderr:\n${outcome.stderr}\n`;
		agentDebugInfo = [
			...AGENT_FRAMES,
			'    raise JobExecutionError(',
			`cc_core.commons.exceptions.JobExecutionError: ${message}`,
		];
		process = {
			executed: true,
			returnCode: outcome.returnCode,
			stderr: streams.cliStderr,
			stdout: streams.cliStdout,
		};
	}
	return {
		debugInfo: `Batch failed.\nContainer stderr:\n${containerStderr}\ndebug info:\n${pyRepr(agentDebugInfo)}`,
		ccagent: {
			command,
			debugInfo: agentDebugInfo,
			inputs: {},
			outputs: null,
			process,
			state: 'failed',
		},
	};
}

/** cc_core get_gpu_requirements(): a list of {vramMin} (null = any) per requested device. */
export function gpuRequirements(gpus) {
	if (!gpus) return [];
	if (Array.isArray(gpus.devices)) return gpus.devices.map((d) => ({ vramMin: d.vramMin ?? null }));
	return Array.from({ length: gpus.count ?? 0 }, () => ({ vramMin: null }));
}

/** cc_core match_gpus(): picks devices for the requirements or returns null if impossible. */
export function matchGpus(available, requirements) {
	const pool = [...available].sort((a, b) => (a.vram ?? 0) - (b.vram ?? 0));
	const chosen = [];
	for (const req of [...requirements].sort((a, b) => (b.vramMin ?? 0) - (a.vramMin ?? 0))) {
		const index = pool.findIndex((gpu) => req.vramMin == null || (gpu.vram ?? 0) >= req.vramMin);
		if (index < 0) return null;
		chosen.push(pool.splice(index, 1)[0]);
	}
	return chosen;
}

/** Stream names the scheduler sets when the container starts. */
export function streamNames(experiment, fileUuid) {
	const cli = experiment.cli ?? {};
	return {
		cliStdout: cli.stdout ?? `${fileUuid}.stdout`,
		cliStderr: cli.stderr ?? `${fileUuid}.stderr`,
		usedSpecifiedStdout: typeof cli.stdout === 'string',
		usedSpecifiedStderr: typeof cli.stderr === 'string',
	};
}

/** Which streams are kept when a container exits (reference §9). */
export function storedStreams(outcome, names) {
	if (outcome.kind === 'success') {
		const kept = {};
		if (names.usedSpecifiedStdout) kept.stdout = outcome.stdout;
		if (names.usedSpecifiedStderr) kept.stderr = outcome.stderr;
		return kept;
	}
	if (outcome.kind === 'exit') return { stdout: outcome.stdout, stderr: outcome.stderr };
	return {};
}
