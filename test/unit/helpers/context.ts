/**
 * Fake n8n contexts for unit tests. Requests go through n8n-core's real `httpRequest` (axios),
 * so nock intercepts exactly what n8n would send; credentials behave as n8n's
 * CredentialsHelper does: preAuthentication when the expirable field is empty, the new token
 * stored back, then the credential's authenticate().
 */
import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { httpRequest } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';
import { AgoraApi } from '../../../credentials/AgoraApi.credentials';
import { AlyxApi } from '../../../credentials/AlyxApi.credentials';
import { CcAgencyApi } from '../../../credentials/CcAgencyApi.credentials';

const CREDENTIAL_TYPES: Record<string, ICredentialType> = {
	agoraApi: new AgoraApi(),
	alyxApi: new AlyxApi(),
	ccAgencyApi: new CcAgencyApi(),
};

/** n8n's generic authentication: expressions such as '=Token {{$credentials.token}}' in headers. */
function applyGeneric(auth: IAuthenticateGeneric, credentials: ICredentialDataDecryptedObject, request: IHttpRequestOptions): IHttpRequestOptions {
	const resolve = (value: string) => value.replace(/^=/, '').replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_m, key: string) => String(credentials[key] ?? ''));
	const headers = Object.fromEntries(Object.entries(auth.properties.headers ?? {}).map(([k, v]) => [k, resolve(String(v))]));
	return { ...request, headers: { ...request.headers, ...headers } };
}

export interface FakeOptions {
	/** Parameters of each item (a single object applies to every item). */
	parameters: IDataObject | IDataObject[];
	credentials: Record<string, ICredentialDataDecryptedObject>;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	binary?: Record<string, Buffer>;
	mode?: 'manual' | 'trigger';
	staticData?: IDataObject;
	/**
	 * How binary storage reads a stream: by async iteration, or (as n8n 1.x's in-memory mode
	 * does) with 'data' and 'end' listeners only, which never resume a paused stream.
	 */
	storage?: 'iterate' | 'dataEvents';
}

export interface Fake {
	logs: string[];
	/** Credential data as n8n would have stored it (tokens written back by preAuthentication). */
	stored: Record<string, ICredentialDataDecryptedObject>;
	requests: IHttpRequestOptions[];
	staticData: IDataObject;
	/** Files stored through prepareBinaryData, in order. */
	stored_binaries: Buffer[];
	/** The high-water mark of each stream handed to prepareBinaryData (how far it may read ahead). */
	stored_highWaterMarks: Array<number | undefined>;
	streamsOpened: number;
}

function expirableField(type: ICredentialType): string | undefined {
	return type.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true)?.name;
}

function parameterValue(value: unknown, extractValue: boolean): unknown {
	if (extractValue && value && typeof value === 'object' && '__rl' in (value as object))
		return (value as { value: unknown }).value;
	if (extractValue && value && typeof value === 'object' && 'mode' in (value as object) && 'value' in (value as object))
		return (value as { value: unknown }).value;
	return value;
}

