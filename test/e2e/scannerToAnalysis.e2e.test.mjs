// The package's reason to exist, end to end: the published scanner-to-analysis template in a
// real n8n with the three emulators. A scan sent by the demo scanner workflow (a real Agora
// import) makes the Agora Trigger fire; the template downloads the exam, has CC-Agency run
// MRIQC on it, uploads the report back to the exam, registers it in Alyx and tags the exam.
// A scan of a subject Alyx does not know ends in the error branch, which names the step.
// Beside it, the nightly Alyx session report (a Schedule Trigger, here started by hand).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndPack } from '../../scripts/lib/pack.mjs';
import { getFreePort } from '../../scripts/lib/free-port.mjs';
import { createN8nInstance, outputOf } from '../../scripts/lib/n8n-instance.mjs';
import { AGORA_ALICE_KEY, emulatorCredentials } from '../../scripts/lib/emulator-credentials.mjs';
import { startCcAgencyEmulator } from '../../emulators/cc-agency/server.mjs';
import { startAlyxEmulator } from '../../emulators/alyx/server.mjs';
import { startAgoraEmulator } from '../../emulators/agora/server.mjs';
import { loadExamples, skipWithoutN8n } from './workflows.mjs';

const skip = skipWithoutN8n();

const [template] = loadExamples('scanner-to-analysis');
const [scanner] = loadExamples('demo-scanner-sends-an-exam');
const [nightly] = loadExamples('nightly-alyx-session-report');

/** The nightly report, started by hand: its Schedule Trigger swapped for a Manual Trigger of the same name. */
function nightlyByHand() {
	const copy = structuredClone(nightly);
	copy.id = 'nightlyReportByHand';
	const trigger = copy.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
	Object.assign(trigger, { type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });
	return copy;
}

/** The demo scanner with another subject: a copy with its own id. */
function scannerFor(subject, id) {
	const copy = structuredClone(scanner);
	copy.id = id;
	copy.name = `${scanner.name} (${subject})`;
	const code = copy.nodes.find((n) => n.name === 'Scanner Files');
	assert.ok(code.parameters.jsCode.includes("const subject = 'SWC_043';"), 'the demo scanner names its subject in one line');
	code.parameters.jsCode = code.parameters.jsCode.replace("const subject = 'SWC_043';", `const subject = '${subject}';`);
	return copy;
}

/** Every node that ran, with its first error if it had one. */
function nodeErrors(execution) {
	const runData = execution.data?.resultData?.runData ?? {};
	return Object.entries(runData).flatMap(([name, runs]) => runs.filter((r) => r.error).map((r) => `${name}: ${r.error.message}`));
}

