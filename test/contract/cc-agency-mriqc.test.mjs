// Contract tests for the CC-Agency emulator's simulated `mriqc` program (mriqc.mjs): a RED whose
// JSON report is a `stdout` output (cli.stdout "qc_report.json") is accepted, runs, and the
// report is served by GET /batches/<id>/stdout (reference §9); no File input -> exit 2.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCcAgencyEmulator } from '../../emulators/cc-agency/server.mjs';
import { mriqcMetrics } from '../../emulators/cc-agency/mriqc.mjs';
import { mriqcRed } from '../../emulators/cc-agency/sample-reds.mjs';
import { basicAuth, createClient } from '../../emulators/lib/contract-client.mjs';
import { submitRed, waitForBatchEnd } from '../../emulators/cc-agency/testing.mjs';

const STEP_MS = 30;

let agency;
let alice;

before(async () => {
	agency = await startCcAgencyEmulator({ stepMs: STEP_MS });
	alice = createClient(agency.url, { authorization: basicAuth('alice', 'alice-password') });
});

after(async () => {
	await agency?.close();
});

async function runToEnd(red, query = '') {
	const { experimentId, batchIds: [batchId] } = await submitRed(alice, red, query);
	return { experimentId, batchId, batch: await waitForBatchEnd(alice, batchId) };
}

describe('mriqc: RED with a stdout output', () => {
	test('is accepted with cli.stdout, cli.outputs {report: {type: stdout}} and a batch output connector', async () => {
		const res = await alice.post('/red', { json: mriqcRed() });
		assert.equal(res.status, 200, res.text);
		const experiment = (await alice.get(`/experiments/${res.data.experimentId}`)).data;
		assert.equal(experiment.cli.stdout, 'qc_report.json');
		assert.deepEqual(experiment.cli.outputs, { report: { type: 'stdout' } });
	});

	test('without a batch value for the declared stdout output it is rejected, as cc_core does', async () => {
		const red = mriqcRed();
		red.outputs = {};
		const res = await alice.post('/red', { json: red });
		assert.equal(res.status, 400);
		assert.match(
			JSON.parse(res.text),
			/Error while checking output key "report":\njob value is missing and not optional/,
		);
	});
});

describe('mriqc: success', () => {
	test('stdout is the JSON report with deterministic metrics; stderr has the log', async () => {
		const red = mriqcRed();
		const { batchId, batch } = await runToEnd(red);
		assert.equal(batch.state, 'succeeded', JSON.stringify(batch.history.at(-1)));
		assert.equal(batch.cliStdout, 'qc_report.json');
		assert.equal(batch.usedSpecifiedStdout, true);
		assert.deepEqual(batch.history.at(-1).ccagent.process, {
			executed: true,
			returnCode: 0,
			stderr: 'mriqc.log',
			stdout: 'qc_report.json',
		});

		const stdout = await alice.get(`/batches/${batchId}/stdout`);
		assert.equal(stdout.status, 200);
		assert.match(stdout.contentType, /^text\/plain/);
		assert.ok(stdout.text.endsWith('}\n'), 'pretty JSON with a final newline');
		const report = JSON.parse(stdout.text);
		assert.equal(report.tool, 'mriqc');
		assert.equal(report.version, '24.0.2');
		assert.equal(report.simulated, true);
		assert.equal(report.subject, '01');
		assert.equal(report.session, 'pre');
		assert.deepEqual(
			report.inputs.map((i) => [i.basename, i.size, i.checksum]),
			red.inputs.images.map((f) => [f.basename, f.size, f.checksum]),
		);
		for (const input of report.inputs) {
			assert.deepEqual(input.metrics, mriqcMetrics(input.basename, input.checksum));
			assert.deepEqual(Object.keys(input.metrics), ['snr', 'cnr', 'fwhm_avg', 'efc']);
			assert.ok(input.metrics.snr >= 4 && input.metrics.snr < 20);
			assert.ok(input.metrics.efc >= 0.35 && input.metrics.efc < 0.7);
		}
		// Pinned values: the same basename and checksum always give the same metrics.
		assert.deepEqual(report.inputs[0].metrics, { snr: 14.371, cnr: 2.436, fwhm_avg: 2.536, efc: 0.5609 });
		assert.deepEqual(report.summary, {
			files: 2,
			bytes: 15_728_640 + 52_428_800,
			passed: report.inputs.filter((i) => i.passed).length,
		});

		const stderr = await alice.get(`/batches/${batchId}/stderr`);
		assert.equal(stderr.status, 200);
		assert.match(stderr.text, /^mriqc 24\.0\.2 \(simulated/);
		assert.match(stderr.text, /Running MRIQC on 2 input file\(s\) for sub-01 ses-pre/);
		assert.match(stderr.text, /MRIQC completed: \d of 2 file\(s\) passed/);
	});

	test('a second run of the same RED gives the same report, byte for byte', async () => {
		const first = await runToEnd(mriqcRed());
		const second = await runToEnd(mriqcRed());
		const a = (await alice.get(`/batches/${first.batchId}/stdout`)).text;
		const b = (await alice.get(`/batches/${second.batchId}/stdout`)).text;
		assert.equal(a, b);
	});

	test('Directory listings and single File inputs are reported; a size-less file counts 0 bytes', async () => {
		const red = mriqcRed({ files: [] });
		red.cli.inputs.anat = { type: 'Directory', inputBinding: { position: 2 } };
		red.cli.inputs.fmap = { type: 'File', inputBinding: { position: 3 } };
		const connector = { command: 'red-connector-http', access: { url: 'https://data.example.org/x' } };
		red.inputs.anat = {
			class: 'Directory',
			basename: 'anat',
			connector,
			listing: [
				{ class: 'File', basename: 'sub-01_T1w.nii.gz', size: 1000 },
				{ class: 'Directory', basename: 'extra', listing: [{ class: 'File', basename: 'sub-01_T2w.nii.gz', size: 500 }] },
			],
		};
		red.inputs.fmap = { class: 'File', basename: 'sub-01_phasediff.nii.gz', connector };
		const { batchId, batch } = await runToEnd(red);
		assert.equal(batch.state, 'succeeded');
		const report = JSON.parse((await alice.get(`/batches/${batchId}/stdout`)).text);
		assert.deepEqual(
			report.inputs.map((i) => [i.basename, i.size, i.checksum]),
			[
				['anat/sub-01_T1w.nii.gz', 1000, null],
				['anat/extra/sub-01_T2w.nii.gz', 500, null],
				['sub-01_phasediff.nii.gz', null, null],
			],
		);
		assert.equal(report.summary.files, 3);
		assert.equal(report.summary.bytes, 1500);
	});
});

describe('mriqc: no input files', () => {
	test('exits 2 with "mriqc: error: no input files"; both streams are stored', async () => {
		const { batchId, batch } = await runToEnd(mriqcRed({ files: [] }), '?disableRetry=true');
		assert.equal(batch.state, 'failed');
		const last = batch.history.at(-1);
		assert.equal(last.ccagent.process.executed, true);
		assert.equal(last.ccagent.process.returnCode, 2);
		assert.match(last.debugInfo, /process returned non-zero exit code "2"/);
		assert.match(last.debugInfo, /mriqc: error: no input files/);
		const stdout = await alice.get(`/batches/${batchId}/stdout`);
		assert.equal(stdout.status, 200);
		assert.equal(stdout.text, '');
		const stderr = await alice.get(`/batches/${batchId}/stderr`);
		assert.equal(stderr.status, 200);
		assert.equal(stderr.text, 'mriqc: error: no input files\n');
	});
});