function makeHelpers(fake: Fake, options: FakeOptions) {
	return {
		async httpRequest(request: IHttpRequestOptions) {
			fake.requests.push(request);
			return await httpRequest(request);
		},
		async httpRequestWithAuthentication(
			this: unknown,
			typeName: string,
			request: IHttpRequestOptions,
			extra?: { credentialsDecrypted?: { data?: ICredentialDataDecryptedObject } },
		) {
			const type = CREDENTIAL_TYPES[typeName];
			let credentials = { ...(extra?.credentialsDecrypted?.data ?? fake.stored[typeName]) };
			const expirable = expirableField(type);
			if (expirable && type.preAuthentication && credentials[expirable] === '') {
				const helpers = { helpers: { httpRequest: async (r: IHttpRequestOptions) => await httpRequest(r) } };
				const output = (await type.preAuthentication.call(helpers as never, credentials)) as IDataObject;
				if (output[expirable] !== undefined) {
					credentials = { ...credentials, ...output } as ICredentialDataDecryptedObject;
					fake.stored[typeName] = { ...credentials };
				}
			}
			const authed =
				typeof type.authenticate === 'function'
					? await (type.authenticate as (c: ICredentialDataDecryptedObject, r: IHttpRequestOptions) => Promise<IHttpRequestOptions>)(credentials, { ...request })
					: applyGeneric(type.authenticate as IAuthenticateGeneric, credentials, { ...request });
			fake.requests.push(authed);
			try {
				return await httpRequest(authed);
			} catch (error) {
				// As n8n-core's httpRequestWithAuthentication does with every failure.
				throw new NodeApiError(fakeNode(options), error as JsonObject);
			}
		},
		assertBinaryData(itemIndex: number, field: string) {
			const data = options.binary?.[field];
			if (!data) throw new Error(`No binary data property "${field}" exists on item!`);
			// Stored as n8n 2.x stores binaries: an id to stream from, the size in `bytes`.
			return { data: 'filesystem-v2', id: `fake:${field}`, mimeType: 'text/plain', fileName: field, fileSize: String(data.length), bytes: data.length };
		},
		async getBinaryStream(id: string, chunkSize = 64 * 1024) {
			const data = options.binary?.[id.replace(/^fake:/, '')];
			if (!data) throw new Error(`no binary ${id}`);
			fake.streamsOpened += 1;
			return (async function* pieces() {
				for (let at = 0; at < data.length; at += chunkSize) yield data.subarray(at, at + chunkSize);
			})();
		},
		async getBinaryMetadata(id: string) {
			const data = options.binary?.[id.replace(/^fake:/, '')];
			return { fileName: id, mimeType: 'text/plain', fileSize: data?.length ?? 0 };
		},
		/** Reads the stream as n8n's storage does (async iteration) and keeps the bytes. */
		async prepareBinaryData(stream: AsyncIterable<Buffer>, fileName?: string, mimeType?: string) {
			const parts: Buffer[] = [];
			fake.stored_highWaterMarks.push((stream as { readableHighWaterMark?: number }).readableHighWaterMark);
			if (options.storage === 'dataEvents') {
				const events = stream as unknown as NodeJS.ReadableStream;
				await new Promise<void>((resolve, reject) => {
					events.on('data', (part: Buffer) => parts.push(Buffer.from(part)));
					events.on('end', resolve);
					events.on('error', reject);
				});
			} else for await (const part of stream) parts.push(Buffer.from(part));
			const bytes = Buffer.concat(parts);
			const id = `stored:${fake.stored_binaries.length}`;
			fake.stored_binaries.push(bytes);
			return { data: 'filesystem-v2', id, fileName, mimeType: mimeType ?? 'text/plain', bytes: bytes.length };
		},
		async getBinaryDataBuffer(_itemIndex: number, field: string) {
			const data = options.binary?.[field];
			if (!data) throw new Error(`No binary data property "${field}" exists on item!`);
			return data;
		},
		returnJsonArray: (data: IDataObject[]) => data.map((json) => ({ json })),
	};
}

function fakeNode(options: FakeOptions): INode {
	return {
		id: 'node-1',
		name: 'Test Node',
		type: 'n8n-nodes-research-data.test',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: Object.fromEntries(Object.keys(options.credentials).map((t) => [t, { id: 'cred-1', name: `${t} account` }])),
	};
}

function common(fake: Fake, options: FakeOptions) {
	const log = (level: string) => (message: string) => fake.logs.push(`${level}: ${message}`);
	return {
		getNode: () => fakeNode(options),
		getCredentials: async (type: string) => ({ ...fake.stored[type] }),
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
		helpers: makeHelpers(fake, options),
	};
}

function newFake(options: FakeOptions): Fake {
	return { logs: [], stored: { ...options.credentials }, requests: [], staticData: options.staticData ?? {}, stored_binaries: [], stored_highWaterMarks: [], streamsOpened: 0 };
}

export function executeContext(options: FakeOptions): { ctx: IExecuteFunctions; fake: Fake } {
	const fake = newFake(options);
	const items = options.items ?? (Array.isArray(options.parameters) ? options.parameters.map(() => ({ json: {} })) : [{ json: {} }]);
	const paramsOf = (i: number) => (Array.isArray(options.parameters) ? options.parameters[i] : options.parameters);
	const ctx = {
		...common(fake, options),
		getInputData: () => items,
		continueOnFail: () => options.continueOnFail === true,
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown, opts?: { extractValue?: boolean }) => {
			const params = paramsOf(itemIndex);
			const value = name in params ? params[name] : fallback;
			if (value === undefined) throw new Error(`Could not get parameter "${name}"`);
			return parameterValue(value, opts?.extractValue === true);
		},
	};
	return { ctx: ctx as unknown as IExecuteFunctions, fake };
}

export function pollContext(options: FakeOptions): { ctx: IPollFunctions; fake: Fake } {
	const fake = newFake(options);
	const params = options.parameters as IDataObject;
	const ctx = {
		...common(fake, options),
		getMode: () => options.mode ?? 'trigger',
		getActivationMode: () => 'activate',
		getWorkflowStaticData: () => fake.staticData,
		getNodeParameter: (name: string, fallback?: unknown) => (name in params ? params[name] : fallback),
	};
	return { ctx: ctx as unknown as IPollFunctions, fake };
}
