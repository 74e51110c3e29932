// Browser test: the sandbox (n8n + the package + the emulators, scripts/lib/sandbox-env.mjs)
// on free ports in a temporary folder, driven like a person would in Chromium: log in, open
// an example workflow, press "Execute workflow", wait for the run, and check it twice:
//   - n8n's REST API, called from the page with the browser's session: the execution's status
//     is "success" and no node in its run data has an error;
//   - the canvas: every node that ran shows n8n's green success mark, none shows an error.
// Screenshots for the README go to docs/images/ (1440x900).
//
// Needs Debian's Chromium (/usr/bin/chromium) and the pinned n8n (npm run test:e2e installs it);
// without either the test is skipped and says why.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../scripts/lib/paths.mjs';
import { getFreePort } from '../../scripts/lib/free-port.mjs';
import { n8nDir } from '../../scripts/lib/n8n-install.mjs';
import { isN8nInstalled } from '../../scripts/lib/n8n-instance.mjs';
import { startSandbox } from '../../scripts/lib/sandbox-env.mjs';

// The workflow under test, by name (BROWSER_WORKFLOW overrides it for a one-off run).
const WORKFLOW_NAME = process.env.BROWSER_WORKFLOW ?? 'Scanner to analysis: Agora import → CC-Agency → Alyx → Agora';
// Workflows run first in the same way, to give a workflow something to work on. The scanner
// pipeline starts with an Agora Trigger; executed by hand it takes the newest finished import,
// and the demo scanner makes one.
const RUN_FIRST = {
	'Scanner to analysis: Agora import → CC-Agency → Alyx → Agora': ['Demo scanner: send a mouse MRI exam to Agora'],
};
// The README's picture is of the scanner pipeline; other workflows' canvases go to .cache/.
const CANVAS_SCREENSHOT = WORKFLOW_NAME.startsWith('Scanner to analysis')
	? join(repoRoot, 'docs', 'images', 'scanner-to-analysis.png')
	: join(repoRoot, '.cache', 'browser', 'workflow-run.png');

const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1440, height: 900 };
const IMAGES = join(repoRoot, 'docs', 'images');
const RUN_TIMEOUT_MS = 5 * 60 * 1000;

const skip = !existsSync(CHROMIUM)
	? `Chromium is missing (${CHROMIUM}); install it with: apt-get install chromium`
	: !isN8nInstalled()
		? 'n8n is not installed (npm run test:e2e installs it)'
		: false;
if (skip) console.log(`# browser test skipped: ${skip}`);

/** GET a REST path of n8n from the page, with its session cookie and browser id. */
async function restGet(page, path) {
	const { status, text } = await page.evaluate(async (p) => {
		// n8n binds the session to the browser id the editor keeps in localStorage; a request
		// without it is refused and the session cookie cleared.
		const res = await fetch(p, { headers: { 'browser-id': localStorage.getItem('n8n-browserId') ?? '' } });
		return { status: res.status, text: await res.text() };
	}, path);
	if (status !== 200) throw new Error(`GET ${path} → HTTP ${status}: ${text.slice(0, 300)}`);
	return JSON.parse(text).data;
}

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

async function latestExecutionId(page, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = await restGet(page, `/rest/executions?filter=${filter}&limit=20`);
	return Math.max(0, ...list.results.map((e) => Number(e.id)));
}

/** Waits for the first finished execution of the workflow after `afterId`; returns its summary. */
async function waitForExecution(page, workflowId, afterId, timeoutMs = RUN_TIMEOUT_MS) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const deadline = Date.now() + timeoutMs;
	let seen = [];
	while (Date.now() < deadline) {
		const list = await restGet(page, `/rest/executions?filter=${filter}&limit=20`);
		seen = list.results.filter((e) => Number(e.id) > afterId);
		const done = seen.filter((e) => FINISHED.has(e.status)).sort((a, b) => Number(a.id) - Number(b.id));
		if (done.length) return done[0];
		await page.waitForTimeout(1000);
	}
	throw new Error(
		`no finished execution of "${workflowId}" within ${timeoutMs / 1000} s ` +
			`(seen: ${seen.map((e) => `#${e.id} ${e.status}`).join(', ') || 'none'})`,
	);
}

