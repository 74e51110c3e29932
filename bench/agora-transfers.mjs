// Agora transfers at 1 GiB through a real n8n (issue 6), measured in one run against the same
// emulator process:
// - upload: the Agora node sending a 1 GiB file from n8n binary data in 16 MiB chunks, against
//   curl sending the same chunks (pre-split files, their SHA-256 from sha256sum, one keep-alive
//   connection) and against the
//   emulator's own ceiling (one Node client re-sending a chunk held in memory);
// - ZIP download of a 1 GiB dataset into n8n binary data, against curl writing it to disk, a
//   plain Node client doing what n8n does without n8n (bench/lib/plain-download.mjs), and the
//   ceiling (a Node client discarding the bytes).
// Every 1 GiB file a run writes is removed after it, n8n's stored copies as curl's files: on
// this VM a write into memory the guest has not touched before costs up to ten times the
// kernel time of one into memory a removed file gave back (dd of 1 GiB: 1.9-2.9 s against
// 0.22 s), so a side whose files stay would pay for it.
// Throughput of the node is its own measurement of the transfer phase (the output's summary),
// so n8n's start-up and the emulator's import work are not counted. Memory: the peak RSS of the
// n8n process running the 1 GiB workflow minus the peak of the same workflow with a 1 KiB file.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFreePort } from '../scripts/lib/free-port.mjs';
import { createN8nInstance } from '../scripts/lib/n8n-instance.mjs';
import { ensureN8n } from '../scripts/lib/n8n-install.mjs';
import { buildAndPack } from '../scripts/lib/pack.mjs';
import { chain } from '../test/e2e/workflows.mjs';
import { startEmulatorProcess } from './lib/emulator-process.mjs';
import { AGORA_ALICE_KEY as ALICE_KEY } from '../scripts/lib/emulator-credentials.mjs';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const CHUNK = 16 * MiB;
const AUTH = `Token ${ALICE_KEY}`;

function writeRandomFile(path, size) {
	const fd = openSync(path, 'w');
	const block = Buffer.alloc(16 * MiB);
	for (let written = 0; written < size; written += block.length) writeSync(fd, randomFillSync(block), 0, Math.min(block.length, size - written));
	closeSync(fd);
}

/** Peak RSS (bytes) of the n8n process executing a workflow (`n8n execute`) while `work` runs. */
async function peakRssOfN8nRun(work) {
	let peak = 0;
	const sample = () => {
		for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
			try {
				const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
				if (!cmd.some((a) => a.endsWith('/n8n') || a.endsWith('bin/n8n')) || !cmd.some((a) => a === 'execute' || a === 'execute-batch')) continue;
				const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
				peak = Math.max(peak, kb * 1024);
			} catch {
				// the process ended between listing and reading
			}
		}
	};
	const timer = setInterval(sample, 50);
	try {
		return { result: await work(), peak };
	} finally {
		clearInterval(timer);
	}
}

