// The simulated `mriqc` program (MRI quality control). The real MRIQC computes image-quality
// metrics (IQMs) of structural/functional MRI and writes them as JSON; this stand-in reads only
// the batch's input *descriptions* (never fetches a connector URL) and writes a JSON report to
// stdout whose metrics are pure functions of each file's basename and checksum: no randomness,
// no clock, so the same RED always yields the same report.
//
//   File inputs            -> one report entry each (Directory listings and File[] arrays too;
//                             a file inside a Directory is reported as "<dir>/<name>")
//   string/number inputs   -> `subject` and `session` are copied into the report
//   no File at all         -> exit 2, stderr "mriqc: error: no input files"
import { createHash } from 'node:crypto';

export const MRIQC_VERSION = '24.0.2';

/** The thresholds a file must meet to pass (report.summary.passed counts those that do). */
export const MRIQC_THRESHOLDS = { snrMin: 8, efcMax: 0.6 };

/** File descriptions of the inputs, in CWL argument order (position, then key). */
export function mriqcInputFiles(cliInputs, batchInputs) {
	const keys = Object.keys(batchInputs ?? {}).sort(
		(a, b) =>
			(cliInputs?.[a]?.inputBinding?.position ?? 0) - (cliInputs?.[b]?.inputBinding?.position ?? 0) ||
			(a < b ? -1 : a > b ? 1 : 0),
	);
	const files = [];
	const visit = (value, prefix) => {
		if (Array.isArray(value)) {
			for (const item of value) visit(item, prefix);
			return;
		}
		if (!value || typeof value !== 'object') return;
		if (value.class === 'File') {
			files.push({
				basename: prefix + String(value.basename ?? 'unnamed'),
				size: Number.isInteger(value.size) ? value.size : null,
				checksum: typeof value.checksum === 'string' ? value.checksum : null,
			});
		} else if (value.class === 'Directory' && Array.isArray(value.listing)) {
			const dir = `${prefix}${String(value.basename ?? '')}`;
			visit(value.listing, dir ? `${dir}/` : '');
		}
	};
	for (const key of keys) visit(batchInputs[key], '');
	return files;
}

/** Four numbers in [0, 1) from SHA-256 of "<basename>\n<checksum>". */
function unitValues(basename, checksum) {
	const digest = createHash('sha256').update(`${basename}\n${checksum ?? ''}`).digest();
	return [0, 4, 8, 12].map((at) => digest.readUInt32BE(at) / 2 ** 32);
}

const round = (value, digits) => Number(value.toFixed(digits));

/** Deterministic IQMs in the ranges real T1w/BOLD images show. */
export function mriqcMetrics(basename, checksum) {
	const [a, b, c, d] = unitValues(basename, checksum);
	return {
		snr: round(4 + a * 16, 3), // signal-to-noise ratio, 4..20
		cnr: round(0.8 + b * 3.2, 3), // contrast-to-noise ratio, 0.8..4
		fwhm_avg: round(2.2 + c * 1.8, 3), // smoothness in mm, 2.2..4
		efc: round(0.35 + d * 0.35, 4), // entropy focus criterion (ghosting/blurring), 0.35..0.7
	};
}

const scalar = (value) =>
	typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : null;

/** What running `mriqc` does for a batch: {kind: 'success'|'exit', returnCode, stdout, stderr}. */
export function runMriqc(cliInputs, batchInputs) {
	const files = mriqcInputFiles(cliInputs, batchInputs);
	const subject = scalar(batchInputs?.subject);
	const session = scalar(batchInputs?.session);
	const header = `mriqc ${MRIQC_VERSION} (simulated; no image data is read)\n`;
	if (files.length === 0) {
		return {
			kind: 'exit',
			returnCode: 2,
			stdout: '',
			stderr: 'mriqc: error: no input files\n',
		};
	}
	const inputs = files.map((file) => {
		const metrics = mriqcMetrics(file.basename, file.checksum);
		const passed = metrics.snr >= MRIQC_THRESHOLDS.snrMin && metrics.efc <= MRIQC_THRESHOLDS.efcMax;
		return { ...file, metrics, passed };
	});
	const report = {
		tool: 'mriqc',
		version: MRIQC_VERSION,
		simulated: true,
		subject,
		session,
		inputs,
		summary: {
			files: inputs.length,
			bytes: inputs.reduce((sum, file) => sum + (file.size ?? 0), 0),
			passed: inputs.filter((file) => file.passed).length,
		},
	};
	const who = [subject && `sub-${String(subject).replace(/^sub-/, '')}`, session && `ses-${String(session).replace(/^ses-/, '')}`]
		.filter(Boolean)
		.join(' ');
	const log = [
		header.trimEnd(),
		`Running MRIQC on ${inputs.length} input file(s)${who ? ` for ${who}` : ''}`,
		...inputs.map(
			(file) =>
				`[Node] Finished "compute_iqms" for ${file.basename}: snr=${file.metrics.snr} efc=${file.metrics.efc} -> ${file.passed ? 'pass' : 'fail'}`,
		),
		`MRIQC completed: ${report.summary.passed} of ${inputs.length} file(s) passed (snr >= ${MRIQC_THRESHOLDS.snrMin}, efc <= ${MRIQC_THRESHOLDS.efcMax})`,
	];
	return {
		kind: 'success',
		returnCode: 0,
		stdout: `${JSON.stringify(report, null, 2)}\n`,
		stderr: `${log.join('\n')}\n`,
	};
}