/** The execution's run data through the REST API; n8n sends it "flatted", decoded with n8n's own copy. */
async function executionDetail(page, id) {
	const detail = await restGet(page, `/rest/executions/${id}`);
	const flatted = createRequire(join(n8nDir(), 'node_modules', 'n8n', 'package.json'))('flatted');
	const data = typeof detail.data === 'string' ? flatted.parse(detail.data) : detail.data;
	return { status: detail.status, data, runData: data?.resultData?.runData ?? {}, error: data?.resultData?.error };
}

/** One line per problem: the run's error and every node task that ended in an error. */
function problemsOf(run) {
	const problems = [];
	for (const [node, tasks] of Object.entries(run.runData)) {
		tasks.forEach((task, i) => {
			if (task.error || (task.executionStatus && task.executionStatus !== 'success')) {
				const message = task.error?.message ?? `status ${task.executionStatus}`;
				const description = task.error?.description ? ` (${task.error.description})` : '';
				problems.push(`node "${node}"${tasks.length > 1 ? ` run ${i + 1}` : ''} failed: ${message}${description}`);
				return;
			}
			// "Continue On Fail": the node succeeded on paper and passed the error on as an item.
			const errorItem = Object.values(task.data ?? {})
				.flat(2)
				.find((item) => item?.json && typeof item.json.error === 'string' && Object.keys(item.json).length <= 2);
			if (errorItem) problems.push(`node "${node}" failed and continued on fail: ${errorItem.json.error}`);
		});
	}
	if (run.error && !problems.some((p) => p.includes(run.error.message))) {
		problems.push(`the run failed${run.error.node?.name ? ` in node "${run.error.node.name}"` : ''}: ${run.error.message}`);
	}
	if (run.status !== 'success' && problems.length === 0) problems.push(`the run ended with status "${run.status}"`);
	return problems;
}

