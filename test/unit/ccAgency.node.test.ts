import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';
import { CcAgency } from '../../nodes/CcAgency/CcAgency.node';
import { ccAgencyResources } from '../../nodes/CcAgency/resources';
import { executeContext } from './helpers/context';

const BASE = 'http://agency.test';
const credentials = { ccAgencyApi: { baseUrl: BASE, username: 'alice', password: 'alice-password', authentication: 'basic', accessToken: '', refreshToken: '' } };
const EXP = '6b021bfde01f6ca63d0b7a87';
const BATCH = '6b021bfde01f6ca63d0b7a88';

const RED_YAML = `redVersion: "9"
cli:
  cwlVersion: v1.0
  class: CommandLineTool
  baseCommand: echo
  inputs:
    msg: {type: string, inputBinding: {position: 0}}
  outputs: {}
  stdout: out.txt
inputs:
  msg: hello
outputs: {}
container:
  engine: docker
  settings:
    image: {url: docker.io/busybox:latest}
    ram: 256
`;

function batch(state: string, extra: IDataObject = {}): IDataObject {
	return {
		_id: BATCH,
		experimentId: EXP,
		batchesListIndex: 0,
		state,
		attempts: 1,
		node: 'node_a',
		registrationTime: 1795300570.434,
		username: 'alice',
		history: [{ state: 'registered', time: 1795300570.434, node: null, debugInfo: null }, { state, time: 1795300571.5, node: 'node_a', debugInfo: state === 'failed' ? 'Batch failed.\nCommand "x" not in PATH.' : null }],
		...extra,
	};
}

