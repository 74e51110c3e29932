import { createHash } from 'crypto';
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';
import { Agora } from '../../nodes/Agora/Agora.node';
import { flowIdentifier } from '../../nodes/Agora/actions/imports/chunkedUpload';
import { deepMerge, generateTemplate } from '../../nodes/Agora/actions/imports/template';
import { DOWNLOAD_READ_AHEAD } from '../../nodes/shared/binaryFiles';
import { ChunkReader } from '../../nodes/shared/chunkReader';
import { multipartWithFile } from '../../nodes/shared/multipart';
import { executeContext } from './helpers/context';

const BASE = 'http://agora.test';
const TEST_KEY_VALUE = ['6f1c1b9e', '1111', '4222', '8333', '944445555666'].join('-');
const creds = (extra: IDataObject = {}) => ({
	agoraApi: { baseUrl: BASE, authentication: 'apiKey', apiKey: TEST_KEY_VALUE, headerStyle: 'token', routeSet: 'documented', ignoreSslIssues: false, sessionToken: '', ...extra },
});
const byId = (value: string | number) => ({ __rl: true, mode: 'id', value: String(value) });
const MiB = 1024 * 1024;
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Deterministic bytes that differ at every offset (a shifted chunk would not compare equal). */
function bytes(size: number, seed = 1): Buffer {
	const out = Buffer.alloc(size);
	let x = seed;
	for (let i = 0; i < size; i++) {
		x = (x * 1103515245 + 12345) >>> 0;
		out[i] = x >>> 24;
	}
	return out;
}

/** nock hands a request body over as hex when it is not valid UTF-8, else as text. */
function rawBody(body: unknown): Buffer {
	const text = String(body);
	return /^([0-9a-f]{2})+$/.test(text) && !text.includes('--') ? Buffer.from(text, 'hex') : Buffer.from(text, 'utf8');
}

/** The text fields and the file part of a multipart body. */
function parseMultipart(body: Buffer, contentType: string): { fields: Record<string, string>; file: Buffer; fileName: string } {
	const boundary = /boundary=(.+)$/.exec(contentType)![1];
	const text = body.toString('latin1');
	const parts = text.split(`--${boundary}`).slice(1, -1);
	const fields: Record<string, string> = {};
	let file = Buffer.alloc(0);
	let fileName = '';
	for (const part of parts) {
		const [head, ...rest] = part.split('\r\n\r\n');
		const value = rest.join('\r\n\r\n').slice(0, -2);
		const name = /name="([^"]+)"/.exec(head)![1];
		const filename = /filename="([^"]*)"/.exec(head);
		if (filename) {
			file = Buffer.from(value, 'latin1');
			fileName = filename[1];
		} else fields[name] = value;
	}
	return { fields, file, fileName };
}

