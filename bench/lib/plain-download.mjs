// The benchmark's Node reference for downloads: what n8n does with the Agora node's download,
// without n8n. http.get, the same read-ahead as the node (argument), and the same writer as
// n8n's filesystem binary storage (fs.promises.writeFile of the response stream, n8n-core
// file-system.manager.js). Run as its own process; prints {"seconds": …, "bytes": …}.
// It tells what Node itself reaches on the machine, so a gap to curl that Node has anyway is
// not mistaken for the node's.
import { writeFile } from 'node:fs/promises';
import { get } from 'node:http';

const [url, authorization, outPath, readAhead] = process.argv.slice(2);
const response = await new Promise((resolve, reject) => get(url, { headers: { Authorization: authorization } }, resolve).on('error', reject));
if (response.statusCode !== 200) throw new Error(`GET ${url}: HTTP ${response.statusCode}`);
// As nodes/shared/binaryFiles.ts allowReadAhead does.
response._readableState.highWaterMark = Number(readAhead);
const started = process.hrtime.bigint();
let bytes = 0;
// Counted as the node counts (a 'data' listener on a paused stream, storeStream).
response.on('data', (chunk) => (bytes += chunk.length));
response.pause();
await writeFile(outPath, response);
console.log(JSON.stringify({ seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes }));