async function run(parameters: IDataObject | IDataObject[], continueOnFail = false, binary?: Record<string, Buffer>) {
	const { ctx, fake } = executeContext({ parameters, credentials, continueOnFail, binary });
	const result = await new CcAgency().execute.call(ctx);
	return { items: result[0], fake };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('CC-Agency node description', () => {
	const description = new CcAgency().description;

	it('is usable as an AI tool and lists every operation with an action', () => {
		expect(description.usableAsTool).toBe(true);
		const operations = description.properties.filter((p) => p.name === 'operation');
		const actions = operations.flatMap((p) => (p.options as Array<{ action?: string }>).map((o) => o.action));
		expect(actions).toEqual(expect.arrayContaining(['Submit an experiment', 'Get many batches', 'Cancel a batch', 'Get the stdout of a batch', 'Get the server version']));
		expect(actions.every((a) => typeof a === 'string' && a.length > 5)).toBe(true);
	});

	it('gives every list operation Return All and Limit', () => {
		for (const resource of ccAgencyResources) {
			for (const op of resource.operations.filter((o) => o.list)) {
				const shown = description.properties.filter((p) =>
					(p.displayOptions?.show?.operation as string[] | undefined)?.includes(op.operation) &&
					(p.displayOptions?.show?.resource as string[] | undefined)?.includes(resource.value),
				);
				expect(shown.map((p) => p.name)).toEqual(expect.arrayContaining(['returnAll', 'limit']));
			}
		}
	});
});

describe('Experiment → Submit', () => {
	it('submits YAML as JSON, waits, and outputs each batch with stdout', async () => {
		nock(BASE)
			.post('/red', (body) => body.redVersion === '9' && body.inputs.msg === 'hello' && body.container.settings.ram === 256)
			.query({ disableRetry: 'true' })
			.reply(200, { experimentId: EXP })
			.get('/batches').query({ experimentId: EXP, ascending: 'true', skip: 0, limit: 1000 }).reply(200, [batch('registered')])
			.get(`/batches/${BATCH}`).reply(200, batch('processing'))
			.get(`/batches/${BATCH}`).reply(200, batch('succeeded'))
			.get(`/batches/${BATCH}/stdout`).reply(200, 'hello\n', { 'Content-Type': 'text/plain' });
		const { items } = await run({
			resource: 'experiment',
			operation: 'submit',
			redSource: 'parameter',
			red: RED_YAML,
			redFormat: 'auto',
			waitForCompletion: true,
			waitOptions: { pollInterval: 1, timeout: 30, includeStdout: true },
			submitOptions: { disableRetry: true },
		});
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ batchId: BATCH, experimentId: EXP, state: 'succeeded', attempts: 1, node: 'node_a', stdout: 'hello\n', failureReason: null });
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('reads the RED from an input file', async () => {
		nock(BASE)
			.post('/red').reply(200, { experimentId: EXP })
			.get('/batches').query(true).reply(200, [batch('registered')]);
		const { items } = await run(
			{ resource: 'experiment', operation: 'submit', redSource: 'binary', binaryPropertyName: 'data', redFormat: 'yaml', waitForCompletion: false, submitOptions: {} },
			false,
			{ data: Buffer.from(RED_YAML) },
		);
		expect(items[0].json).toMatchObject({ experimentId: EXP, batchCount: 1, batchIds: [BATCH] });
	});

	it.each([
		['malformed JSON', '{"redVersion": "9",', 'json', /RED Document: not valid JSON \(line 1, column 20\)/],
		['malformed YAML', 'cli:\n  a: 1\n b: 2\n', 'yaml', /RED Document: not valid YAML/],
		['no outputs', RED_YAML.replace('outputs: {}\ncontainer', 'container'), 'auto', /RED Document: the RED document has no "outputs"/],
		['unresolved variable', RED_YAML.replace('msg: hello', 'msg: hello\n  f: {class: File, connector: {command: red-connector-http, access: {url: "{{data_url}}"}}}'), 'auto', /unresolved variables: data_url \(at \/inputs\/f\/connector\/access\/url\)/],
		['no ram', RED_YAML.replace('    ram: 256\n', ''), 'auto', /no container.settings.ram/],
		['a list instead of a mapping', '- a\n- b\n', 'yaml', /must be an object/],
	])('rejects %s before sending anything', async (_case, red, redFormat, message) => {
		const error = await run({ resource: 'experiment', operation: 'submit', redSource: 'parameter', red, redFormat, waitForCompletion: false, submitOptions: {} }).catch((e) => e);
		expect(error.message).toMatch(message);
		expect(error.description).toBeTruthy();
		expect(error.context.itemIndex).toBe(0);
	});

	it('with Continue On Fail, outputs an error item and still runs the other items', async () => {
		nock(BASE).post('/red').reply(200, { experimentId: EXP }).get('/batches').query(true).reply(200, [batch('registered')]);
		const base = { resource: 'experiment', operation: 'submit', redSource: 'parameter', redFormat: 'auto', waitForCompletion: false, submitOptions: {} };
		const { items } = await run([{ ...base, red: '{ nope' }, { ...base, red: RED_YAML }], true);
		expect(items).toHaveLength(2);
		expect(items[0]).toMatchObject({ json: { error: expect.stringMatching(/not valid JSON/) }, pairedItem: { item: 0 } });
		expect(items[1]).toMatchObject({ json: { experimentId: EXP }, pairedItem: { item: 1 } });
	});

	it('reports a timeout that names the batch and its state', async () => {
		nock(BASE)
			.post('/red').reply(200, { experimentId: EXP })
			.get('/batches').query(true).reply(200, [batch('registered')])
			.get(`/batches/${BATCH}`).times(10).reply(200, batch('processing'));
		const error = await run({ resource: 'experiment', operation: 'submit', redSource: 'parameter', red: RED_YAML, redFormat: 'auto', waitForCompletion: true, waitOptions: { pollInterval: 1, timeout: 1 }, submitOptions: {} }).catch((e) => e);
		expect(error.message).toMatch(new RegExp(`still running after \\d+ s: ${BATCH} \\(processing\\)`));
		expect(error.description).toMatch(/Timeout/);
	});
});

describe('Batch operations', () => {
	it('Get Many sends the filters the agency implements and respects Limit', async () => {
		nock(BASE).get('/batches').query({ state: 'failed', experimentId: EXP, ascending: 'true', skip: 0, limit: 2 }).reply(200, [batch('failed'), batch('failed', { _id: 'b2' })]);
		const { items } = await run({ resource: 'batch', operation: 'getAll', returnAll: false, limit: 2, filters: { state: 'failed', experimentId: EXP, ascending: true } });
		expect(items).toHaveLength(2);
	});

	it('stdout that was not stored is "not available", not an error', async () => {
		nock(BASE).get(`/batches/${BATCH}/stdout`).reply(404, `<!doctype html><title>404 Not Found</title><p>Could not find &#34;stdout&#34; of batch &#34;${BATCH}&#34;</p>`, { 'Content-Type': 'text/html' });
		const { items } = await run({ resource: 'batch', operation: 'getStdout', batchId: { __rl: true, mode: 'id', value: BATCH } });
		expect(items[0].json).toMatchObject({ batchId: BATCH, stream: 'stdout', available: false, text: null });
	});

	it('an unknown batch is an error even for stdout', async () => {
		nock(BASE).get(`/batches/${BATCH}/stdout`).reply(404, `<p>Could not find batch with id &#34;${BATCH}&#34;.</p>`, { 'Content-Type': 'text/html' });
		await expect(run({ resource: 'batch', operation: 'getStdout', batchId: { __rl: true, mode: 'id', value: BATCH } })).rejects.toThrow(/could not find it: Could not find batch with id/);
	});

	it('wait for completion reports the failure reason, or fails when asked to', async () => {
		nock(BASE).get(`/batches/${BATCH}`).times(2).reply(200, batch('failed'));
		const { items } = await run({ resource: 'batch', operation: 'waitForCompletion', batchId: { __rl: true, mode: 'id', value: BATCH }, waitOptions: { pollInterval: 1 } });
		expect(items[0].json).toMatchObject({ state: 'failed', failureReason: 'Batch failed.\nCommand "x" not in PATH.' });
		nock(BASE).get(`/batches/${BATCH}`).times(2).reply(200, batch('failed'));
		await expect(
			run({ resource: 'batch', operation: 'waitForCompletion', batchId: { __rl: true, mode: 'id', value: BATCH }, waitOptions: { failOnUnsuccessful: true } }),
		).rejects.toThrow(`CC-Agency batch ${BATCH} failed: Batch failed. Command "x" not in PATH.`);
	});

	it('cancel sends DELETE with the encoded id', async () => {
		nock(BASE).delete(`/batches/${BATCH}`).reply(200, batch('cancelled'));
		const { items } = await run({ resource: 'batch', operation: 'cancel', batchId: { __rl: true, mode: 'list', value: BATCH } });
		expect(items[0].json.state).toBe('cancelled');
	});
});

describe('Batch → Get Stdout / Get Stderr as a file', () => {
	const notStored = (stream: string) =>
		`<!doctype html><title>404 Not Found</title><p>Could not find &#34;${stream}&#34; of batch &#34;${BATCH}&#34;</p>`;
	const experiment = (cli: IDataObject) => ({ _id: EXP, username: 'alice', cli: { cwlVersion: 'v1.0', class: 'CommandLineTool', baseCommand: 'mriqc', inputs: {}, outputs: {}, ...cli } });
	const asFile = (operation: string, extra: IDataObject = {}) => ({
		resource: 'batch',
		operation,
		batchId: { __rl: true, mode: 'id', value: BATCH },
		asFile: true,
		streamBinaryField: 'data',
		streamFileName: '',
		...extra,
	});
	const REPORT = `${JSON.stringify({ tool: 'mriqc', summary: { files: 2 } }, null, 2)}\n`;

	const runFile = async (parameters: IDataObject, continueOnFail = false) => await run(parameters, continueOnFail);

	it('names the file after the RED\'s cli.stdout and types a .json name as application/json', async () => {
		nock(BASE)
			.get(`/batches/${BATCH}`).reply(200, batch('succeeded'))
			.get(`/experiments/${EXP}`).reply(200, experiment({ stdout: 'qc_report.json', outputs: { report: { type: 'stdout' } } }))
			.get(`/batches/${BATCH}/stdout`).reply(200, REPORT, { 'Content-Type': 'text/plain' });
		const { items, fake } = await runFile(asFile('getStdout'));
		expect(items).toHaveLength(1);
		expect(items[0].json).toEqual({ batchId: BATCH, stream: 'stdout', available: true, fileName: 'qc_report.json', mimeType: 'application/json', fileSize: Buffer.byteLength(REPORT) });
		expect(items[0].binary?.data).toMatchObject({ fileName: 'qc_report.json', mimeType: 'application/json' });
		expect(fake.stored_binaries.map((b) => b.toString('utf8'))).toEqual([REPORT]);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('falls back to <batchId>.stderr.txt (text/plain) when the RED names no stream file, into the chosen field', async () => {
		nock(BASE)
			.get(`/batches/${BATCH}`).reply(200, batch('failed'))
			.get(`/experiments/${EXP}`).reply(200, experiment({}))
			.get(`/batches/${BATCH}/stderr`).reply(200, 'mriqc: error: no input files\n', { 'Content-Type': 'text/plain' });
		const { items, fake } = await runFile(asFile('getStderr', { streamBinaryField: 'log' }));
		expect(items[0].json).toMatchObject({ stream: 'stderr', fileName: `${BATCH}.stderr.txt`, mimeType: 'text/plain', fileSize: 29 });
		expect(Object.keys(items[0].binary ?? {})).toEqual(['log']);
		expect(fake.stored_binaries[0].toString('utf8')).toBe('mriqc: error: no input files\n');
	});

	it('uses the given file name without reading the batch or the experiment; only a path\'s last part of cli.stdout is used', async () => {
		nock(BASE).get(`/batches/${BATCH}/stdout`).reply(200, 'a,b\n1,2\n', { 'Content-Type': 'text/plain' });
		const { items } = await runFile(asFile('getStdout', { streamFileName: ' metrics.csv ' }));
		expect(items[0].json).toMatchObject({ fileName: 'metrics.csv', mimeType: 'text/plain', fileSize: 8 });
		expect(nock.pendingMocks()).toEqual([]);

		nock(BASE)
			.get(`/batches/${BATCH}`).reply(200, batch('succeeded'))
			.get(`/experiments/${EXP}`).reply(200, experiment({ stdout: 'reports/QC.JSON' }))
			.get(`/batches/${BATCH}/stdout`).reply(200, '{}\n', { 'Content-Type': 'text/plain' });
		const second = await runFile(asFile('getStdout'));
		expect(second.items[0].json).toMatchObject({ fileName: 'QC.JSON', mimeType: 'application/json' });
	});

	it.each([
		['failed', /batch failed before its process ran .*Failure reason: Batch failed\. Command "x" not in PATH\./, /fix the RED document/],
		['succeeded', /succeeded, but its RED does not name cli\.stdout/, /Add "stdout: <file name>"/],
		['cancelled', /it was cancelled/, /Submit the experiment again/],
		['processing', /it is still processing/, /Wait for Completion/],
	])('a stream the agency did not store is an error that says why (%s batch)', async (state, message, fix) => {
		nock(BASE)
			.get(`/batches/${BATCH}`).reply(200, batch(state))
			.get(`/experiments/${EXP}`).reply(200, experiment({}))
			.get(`/batches/${BATCH}/stdout`).reply(404, notStored('stdout'), { 'Content-Type': 'text/html' });
		const error = await runFile(asFile('getStdout')).catch((e) => e);
		expect(error.message).toMatch(new RegExp(`^CC-Agency stored no stdout for batch ${BATCH}: `));
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(fix);
		expect(error.context.itemIndex).toBe(0);
	});

	it('with a file name given, reads the batch only to explain a missing stream; Continue On Fail makes it an error item', async () => {
		nock(BASE)
			.get(`/batches/${BATCH}/stderr`).reply(404, notStored('stderr'), { 'Content-Type': 'text/html' })
			.get(`/batches/${BATCH}`).reply(200, batch('failed'));
		const { items } = await runFile(asFile('getStderr', { streamFileName: 'log.txt' }), true);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			json: { error: expect.stringMatching(new RegExp(`stored no stderr for batch ${BATCH}: the batch failed before its process ran`)), description: expect.stringMatching(/failure reason/) },
			pairedItem: { item: 0 },
		});
		expect(items[0].binary).toBeUndefined();
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('an unknown batch is still "not found"', async () => {
		nock(BASE).get(`/batches/${BATCH}`).reply(404, '<p>Could not find Object.</p>', { 'Content-Type': 'text/html' });
		await expect(runFile(asFile('getStdout'))).rejects.toThrow(/could not find it: Could not find Object/);
	});

	it('without Output as File the text form is unchanged', async () => {
		nock(BASE).get(`/batches/${BATCH}/stdout`).reply(200, 'hello\n', { 'Content-Type': 'text/plain' });
		const { items } = await run({ resource: 'batch', operation: 'getStdout', batchId: { __rl: true, mode: 'id', value: BATCH }, asFile: false });
		expect(items[0].json).toEqual({ batchId: BATCH, stream: 'stdout', available: true, text: 'hello\n' });
		expect(items[0].binary).toBeUndefined();
	});

	it('offers the file parameters on both stream operations only, with descriptions an agent can act on', () => {
		const properties = new CcAgency().description.properties.filter((p) => ['asFile', 'streamBinaryField', 'streamFileName'].includes(p.name));
		expect(properties).toHaveLength(3);
		for (const property of properties) {
			expect(property.displayOptions?.show).toMatchObject({ resource: ['batch'], operation: ['getStdout', 'getStderr'] });
			expect(String(property.description).length).toBeGreaterThan(20);
		}
	});
});

describe('Compute nodes and server', () => {
	it('lists nodes with Limit applied locally, and gets the version', async () => {
		nock(BASE).get('/nodes').reply(200, [{ nodeName: 'a' }, { nodeName: 'b' }]).get('/version').reply(200, { agencyVersion: '9.3.0' });
		const nodes = await run({ resource: 'computeNode', operation: 'getAll', returnAll: false, limit: 1 });
		expect(nodes.items.map((i) => i.json.nodeName)).toEqual(['a']);
		const version = await run({ resource: 'server', operation: 'getVersion' });
		expect(version.items[0].json).toEqual({ agencyVersion: '9.3.0' });
	});
});

describe('Experiment → Submit from a file', () => {
	it('names the binary field when the input item has none', async () => {
		const error = await run({ resource: 'experiment', operation: 'submit', redSource: 'binary', binaryPropertyName: 'red', redFormat: 'auto', waitForCompletion: false, submitOptions: {} }).catch((e) => e);
		expect(error.message).toBe('Input Binary Field: the input item has no binary field "red"');
		expect(error.description).toMatch(/binary field/);
	});
});