// A skipped describe() counts as no test at all; a skipped test() shows up in the summary.
if (skip) test('browser: an example workflow runs green in the n8n editor', { skip }, () => {});
else describe('browser: an example workflow runs green in the n8n editor', { timeout: 15 * 60 * 1000 }, () => {
	let stateDir;
	let sandbox;
	let context;
	let page;
	const byName = (name) => {
		const found = sandbox.workflows.find((w) => w.name === name);
		assert.ok(found, `workflow "${name}" is not in n8n; imported: ${sandbox.workflows.map((w) => `"${w.name}"`).join(', ')}`);
		return found;
	};

	before(async () => {
		stateDir = mkdtempSync(join(tmpdir(), 'browser-sandbox-'));
		const ports = { n8n: await getFreePort(), ccAgency: await getFreePort(), alyx: await getFreePort(), agora: await getFreePort() };
		const log = (m) => console.log(`# [sandbox] ${m}`);
		// Emulated jobs advance fast, as in the e2e tests.
		sandbox = await startSandbox({ stateDir, ports, log, stepMs: 100 });
		const { chromium, selectors } = await import('playwright-core');
		selectors.setTestIdAttribute('data-test-id'); // n8n's attribute, not Playwright's data-testid
		context = await chromium.launchPersistentContext(join(stateDir, 'chromium-profile'), {
			executablePath: CHROMIUM,
			headless: true,
			viewport: VIEWPORT,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
		});
		page = context.pages()[0] ?? (await context.newPage());
		page.setDefaultTimeout(60000);
		mkdirSync(IMAGES, { recursive: true });
	});

	after(async () => {
		await context?.close().catch(() => {});
		await sandbox?.stop();
		if (stateDir) rmSync(stateDir, { recursive: true, force: true });
	});

	test('log in with the owner login', async () => {
		await page.goto(`${sandbox.n8nUrl}/signin`);
		await page.locator('input[name="emailOrLdapLoginId"]').fill(sandbox.owner.email);
		await page.locator('input[name="password"]').fill(sandbox.owner.password);
		await page.getByTestId('form-submit-button').click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
		const me = await restGet(page, '/rest/login');
		assert.equal(me.email, sandbox.owner.email);
	});

	test('the credentials for the emulators are listed', async () => {
		await page.goto(`${sandbox.n8nUrl}/home/credentials`);
		for (const credential of sandbox.credentials) {
			await page.getByTestId('resources-list-item').filter({ hasText: credential.name }).first().waitFor();
		}
		await page.screenshot({ path: join(IMAGES, 'credentials.png') });
	});

	/** Opens a workflow, presses "Execute workflow", and checks the run through the API and on the canvas. */
	async function runInEditor(name, screenshot) {
		const workflow = byName(name);
		await page.goto(`${sandbox.n8nUrl}/workflow/${workflow.id}`);
		await page.getByTestId('canvas-node').first().waitFor();
		await page.getByTestId('node-view-loader').waitFor({ state: 'detached' });
		const before = await latestExecutionId(page, workflow.id);

		await page.getByTestId('execute-workflow-button').click();
		const summary = await waitForExecution(page, workflow.id, before);
		const run = await executionDetail(page, summary.id);
		const problems = problemsOf(run);
		if (problems.length) assert.fail(`"${name}" (execution ${summary.id}) did not run green:\n  ${problems.join('\n  ')}`);
		const ran = Object.keys(run.runData);
		assert.ok(ran.length > 0, `"${name}" (execution ${summary.id}) ran no node`);

		// The canvas: n8n marks each node that ran with a success (or error) indicator once the
		// run's data reached the editor.
		for (const node of ran) {
			const onCanvas = page.locator(`[data-test-id="canvas-node"][data-node-name="${node.replace(/"/g, '\\"')}"]`);
			await onCanvas
				.getByTestId('canvas-node-status-success')
				.waitFor({ timeout: 30000 })
				.catch(async () => {
					const text = (await onCanvas.innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
					throw new Error(`node "${node}" of "${name}" shows no success mark on the canvas (it shows: "${text}")`);
				});
		}
		const failedOnCanvas = await page
			.locator('[data-test-id="canvas-node"]')
			.evaluateAll(
				(els, names) =>
					els
						.filter((el) => names.includes(el.dataset.nodeName) && el.querySelector('[data-test-id="node-issues"]'))
						.map((el) => el.dataset.nodeName),
				ran,
			);
		if (failedOnCanvas.length) assert.fail(`nodes of "${name}" show an error mark on the canvas: ${failedOnCanvas.join(', ')}`);

		if (screenshot) {
			await page.getByTestId('zoom-to-fit').click();
			await page.waitForTimeout(800); // the zoom animates
			mkdirSync(dirname(screenshot), { recursive: true });
			await page.screenshot({ path: screenshot });
		}
		return { workflow, run, ran };
	}

	for (const first of RUN_FIRST[WORKFLOW_NAME] ?? []) {
		test(`first: "${first}" runs green`, { timeout: RUN_TIMEOUT_MS + 120000 }, async () => {
			await runInEditor(first);
		});
	}

	test(`"${WORKFLOW_NAME}" runs green`, { timeout: RUN_TIMEOUT_MS + 120000 }, async () => {
		const { ran } = await runInEditor(WORKFLOW_NAME, CANVAS_SCREENSHOT);
		console.log(`# nodes that ran: ${ran.join(', ')}`);
	});

	test('the node picker lists the package nodes', async () => {
		// From the open workflow: the "+" opens the node picker; searching a platform shows its
		// node, and opening it lists its actions and trigger.
		// Toasts ("Workflow executed successfully") would cover the list; a click on them once the
		// picker is open counts as a click outside it and closes it, so they go first.
		for (const close of await page.locator('.el-notification__closeBtn').all()) await close.click().catch(() => {});
		await page.waitForTimeout(500);
		await page.getByTestId('node-creator-plus-button').click();
		const search = page.locator('input[data-test-id="node-creator-search-bar"], [data-test-id="node-creator-search-bar"] input').first();
		await search.fill('Agora');
		const item = page.getByTestId('node-creator-item-name').filter({ hasText: /^Agora$/ }).first();
		await item.waitFor();
		await item.click();
		await page.getByTestId('node-creator-action-item').first().waitFor();
		await page.waitForTimeout(1000); // the panel slides to the node's actions
		await page.screenshot({ path: join(IMAGES, 'nodes-panel.png') });
		await page.keyboard.press('Escape');
	});
});
