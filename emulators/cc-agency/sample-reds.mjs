// RED 9 documents used by the demo seed, the contract tests and (later) e2e workflows.
// Each builder returns a fresh object, so callers may mutate it.

export const BUSYBOX = 'docker.io/busybox:latest';

/** The valid document of reference §7.1 / §13: echo one string, stdout to out.txt. */
export function echoRed({
	message = 'hello',
	stdout = 'out.txt',
	ram = 256,
	execution = { batchConcurrencyLimit: 2 },
} = {}) {
	const red = {
		redVersion: '9',
		cli: {
			cwlVersion: 'v1.0',
			class: 'CommandLineTool',
			baseCommand: 'echo',
			inputs: { msg: { type: 'string', inputBinding: { position: 0 } } },
			outputs: {},
			...(stdout ? { stdout } : {}),
		},
		inputs: { msg: message },
		outputs: {},
		container: { engine: 'docker', settings: { image: { url: BUSYBOX }, ram } },
	};
	if (execution) red.execution = { engine: 'ccagency', settings: { ...execution } };
	return red;
}

/** Multi-batch form: one echo batch per message. */
export function batchesRed(
	messages,
	{ stdout = 'out.txt', execution = { batchConcurrencyLimit: 2 }, baseCommand = 'echo' } = {},
) {
	const red = echoRed({ stdout, execution });
	delete red.inputs;
	delete red.outputs;
	red.cli.baseCommand = baseCommand;
	red.batches = messages.map((msg) => ({ inputs: { msg }, outputs: {} }));
	return red;
}

/**
 * Any command with one optional string/int argument, e.g.
 * commandRed(['sh', '-c', 'exit 3']), commandRed('sleep', { seconds: 5 }), commandRed('unknown_command').
 */
export function commandRed(
	baseCommand,
	{ seconds, arg, stdout, stderr, execution = {}, ram = 256 } = {},
) {
	const red = echoRed({ stdout: stdout ?? null, ram, execution });
	red.cli.baseCommand = baseCommand;
	red.cli.inputs = {};
	red.inputs = {};
	if (seconds !== undefined) {
		red.cli.inputs.seconds = { type: 'int', inputBinding: { position: 0 } };
		red.inputs.seconds = seconds;
	}
	if (arg !== undefined) {
		red.cli.inputs.arg = { type: 'string', inputBinding: { position: 1 } };
		red.inputs.arg = arg;
	}
	if (stderr) red.cli.stderr = stderr;
	return red;
}

/**
 * A RED with credentials everywhere the agency separates them: a File input with connector
 * access (password, `_`-prefixed key), a File output, private image credentials and
 * execution.settings.access. Placeholder passwords only.
 */
export function redWithSecrets({ baseCommand = 'cat' } = {}) {
	return {
		redVersion: '9',
		cli: {
			cwlVersion: 'v1.0',
			class: 'CommandLineTool',
			baseCommand,
			inputs: {
				data: { type: 'File', inputBinding: { position: 0 } },
				archive: { type: 'File?', inputBinding: { position: 1 } },
			},
			outputs: { result: { type: 'File', outputBinding: { glob: 'result.txt' } } },
		},
		inputs: {
			data: {
				class: 'File',
				connector: {
					command: 'red-connector-http',
					access: {
						url: 'https://example.org/data.csv',
						auth: { username: 'reader', password: 'connector-secret' },
					},
				},
			},
			archive: {
				class: 'File',
				basename: 'archive.tar.gz',
				connector: {
					command: 'red-connector-ssh',
					access: {
						host: 'files.example.org',
						_username: 'ssh-user',
						_password: 'ssh-secret',
						path: '/srv/archive.tar.gz',
					},
				},
			},
		},
		outputs: {
			result: {
				class: 'File',
				connector: {
					command: 'red-connector-http',
					access: {
						url: 'https://example.org/upload',
						method: 'PUT',
						auth: { username: 'writer', password: 'upload-secret' },
					},
				},
			},
		},
		container: {
			engine: 'docker',
			settings: {
				image: {
					url: 'registry.example.org/private/tool:1.0',
					auth: { _username: 'registry-user', _password: 'registry-secret' },
				},
				ram: 512,
			},
		},
		execution: {
			engine: 'ccagency',
			settings: {
				access: {
					url: 'https://agency.example.org',
					auth: { username: 'alice', password: 'agency-secret' },
				},
				batchConcurrencyLimit: 4,
			},
		},
	};
}

/**
 * The simulated `mriqc` program (mriqc.mjs): T1w/BOLD File inputs and a subject, the JSON
 * report declared as a `stdout` output (cli.stdout names the file, cli.outputs declares it and
 * the batch gives it an output connector, as cc_core requires for every declared output).
 * `files: []` leaves the File inputs out (the program then exits 2).
 */
export function mriqcRed({
	subject = '01',
	session = 'pre',
	files = [
		{ basename: 'sub-01_T1w.nii.gz', size: 15_728_640, checksum: 'sha1$3f786850e387550fdab836ed7e6dc881de23001b' },
		{ basename: 'sub-01_task-rest_bold.nii.gz', size: 52_428_800, checksum: 'sha1$89e6c98d92887913cadf06b2adb97f26cde4849b' },
	],
	stdout = 'qc_report.json',
	stderr = 'mriqc.log',
} = {}) {
	const connector = (name) => ({
		command: 'red-connector-http',
		access: { url: `https://data.example.org/raw/${name}`, method: 'GET' },
	});
	const cliInputs = {
		subject: { type: 'string', inputBinding: { prefix: '--participant-label', position: 0 } },
		session: { type: 'string?', inputBinding: { prefix: '--session-id', position: 1 } },
	};
	const inputs = { subject, session };
	if (files.length) {
		cliInputs.images = { type: 'File[]', inputBinding: { position: 2 } };
		inputs.images = files.map((f) => ({ class: 'File', ...f, connector: connector(f.basename) }));
	}
	return {
		redVersion: '9',
		cli: {
			cwlVersion: 'v1.0',
			class: 'CommandLineTool',
			baseCommand: 'mriqc',
			inputs: cliInputs,
			outputs: { report: { type: 'stdout' } },
			...(stdout ? { stdout } : {}),
			...(stderr ? { stderr } : {}),
		},
		inputs,
		outputs: {
			report: {
				class: 'stdout',
				connector: {
					command: 'red-connector-http',
					access: { url: `https://data.example.org/qc/sub-${subject}_qc_report.json`, method: 'PUT' },
				},
			},
		},
		container: {
			engine: 'docker',
			settings: { image: { url: 'docker.io/nipreps/mriqc:24.0.2' }, ram: 4096 },
		},
	};
}