async function run(parameters: IDataObject | IDataObject[], options: { binary?: Record<string, Buffer>; credentials?: IDataObject; continueOnFail?: boolean; items?: number; storage?: 'iterate' | 'dataEvents' } = {}) {
	const { ctx, fake } = executeContext({
		parameters,
		storage: options.storage,
		credentials: (options.credentials ?? creds()) as never,
		binary: options.binary,
		continueOnFail: options.continueOnFail,
		items: options.items ? Array.from({ length: options.items }, () => ({ json: {} })) : undefined,
	});
	return { items: (await new Agora().execute.call(ctx))[0], fake };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const uploadParams = (extra: IDataObject = {}) => ({
	resource: 'import',
	operation: 'upload',
	uploadInto: 'folder',
	folder: byId(10),
	binaryFields: 'data',
	filesFrom: 'allItems',
	templateSource: 'none',
	relations: {},
	options: { chunkSizeMiB: 1 },
	...extra,
});

describe('Agora upload', () => {
	it('sends a 2.5-chunk file as 3 flow.js chunks, completes, waits and verifies the SHA-1', async () => {
		const file = bytes(2.5 * MiB);
		const chunks: Array<{ fields: Record<string, string>; file: Buffer; fileName: string }> = [];
		let completion: unknown;
		nock(BASE)
			.post('/api/v2/importsession/', { folder: 10 }).reply(201, { id: 77, state: 1, is_complete: false })
			.post('/api/v2/importsession/77/upload/').times(3).reply(function (_uri, body) {
				chunks.push(parseMultipart(rawBody(body), String(this.req.headers['content-type'])));
				return [200, {}];
			})
			.post('/api/v2/importsession/77/complete/', (body) => ((completion = body), true)).reply(204)
			.get('/api/v2/importsession/77/').reply(200, { id: 77, state: 4, progress: 50 })
			.get('/api/v2/importsession/77/').reply(200, { id: 77, state: 5, progress: 100 })
			.get('/api/v2/importsession/77/result/').reply(200, { datafiles: [{ id: 900, path: 'data', sha1: sha1(file), dataset: 12, created: true }] });
		const { items } = await run(uploadParams(), { binary: { data: file } });
		expect(chunks.map((c) => c.fields.flowChunkNumber)).toEqual(['1', '2', '3']);
		expect(chunks.map((c) => Number(c.fields.flowCurrentChunkSize))).toEqual([MiB, MiB, MiB / 2]);
		expect(new Set(chunks.map((c) => c.fields.flowIdentifier)).size).toBe(1);
		for (const c of chunks) {
			expect(c.fields).toMatchObject({ flowTotalChunks: '3', flowTotalSize: String(file.length), flowFilename: 'data', flowRelativePath: 'data', flowChunkSize: String(MiB) });
			expect(c.fields.flowChunkHash).toBe(sha256(c.file));
		}
		expect(Buffer.concat(chunks.map((c) => c.file)).equals(file)).toBe(true);
		expect(completion).toEqual({ folder: 10 });
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ importId: 77, path: 'data', hashStatus: 'verified', status: 'imported', datafile: 900, dataset: 12, chunks: { total: 3, sent: 3, alreadyOnServer: 0 } });
	});

	it('resumes an import: asks which chunks arrived and sends only the missing one', async () => {
		const file = bytes(2.5 * MiB, 7);
		const identifier = flowIdentifier(77, 'data', file.length);
		const sent: string[] = [];
		nock(BASE)
			.get('/api/v2/importsession/77/').reply(200, { id: 77, state: 1, is_complete: false })
			.get(`/api/v1/flowfile/${identifier}/`).reply(200, { identifier, chunks: [1, 2], total_chunks: 3 })
			.post('/api/v2/importsession/77/upload/').reply(function (_uri, body) {
				sent.push(parseMultipart(rawBody(body), String(this.req.headers['content-type'])).fields.flowChunkNumber);
				return [200, {}];
			})
			.post('/api/v2/importsession/77/complete/').reply(204)
			.get('/api/v2/importsession/77/').reply(200, { id: 77, state: 5, progress: 100 })
			.get('/api/v2/importsession/77/result/').reply(200, { datafiles: [{ id: 901, path: 'data', sha1: sha1(file), dataset: 13, created: true }] });
		const { items } = await run(uploadParams({ options: { chunkSizeMiB: 1, resumeImportId: '77' } }), { binary: { data: file } });
		expect(sent).toEqual(['3']);
		expect(items[0].json).toMatchObject({ hashStatus: 'verified', chunks: { total: 3, sent: 1, alreadyOnServer: 2 }, summary: { resumed: true } });
	});

	it('stops with the import ID and how far it got when a chunk keeps failing', async () => {
		nock(BASE)
			.post('/api/v2/importsession/', { folder: 10 }).reply(201, { id: 78 })
			.post('/api/v2/importsession/78/upload/').reply(200, {})
			.post('/api/v2/importsession/78/upload/').reply(503, 'down');
		const error = await run(uploadParams({ options: { chunkSizeMiB: 1, retries: 0 } }), { binary: { data: bytes(2 * MiB) } }).catch((e) => e);
		expect(error.message).toMatch(/stopped at chunk 2 of 2 of "data"/);
		expect(error.message).toMatch(/Import 78/);
		expect(error.description).toMatch(/Resume Import ID = 78/);
	});

	it('fails naming the file when Agora stored other bytes', async () => {
		nock(BASE)
			.post('/api/v2/importsession/').reply(201, { id: 79 })
			.post('/api/v2/importsession/79/upload/').reply(200, {})
			.post('/api/v2/importsession/79/complete/').reply(204)
			.get('/api/v2/importsession/79/').reply(200, { state: 5, progress: 100 })
			.get('/api/v2/importsession/79/result/').reply(200, { datafiles: [{ id: 1, path: 'data', sha1: '0'.repeat(40), dataset: 2 }] });
		const error = await run(uploadParams(), { binary: { data: bytes(1000) } }).catch((e) => e);
		expect(error.message).toMatch(/"data": Agora stored SHA-1 0{40}/);
	});

	it('fails when the import fails (state -1) with the server\'s reason', async () => {
		nock(BASE)
			.post('/api/v1/import/', {}).reply(201, { id: 80 })
			.post('/api/v1/import/80/upload/').reply(200, {})
			.post('/api/v1/import/80/complete/', { folder: 10 }).reply(204)
			.get('/api/v1/import/80/progress/').reply(200, { state: -1, progress: 0, error: 'unreadable DICOM' });
		const error = await run(uploadParams(), { binary: { data: bytes(10) }, credentials: creds({ routeSet: 'connector' }) }).catch((e) => e);
		expect(error.message).toMatch(/could not import the files of import 80: unreadable DICOM/);
	});

	it('checks relations and templates before sending anything', async () => {
		const relation = await run(uploadParams({ relations: { relation: [{ mainFile: 'data', extraFiles: 'log.txt' }] } }), { binary: { data: bytes(10) } }).catch((e) => e);
		expect(relation.message).toMatch(/Relations → Extra Files: "log.txt" is not one of the uploaded files/);
		const template = await run(uploadParams({ templateSource: 'json', templateJson: '{"Datasets":[{"Files":[{"File":"missing.rec"}]}]}' }), { binary: { data: bytes(10) } }).catch((e) => e);
		expect(template.message).toMatch(/Template JSON: the template names "missing.rec"/);
		const noBinary = await run(uploadParams({ binaryFields: 'scan' }), { binary: { data: bytes(10) } }).catch((e) => e);
		expect(noBinary.message).toMatch(/Binary Fields: input item 0 has no binary field "scan"/);
		expect(noBinary.description).toMatch(/data/);
	});

	it('uploads the relation and a generated template for an exam with the data', async () => {
		const files = { data: bytes(100, 2), log: bytes(50, 3) };
		let completion: IDataObject = {};
		let template: IDataObject = {};
		nock(BASE)
			.get('/api/v2/exam/5/').reply(200, { id: 5, uid: '1.2.3', name: 'Brain', patient: { id: 2, name: 'Doe', patient_id: 'P-2' } })
			.post('/api/v2/importsession/', {}).reply(201, { id: 81 })
			.post('/api/v2/importsession/81/upload/').times(3).reply(function (_uri, body) {
				const part = parseMultipart(rawBody(body), String(this.req.headers['content-type']));
				if (part.fields.flowFilename === 'import_template.json') template = JSON.parse(part.file.toString('utf8'));
				return [200, {}];
			})
			.post('/api/v2/importsession/81/complete/', (body) => ((completion = body), true)).reply(204)
			.get('/api/v2/importsession/81/').reply(200, { state: 5, progress: 100 })
			.get('/api/v2/importsession/81/result/').reply(200, { datafiles: [{ path: 'data', sha1: sha1(files.data) }, { path: 'log', sha1: sha1(files.log) }] });
		const { items } = await run(
			uploadParams({ uploadInto: 'exam', exam: byId(5), binaryFields: 'data, log', templateSource: 'generate', templateSeriesName: 'Raw', templateDatasetType: 'RAW_LAB', templateOverrides: '{"ImportParameter":{"Series":{"AcquisitionNumber":7}}}', relations: { relation: [{ mainFile: 'data', extraFiles: 'log' }] } }),
			{ binary: files },
		);
		expect(completion).toEqual({ exam: 5, import_file: 'import_template.json', relations: { data: ['log'] } });
		expect(template).toMatchObject({ ImportParameter: { Exam: { UID: '1.2.3' }, Patient: { UID: 'P-2' }, Series: { Name: 'Raw', AcquisitionNumber: 7 } }, Datasets: [{ Type: 'RAW_LAB', Files: [{ File: 'data' }, { File: 'log' }] }] });
		expect(items.map((i) => i.json.hashStatus)).toEqual(['verified', 'verified']);
	});

	it('refuses two items whose files would land at the same path, before any request', async () => {
		const error = await run([uploadParams(), uploadParams()], { binary: { data: bytes(10) }, items: 2 }).catch((e) => e);
		expect(error.message).toMatch(/Binary Fields: two files would land at the same path "data" \(items 0 and 1\)/);
	});
});