describe('Cross-platform examples in a real n8n: scanner to analysis, nightly report', { skip, timeout: 12 * 60 * 1000 }, () => {
	let cc;
	let alyx;
	let agora;
	let n8n;
	let userFolder;
	let agoraDir;
	const agoraGet = async (path) => {
		const response = await fetch(`${agora.url}${path}`, { headers: { Authorization: `Token ${AGORA_ALICE_KEY}` } });
		assert.equal(response.status, 200, `GET ${path}`);
		return response;
	};

	before(async () => {
		cc = await startCcAgencyEmulator({ port: 0, seed: 'demo', stepMs: 100 });
		alyx = await startAlyxEmulator({ port: 0, seed: 'demo' });
		agoraDir = mkdtempSync(join(tmpdir(), 'agora-e2e-template-'));
		agora = await startAgoraEmulator({ port: 0, seed: 'demo', dataDir: agoraDir, stepMs: 100 });
		const { tarball } = buildAndPack();
		userFolder = mkdtempSync(join(tmpdir(), 'n8n-e2e-template-'));
		n8n = await createN8nInstance({ userFolder, port: await getFreePort() });
		n8n.installPackageTarball(tarball);
		await n8n.importCredentials(emulatorCredentials({ ccAgency: cc.url, alyx: alyx.url, agora: agora.url }));
		// The template's "Lab Settings" point the RED's input connectors at the sandbox's Agora.
		await n8n.importWorkflows([template, scanner, scannerFor('NO_SUCH_MOUSE', 'demoScannerUnknownMouse'), nightlyByHand()]);
		await n8n.publish(template.id);
		await n8n.start();
	});

	after(async () => {
		await n8n?.stop();
		await Promise.all([cc?.close(), alyx?.close(), agora?.close()]);
		for (const dir of [userFolder, agoraDir]) if (dir) rmSync(dir, { recursive: true, force: true });
	});

	test('a scan arriving in Agora runs the whole template: report on the exam, registered in Alyx, exam tagged', async () => {
		const scan = await n8n.execute(scanner.id);
		assert.equal(scan.status, 'success', scan.error?.message);
		const [{ importId }] = outputOf(scan, 'Send to Agora');

		const [execution] = await n8n.waitForExecutions(template.id, 1, { timeoutMs: 240_000, intervalMs: 2000 });
		assert.deepEqual(nodeErrors(execution), [], 'no node failed');
		assert.equal(execution.status, 'success');
		const run = { runData: execution.data.resultData.runData };
		for (const step of ['Get Exam', 'Find Alyx Session', 'Download Exam Files', 'Run MRIQC on CC-Agency', 'Get QC Report File', 'Upload Report to Exam', 'Register Report in Alyx', 'Tag Exam', 'Summary'])
			assert.ok(outputOf(run, step)?.length > 0, `${step} produced output (nodes that ran: ${Object.keys(run.runData).join(', ')})`);
		assert.equal(outputOf(run, 'Report Failure'), undefined, 'the error branch did not run');

		const [summary] = outputOf(run, 'Summary');
		const [exam] = outputOf(run, 'Get Exam');
		assert.equal(exam.patient.patient_id, 'SWC_043');
		const [trigger] = outputOf(run, 'When an Import Finishes');
		assert.ok(trigger.related_objects.some((o) => o.content_type === 'exam' && o.id === exam.id), `import ${importId} created exam ${exam.id}`);

		// CC-Agency ran MRIQC on the three scanned files, and its stdout is the report.
		const [batch] = outputOf(run, 'Run MRIQC on CC-Agency');
		assert.equal(batch.state, 'succeeded');
		const report = JSON.parse(batch.stdout);
		assert.equal(report.tool, 'mriqc');
		assert.equal(report.inputs.length, 3);
		const allPassed = report.summary.passed === report.summary.files;
		assert.equal(summary.qcPassed, allPassed);

		// The report is on the exam in Agora, byte for byte what CC-Agency stored.
		const stored = await (await agoraGet(`/api/v1/datafile/${summary.reportDatafile}/download/`)).text();
		const stdout = await (await fetch(`${cc.url}/batches/${batch.batchId}/stdout`, { headers: { Authorization: `Basic ${Buffer.from('alice:alice-password').toString('base64')}` } })).text();
		assert.equal(stored, stdout);
		const datafile = await (await agoraGet(`/api/v2/datafile/${summary.reportDatafile}/`)).json();
		const dataset = await (await agoraGet(`/api/v2/dataset/${datafile.dataset}/`)).json();
		const series = await (await agoraGet(`/api/v2/serie/${dataset.serie}/`)).json();
		assert.equal(series.exam, exam.id, 'the report landed in the scanned exam');

		// Alyx knows the report as a dataset of the subject's session that day.
		const [registered] = outputOf(run, 'Register Report in Alyx');
		assert.equal(registered.name, '_mriqc_scan.metrics.json');
		assert.equal(registered.collection, 'mri');
		assert.match(summary.alyxSession, /^SWC_043\/\d{4}-\d{2}-\d{2}\/001$/);

		// The exam carries the tag chosen from the QC verdict.
		const tags = await (await agoraGet(`/api/v2/exam/${exam.id}/tags/`)).json();
		const labels = (Array.isArray(tags) ? tags : tags.results).map((t) => t.label ?? t.name);
		assert.ok(labels.includes(allPassed ? 'good' : 'review'), `exam tags: ${labels.join(', ')}`);
	});

	test('a scan of a subject Alyx does not know ends in the error branch, which names the step and the fix', async () => {
		const before = (await n8n.executions(template.id)).length;
		const scan = await n8n.execute('demoScannerUnknownMouse');
		assert.equal(scan.status, 'success', scan.error?.message);
		const executions = await n8n.waitForExecutions(template.id, before + 1, { timeoutMs: 240_000, intervalMs: 2000 });
		const execution = executions.at(-1);
		assert.equal(execution.status, 'error', 'the run is marked failed, so an error workflow or the executions list shows it');
		const run = { runData: execution.data.resultData.runData };
		const [failure] = outputOf(run, 'Report Failure');
		assert.equal(failure.step, 'Find Alyx Session');
		assert.match(failure.reason, /Alyx has no session of subject "NO_SUCH_MOUSE" on \d{4}-\d{2}-\d{2}\. Create the session in Alyx/);
		assert.match(execution.data.resultData.error.message, /^Find Alyx Session failed: Alyx has no session/);
		assert.equal(outputOf(run, 'Run MRIQC on CC-Agency'), undefined, 'nothing was sent to CC-Agency');
	});

	test("the nightly report files yesterday's Alyx sessions as a CSV in Agora", async () => {
		const result = await n8n.execute('nightlyReportByHand');
		assert.equal(result.status, 'success', result.error?.message);
		const rows = outputOf(result, 'Report Rows');
		// The demo Alyx has one session per restricted mouse per day, KS022 and SWC_043.
		assert.deepEqual(rows.map((r) => r.subject).sort(), ['KS022', 'SWC_043']);
		for (const row of rows) assert.match(row.performance, /^\d+ %$/);
		const [filed] = outputOf(result, 'File in Agora');
		assert.match(filed.path, /^session-reports\/sessions-\d{4}-\d{2}-\d{2}\.csv$/);
		assert.equal(filed.hashStatus, 'verified');
		const csv = await (await agoraGet(`/api/v1/datafile/${filed.datafile}/download/`)).text();
		const [header, ...lines] = csv.trim().split('\n');
		assert.equal(header, 'subject,date,number,task,trials,correct,performance,qc');
		assert.equal(lines.length, 2);
	});
});