async function api(base, method, path, body) {
	const response = await fetch(`${base}${path}`, { method, headers: { Authorization: AUTH, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
	if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
	return response.status === 204 ? null : await response.json();
}

/**
 * Seconds for a script to send every chunk file of `dir` into a new import session: `sha256sum`
 * for the chunk hashes the requests carry (curl cannot compute them; the node computes them as
 * it reads), then one curl over one keep-alive connection. The file's SHA-1, which the node
 * also computes for its verification, is not asked of the script.
 */
async function curlUpload(base, dir, size) {
	const session = await api(base, 'POST', '/api/v2/importsession/', { folder: 1 });
	const chunks = readdirSync(dir).sort();
	const started = process.hrtime.bigint();
	const sums = execFileSync('sha256sum', chunks.map((name) => join(dir, name)), { encoding: 'utf8' }).trim().split('\n').map((line) => line.split(/\s+/)[0]);
	const args = [];
	chunks.forEach((name, i) => {
		if (i > 0) args.push('--next');
		const length = Math.min(CHUNK, size - i * CHUNK);
		args.push('-sS', '-o', '/dev/null', '-H', `Authorization: ${AUTH}`);
		// The same fields as the node sends, chunk hash included (the emulator checks it).
		for (const [k, v] of Object.entries({ description: '', flowChunkNumber: i + 1, flowChunkSize: CHUNK, flowCurrentChunkSize: length, flowTotalSize: size, flowIdentifier: `curl-${session.id}`, flowFilename: 'big.bin', flowRelativePath: 'big.bin', flowTotalChunks: chunks.length, flowChunkHash: sums[i] }))
			args.push('-F', `${k}=${v}`);
		args.push('-F', `file=@${join(dir, name)};filename=big.bin`, `${base}/api/v2/importsession/${session.id}/upload/`);
	});
	execFileSync('curl', args, { stdio: ['ignore', 'ignore', 'inherit'] });
	return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Seconds for a Node client to send one in-memory chunk `count` times (the emulator's ceiling). */
async function ceilingUpload(base, count) {
	const session = await api(base, 'POST', '/api/v2/importsession/', { folder: 1 });
	const boundary = 'bench-boundary';
	const payload = randomFillSync(Buffer.alloc(CHUNK));
	const agent = new (await import('node:http')).Agent({ keepAlive: true });
	const started = process.hrtime.bigint();
	for (let n = 1; n <= count; n++) {
		const fields = { flowChunkNumber: n, flowChunkSize: CHUNK, flowCurrentChunkSize: CHUNK, flowTotalSize: CHUNK * count, flowIdentifier: `ceiling-${session.id}`, flowFilename: 'c.bin', flowRelativePath: 'c.bin', flowTotalChunks: count };
		const head = Buffer.from(Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
		const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
		await new Promise((resolve, reject) => {
			const req = request(`${base}/api/v2/importsession/${session.id}/upload/`, { method: 'POST', agent, headers: { Authorization: AUTH, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': head.length + payload.length + tail.length } }, (res) => {
				res.resume();
				res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`ceiling chunk ${n}: ${res.statusCode}`))));
			});
			req.on('error', reject);
			req.write(head);
			req.write(payload);
			req.end(tail);
		});
	}
	agent.destroy();
	return Number(process.hrtime.bigint() - started) / 1e9;
}

async function readyDownload(base, objects) {
	const created = await api(base, 'POST', '/api/v2/download/', objects);
	for (;;) {
		const status = await api(base, 'GET', `/api/v2/download/${created.id}/`);
		if (status.ready) return status;
		await new Promise((r) => setTimeout(r, 200));
	}
}

function curlDownload(url, path) {
	const started = process.hrtime.bigint();
	execFileSync('curl', ['-sS', '-f', '-H', `Authorization: ${AUTH}`, '-o', path, url], { stdio: ['ignore', 'ignore', 'inherit'] });
	return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * Seconds of the Node reference client (its own process, as n8n is) storing the ZIP to `path`;
 * a short download would look fast, so it must have received all `size` bytes.
 */
function plainNodeDownload(url, path, readAhead, size) {
	const out = execFileSync(process.execPath, [join(import.meta.dirname, 'lib', 'plain-download.mjs'), url, AUTH, path, String(readAhead)], { encoding: 'utf8' });
	const { seconds, bytes } = JSON.parse(out.trim().split('\n').pop());
	if (bytes !== size) throw new Error(`the Node reference client received ${bytes} of ${size} bytes`);
	return seconds;
}

async function ceilingDownload(url) {
	const started = process.hrtime.bigint();
	const response = await fetch(url, { headers: { Authorization: AUTH } });
	for await (const piece of response.body) void piece;
	return Number(process.hrtime.bigint() - started) / 1e9;
}

const mibps = (bytes, seconds) => bytes / MiB / seconds;

export async function agoraTransfers() {
	if (spawnSync('curl', ['--version']).status !== 0) return '## Agora transfers\n\nSkipped: curl is not installed.\n';
	await ensureN8n();
	const work = mkdtempSync(join(tmpdir(), 'bench-agora-transfers-'));
	const files = join(work, 'files');
	const chunksDir = join(work, 'chunks');
	mkdirSync(join(files, 'big'), { recursive: true });
	mkdirSync(join(files, 'tiny'));
	mkdirSync(chunksDir);
	const emulator = await startEmulatorProcess('agora', ['--seed', 'demo', '--step-ms', '50', '--data-dir', join(work, 'emulator')]);
	let n8n;
	try {
		writeRandomFile(join(files, 'big', 'big.bin'), GiB);
		writeRandomFile(join(files, 'tiny', 'tiny.bin'), 1024);
		execFileSync('split', ['-b', String(CHUNK), '-d', '-a', '3', join(files, 'big', 'big.bin'), join(chunksDir, 'part')]);
		// A 1 GiB datafile in dataset 10 (alice's QA exam) for the ZIP download.
		const big = await (await fetch(`${emulator.url}/__emulator/datafiles`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ dataset: 10, name: 'big.bin', size: GiB, seed: 1 }) })).json();
		if (!big.id) throw new Error(`could not create the 1 GiB datafile: ${JSON.stringify(big)}`);

		const { tarball } = buildAndPack();
		const { DOWNLOAD_READ_AHEAD } = createRequire(import.meta.url)('../dist/nodes/shared/binaryFiles.js');
		n8n = await createN8nInstance({ userFolder: join(work, 'n8n'), port: await getFreePort(), env: { N8N_RESTRICT_FILE_ACCESS_TO: files } });
		n8n.installPackageTarball(tarball);
		await n8n.importCredentials([{ id: 'agoraBench1', name: 'Agora (bench)', type: 'agoraApi', data: { baseUrl: emulator.url, authentication: 'apiKey', apiKey: ALICE_KEY, headerStyle: 'token', routeSet: 'documented', ignoreSslIssues: false } }]);
		const cred = { agoraApi: { id: 'agoraBench1', name: 'Agora (bench)' } };
		const read = (dir) => ({ name: 'Read', type: 'n8n-nodes-base.readWriteFile', typeVersion: 1.1, parameters: { operation: 'read', fileSelector: join(files, dir, '*'), options: {} } });
		const upload = { name: 'Upload', type: 'n8n-nodes-research-data.agora', credentials: cred, parameters: { resource: 'import', operation: 'upload', uploadInto: 'folder', folder: { __rl: true, mode: 'id', value: '1' }, binaryFields: 'data', filesFrom: 'allItems', templateSource: 'none', relations: {}, options: { chunkSizeMiB: CHUNK / MiB, timeout: 600 } } };
		const zip = (dataset) => ({ name: 'Zip', type: 'n8n-nodes-research-data.agora', credentials: cred, parameters: { resource: 'download', operation: 'zip', objects: { object: [{ type: 'dataset', id: String(dataset) }] }, outputField: 'data', options: { timeout: 600 } } });
		const workflows = [chain('bench1UpTiny', 'upload 1 KiB', [read('tiny'), upload]), chain('bench2UpBig', 'upload 1 GiB', [read('big'), upload]), chain('bench3ZipTiny', 'ZIP of a tiny dataset', [zip(11)]), chain('bench4ZipBig', 'ZIP of 1 GiB', [zip(10)])];
		await n8n.importWorkflows(workflows);
		const run = async (id) => {
			const { result, peak } = await peakRssOfN8nRun(async () => (await n8n.executeMany([id], { timeoutMs: 1_200_000 }))[id]);
			if (result.status !== 'success') throw new Error(`${id} failed: ${JSON.stringify(result.error)}`);
			return { result, peak };
		};
		const node = (r, name) => r.runData[name][0].data.main[0][0].json;
		// n8n's copies of a run's files (filesystem mode: storage/ in 2.x, binaryData/ in 1.x).
		const dropStoredFiles = (id) => {
			for (const dir of ['storage', 'binaryData']) rmSync(join(work, 'n8n', '.n8n', dir, 'workflows', id), { recursive: true, force: true });
		};

		// Disk writeback and two shared cores make single runs noisy: every measurement runs ROUNDS
		// times, curl and n8n interleaved, each after a `sync`; the best of each side counts.
		const ROUNDS = 5;
		const settle = () => execFileSync('sync');
		const upTiny = await run('bench1UpTiny');
		const zipTiny = await run('bench3ZipTiny');
		const ready = await readyDownload(emulator.url, [{ object_type: 'dataset', object_id: 10 }]);
		const streamUrl = `${emulator.url}/api/v2/download/${ready.id}/stream/`;
		const up = { node: [], curl: [], peaks: [] };
		const down = { node: [], curl: [], plain: [], peaks: [], size: 0 };
		for (let round = 0; round < ROUNDS; round++) {
			settle();
			up.curl.push(mibps(GiB, await curlUpload(emulator.url, chunksDir, GiB)));
			settle();
			const upBig = await run('bench2UpBig');
			dropStoredFiles('bench2UpBig');
			const uploaded = node(upBig.result, 'Upload');
			if (uploaded.hashStatus !== 'verified') throw new Error('the 1 GiB upload was not verified');
			up.node.push(uploaded.summary.throughputMiBps);
			up.peaks.push(upBig.peak);
			settle();
			down.curl.push(mibps(ready.total_size, curlDownload(streamUrl, join(work, 'curl.zip'))));
			rmSync(join(work, 'curl.zip'));
			settle();
			down.plain.push(mibps(ready.total_size, plainNodeDownload(streamUrl, join(work, 'plain.zip'), DOWNLOAD_READ_AHEAD, ready.total_size)));
			rmSync(join(work, 'plain.zip'));
			settle();
			const zipBig = await run('bench4ZipBig');
			dropStoredFiles('bench4ZipBig');
			const zipOut = node(zipBig.result, 'Zip');
			down.node.push(zipOut.throughputMiBps);
			down.size = zipOut.size;
			down.peaks.push(zipBig.peak);
		}
		settle();
		const ceilingUp = await ceilingUpload(emulator.url, GiB / CHUNK);
		const ceilingDown = await ceilingDownload(streamUrl);
		const best = (list) => Math.max(...list);
		const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
		const all = (list) => list.map((v) => v.toFixed(0)).join(', ');
		const upNode = best(up.node);
		const upCurl = best(up.curl);
		const downNode = best(down.node);
		const downCurl = best(down.curl);
		const downPlain = best(down.plain);
		const upPeak = best(up.peaks);
		const downPeak = best(down.peaks);
		const upGrowth = (upPeak - upTiny.peak) / MiB;
		const downGrowth = (downPeak - zipTiny.peak) / MiB;
		const growths = (peaks, tiny) => peaks.map((p) => ((p - tiny.peak) / MiB).toFixed(0)).join(', ');
		const verdict = (ok) => (ok ? 'met' : '**NOT met**');
		return `## Agora transfers: 1 GiB through a real n8n

Upload in ${CHUNK / MiB} MiB chunks (flow.js, SHA-256 per chunk, SHA-1 of the file); ZIP download of a 1 GiB dataset. All against one emulator process.

| | n8n (Agora node) | curl, same emulator | ratio | emulator ceiling |
|---|---|---|---|---|
| upload 1 GiB | ${upNode.toFixed(0)} MiB/s (runs: ${all(up.node)}) | ${upCurl.toFixed(0)} MiB/s (runs: ${all(up.curl)}) | ${(upNode / upCurl).toFixed(2)} (target ≥ 0.90: ${verdict(upNode / upCurl >= 0.9)}) | ${mibps(GiB, ceilingUp).toFixed(0)} MiB/s |
| ZIP download 1 GiB | ${downNode.toFixed(0)} MiB/s (runs: ${all(down.node)}) | ${downCurl.toFixed(0)} MiB/s (runs: ${all(down.curl)}) | ${(downNode / downCurl).toFixed(2)} (target ≥ 0.90: ${verdict(downNode / downCurl >= 0.9)}) | ${mibps(down.size, ceilingDown).toFixed(0)} MiB/s |

| n8n process peak RSS | 1 KiB file | 1 GiB file (highest of ${ROUNDS} runs) | growth (each run) | target |
|---|---|---|---|---|
| upload | ${(upTiny.peak / MiB).toFixed(0)} MiB | ${(upPeak / MiB).toFixed(0)} MiB | ${upGrowth.toFixed(0)} MiB (${growths(up.peaks, upTiny)}) | ≤ chunk (${CHUNK / MiB} MiB) + 64 MiB: ${verdict(upGrowth <= CHUNK / MiB + 64)} |
| ZIP download | ${(zipTiny.peak / MiB).toFixed(0)} MiB | ${(downPeak / MiB).toFixed(0)} MiB | ${downGrowth.toFixed(0)} MiB (${growths(down.peaks, zipTiny)}) | ≤ 64 MiB: ${verdict(downGrowth <= 64)} |

ZIP download, the same runs against a plain Node client doing what n8n does without n8n (\`http.get\`, the node's ${DOWNLOAD_READ_AHEAD / MiB} MiB read-ahead, \`fs.promises.writeFile\` of the response as n8n's storage writes it; \`bench/lib/plain-download.mjs\`, its own process): ${downPlain.toFixed(0)} MiB/s (runs: ${all(down.plain)}), so Node itself reaches ${(downPlain / downCurl).toFixed(2)} of curl here and the node in n8n ${(downNode / downPlain).toFixed(2)} of Node.

Medians of the same runs: upload ${median(up.node).toFixed(0)} vs ${median(up.curl).toFixed(0)} MiB/s (${(median(up.node) / median(up.curl)).toFixed(2)}), ZIP download ${median(down.node).toFixed(0)} vs ${median(down.curl).toFixed(0)} MiB/s (${(median(down.node) / median(down.curl)).toFixed(2)}; plain Node ${median(down.plain).toFixed(0)}).

Best of ${ROUNDS} interleaved runs per side, each after \`sync\` (single runs vary by a factor of two on this 2-core machine, for curl as for n8n). The node's figures are its own timing of the transfer (upload: first to last chunk; download: the stream into n8n's binary storage), from the output's \`summary\` / \`throughputMiBps\`. curl sends the same ${GiB / CHUNK} chunks as pre-split files over one keep-alive connection, with their SHA-256 from \`sha256sum\` in its timing (the requests carry it; the node computes it, and the file's SHA-1, as it reads), and writes the ZIP to disk as n8n does. Every 1 GiB file a run writes is removed after the run (n8n's stored copies as curl's and the Node client's files), so no side writes into memory the VM has not handed out before (measured here with dd: 1 GiB in 0.22 s into memory a removed file gave back, 1.9–2.9 s into fresh memory). The \"ceiling\" column is a plain Node client in the benchmark process sending a chunk held in memory (upload) or discarding the bytes (download): it shows the emulator is not what limits n8n (for uploads curl outruns that Node client too). RSS is sampled every 50 ms from \`/proc\`; the verdict takes the highest run. Growth varies between runs with when V8 collects the transfer's freed buffers (up to its 64 MiB external-memory step), not with the file size.
`;
	} finally {
		await n8n?.stop();
		await emulator.close();
		rmSync(work, { recursive: true, force: true });
	}
}
