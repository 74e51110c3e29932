// What a simulated task run does, read from its task definition's `execute_template`
// (for script tasks: `yml.script` or `yml.command`). Nothing is executed; the template is a
// tiny script the emulator plays back one step (stepMs) at a time, so tests and demos can
// choose an outcome without hidden switches:
//   echo <text>   appends a line to the run's output
//   sleep <n>     keeps the run STARTED for n more steps (so it can be cancelled)
//   exit <code>   ends the run; a non-zero code is an ERROR "exit code <code>"
// Lines may also be joined with `&&` or `;`. Placeholders `{{key}}` / `{{ inputs.key }}`
// are replaced by the run's input values (an object input by its id). Other commands are
// only logged.

/** Substitutes `{{key}}`, `{{ inputs.key }}` and `{{ target }}`. */
export function renderTemplate(template, inputs, target) {
	return String(template ?? '').replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, name) => {
		const key = name.replace(/^inputs\./, '');
		if (key === 'target') return target ? String(target.object_id) : '';
		if (!inputs || !(key in inputs)) return whole;
		const v = inputs[key];
		if (v && typeof v === 'object') return String(v.object_id ?? '');
		return String(v);
	});
}

/**
 * Compiles a rendered template into steps. Each step is the list of output lines it adds;
 * the result says how the run ends.
 * @returns {{steps: string[][], exitCode: number, log: string[]}}
 */
export function compileScript(text) {
	const steps = [];
	let current = [];
	const log = [];
	let exitCode = 0;
	const commands = String(text)
		.split(/\r?\n|&&|;/)
		.map((c) => c.trim())
		.filter(Boolean);
	for (const command of commands) {
		const [name, ...args] = command.split(/\s+/);
		const rest = command.slice(name.length).trim();
		if (name === 'echo') {
			current.push(rest.replace(/^(["'])(.*)\1$/, '$2'));
		} else if (name === 'sleep') {
			const n = Math.max(0, Math.min(100_000, Math.round(Number(args[0]) || 0)));
			steps.push(current);
			current = [];
			for (let i = 1; i < n; i++) steps.push([]);
		} else if (name === 'exit') {
			exitCode = Number.parseInt(args[0] ?? '0', 10) || 0;
			break;
		} else {
			log.push(`$ ${command}`);
		}
	}
	steps.push(current);
	return { steps, exitCode, log };
}