describe('Agora downloads', () => {
	it('requests a ZIP, polls until it is ready and streams it into binary data', async () => {
		const zip = bytes(3000, 9);
		nock(BASE)
			.post('/api/v2/download/', [{ object_type: 'exam', object_id: 7 }]).reply(201, { id: 5 })
			.get('/api/v2/download/5/').reply(200, { id: 5, state: 'STARTED', ready: false })
			.get('/api/v2/download/5/').reply(200, { id: 5, state: 'FINISHED', ready: true, total_size: zip.length, download_name: 'Brain MRI.zip' })
			.get('/api/v2/download/5/stream/').reply(200, zip, { 'Content-Type': 'application/zip', 'Content-Length': String(zip.length) });
		const { items, fake } = await run({ resource: 'download', operation: 'zip', objects: { object: [{ type: 'exam', id: '7' }] }, outputField: 'data', options: {} });
		expect(items[0].json).toMatchObject({ downloadId: 5, fileName: 'Brain MRI.zip', size: zip.length });
		expect(items[0].binary!.data).toMatchObject({ fileName: 'Brain MRI.zip', mimeType: 'application/zip' });
		expect(fake.stored_binaries[0].equals(zip)).toBe(true);
		// The socket may run ahead of storage's writes (Node's default would pause it at 16 KiB).
		expect(fake.stored_highWaterMarks[0]).toBe(DOWNLOAD_READ_AHEAD);
	});

	it('uses the connectors\' downloadfile route and fails when Agora reports an error', async () => {
		nock(BASE)
			.post('/api/v1/downloadfile/', { exam_ids: [1, 2], series_ids: [3] }).reply(200, { id: 55, ready: false })
			.get('/api/v1/downloadfile/55/').reply(200, { id: 55, ready: false, error: 'disk full' });
		const error = await run(
			{ resource: 'download', operation: 'zip', objects: { object: [{ type: 'exam', id: '1' }, { type: 'exam', id: '2' }, { type: 'series', id: '3' }] }, outputField: 'data', options: {} },
			{ credentials: creds({ routeSet: 'connector' }) },
		).catch((e) => e);
		expect(error.message).toMatch(/could not pack download 55: disk full/);
	});

	it('downloads a datafile and checks its SHA-1; a damaged copy is an error', async () => {
		const content = Buffer.from('hello world');
		nock(BASE)
			.get('/api/v2/datafile/19/').reply(200, { id: 19, original_filename: 'scan.dcm', size: 11, sha1: sha1(content) })
			.get('/api/v1/datafile/19/download/').reply(200, content);
		const { items } = await run({ resource: 'datafile', operation: 'download', id: '19', outputField: 'file', options: {} });
		expect(items[0].json).toMatchObject({ id: 19, sha1Verified: true, downloadedBytes: 11 });
		expect(items[0].binary!.file.fileName).toBe('scan.dcm');

		nock(BASE)
			.get('/api/v2/datafile/19/').reply(200, { id: 19, original_filename: 'scan.dcm', size: 11, sha1: sha1(content) })
			.get('/api/v1/datafile/19/download/').reply(200, Buffer.from('hello wor1d'));
		const error = await run({ resource: 'datafile', operation: 'download', id: '19', outputField: 'file', options: {} }).catch((e) => e);
		expect(error.message).toMatch(/Datafile 19 \("scan.dcm"\) arrived damaged/);
	});

	it('downloads also where storage only listens for data events (n8n 1.x in-memory mode)', async () => {
		const content = Buffer.alloc(300_000, 7);
		nock(BASE)
			.get('/api/v2/datafile/19/').reply(200, { id: 19, original_filename: 'scan.dcm', size: content.length, sha1: sha1(content) })
			.get('/api/v1/datafile/19/download/').reply(200, content);
		const { items, fake } = await run({ resource: 'datafile', operation: 'download', id: '19', outputField: 'file', options: {} }, { storage: 'dataEvents' });
		expect(items[0].json).toMatchObject({ sha1Verified: true, downloadedBytes: content.length });
		expect(fake.stored_binaries[0].equals(content)).toBe(true);
	});
});

/** "abcdefghij" as a stream hands it out: in pieces that do not line up with any chunk. */
async function* tenBytesInThreePieces() {
	yield Buffer.from('abc');
	yield Buffer.from('defgh');
	yield Buffer.from('ij');
}

describe('transfer building blocks', () => {
	it('multipart bodies leave a slot for the file bytes between the fields and the end', () => {
		const body = multipartWithFile({ a: '1', b: 'x y' }, { field: 'file', fileName: 'scan "1".dcm', size: 5 });
		body.file.write('HELLO');
		const parsed = parseMultipart(body.body, body.contentType);
		expect(parsed.fields).toEqual({ a: '1', b: 'x y' });
		expect(parsed.file.toString()).toBe('HELLO');
		expect(parsed.fileName).toBe('scan %221%22.dcm');
	});

	it('the chunk reader fills exact slices across the stream\'s own pieces', async () => {
		const reader = new ChunkReader(tenBytesInThreePieces());
		const out = [Buffer.alloc(4), Buffer.alloc(4), Buffer.alloc(4)];
		expect(await reader.fill(out[0])).toBe(4);
		expect(await reader.fill(out[1])).toBe(4);
		expect(await reader.fill(out[2])).toBe(2);
		expect(out.map((b) => b.toString('latin1').replace(/\0/g, ''))).toEqual(['abcd', 'efgh', 'ij']);
	});

	it('the chunk reader hands every slice it copies to the caller, so a chunk can be hashed as it is read', async () => {
		const reader = new ChunkReader(tenBytesInThreePieces());
		const seen: string[][] = [[], [], []];
		const out = [Buffer.alloc(4), Buffer.alloc(4), Buffer.alloc(4)];
		for (let i = 0; i < out.length; i++) await reader.fill(out[i], (piece) => seen[i].push(piece.toString('latin1')));
		// A piece split between two chunks goes half to each; nothing is handed over twice.
		expect(seen).toEqual([['abc', 'd'], ['efgh'], ['ij']]);
	});

	it('flow identifiers are stable per import, path and size, and look like UUID4s', () => {
		expect(flowIdentifier(1, 'a.dcm', 5)).toBe(flowIdentifier(1, 'a.dcm', 5));
		expect(flowIdentifier(1, 'a.dcm', 5)).not.toBe(flowIdentifier(2, 'a.dcm', 5));
		expect(flowIdentifier(1, 'a.dcm', 5)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
	});

	it('a generated template for no exam gets fresh UIDs; overrides merge deeply', () => {
		const t = generateTemplate({ files: ['a.rec', 'a.par'], seriesName: 'S', datasetType: 'REC_PAR', now: new Date(Date.UTC(2024, 0, 15, 8, 0, 0)) });
		const params = t.ImportParameter as IDataObject;
		expect((params.Exam as IDataObject).UID).toMatch(/^2\.25\.[1-9]\d+$/);
		expect((params.Exam as IDataObject).Date).toBe('15.01.2024');
		expect(deepMerge({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: 3 }, d: [2] })).toEqual({ a: { b: 1, c: 3 }, d: [2] });
	});
});
