import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeProperties,
	IPollFunctions,
} from 'n8n-workflow';

/** Any n8n context that can make authenticated requests through the shared helper. */
export type RequestContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions | IHookFunctions;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

/** One request as an operation describes it; the transport turns it into an HTTP call. */
export interface ApiRequest {
	method: HttpMethod;
	/** Path below the platform's base URL, starting with '/'. */
	path: string;
	qs?: IDataObject;
	body?: unknown;
	headers?: Record<string, string>;
	/**
	 * Whether the request may be sent again after a transient failure. GET, HEAD, PUT and
	 * DELETE are idempotent by default; a creating POST never is, so it is never sent twice.
	 */
	idempotent?: boolean;
	/**
	 * A request that is not idempotent may still be sent again after 429 or 503: the server
	 * refused it without acting on it (used for creating an upload session once).
	 */
	retryWhenRefused?: boolean;
	/** 'stream' hands back the response body as a readable stream (large downloads). */
	encoding?: 'json' | 'text' | 'stream' | 'arraybuffer';
	/** Error answers to hand back instead of throwing (for example a 404 meaning "not available"). */
	acceptError?: (status: number, serverText: string) => boolean;
	timeoutMs?: number;
}

export interface ApiResponse<T = unknown> {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: T;
}

/** What a platform tells the engine about an error answer, in words a user can act on. */
export interface ErrorExplanation {
	message: string;
	description?: string;
}

/** How a platform lists records; see pagination.ts. */
export interface PaginationStyle {
	/** Largest page the server serves. */
	maxPageSize: number;
	/** Query parameters asking for `size` records starting at `offset`. */
	pageQuery(offset: number, size: number): IDataObject;
	/** Records of one page and, when the server says so, whether more pages follow. */
	readPage(body: unknown): { records: IDataObject[]; hasMore?: boolean };
}

/** Everything platform-specific that the shared engine needs. Data, not code paths. */
export interface Platform {
	/** Name used in messages, e.g. "CC-Agency". */
	displayName: string;
	credentialType: string;
	/** Base URL of the API from the credential (no trailing slash). */
	baseUrl(credentials: ICredentialDataDecryptedObject): string;
	/**
	 * Completes the credential before any request uses it, e.g. Agora's "Automatic" route set
	 * becomes the set the server was found to serve. Requests it sends itself must go through
	 * `apiRequest` with a platform without this hook.
	 */
	resolveCredentials?(
		ctx: RequestContext,
		credentials: ICredentialDataDecryptedObject,
		itemIndex?: number,
	): Promise<ICredentialDataDecryptedObject>;
	/** Rewrites a declared path for the credential's route set (e.g. Agora's connector routes). */
	resolvePath?(path: string, credentials: ICredentialDataDecryptedObject): string;
	/** Whether to accept self-signed TLS certificates. */
	skipSslValidation?(credentials: ICredentialDataDecryptedObject): boolean;
	/** The route the credential logs in with (for messages when the login itself fails). */
	loginPath?: string;
	/** Credential fields whose values must never appear in outputs, errors or logs. */
	secretFields: string[];
	/** Turns an error body into the server's own words. */
	errorText(body: unknown, headers: ApiResponse['headers']): string;
	/** Platform advice for an error; falls back to the engine's generic advice. */
	explainError?(status: number, serverText: string, request: ApiRequest): ErrorExplanation | undefined;
	/**
	 * When a stored session token is rejected: the credential's expirable field to clear so n8n
	 * logs in again (once), and the rule that recognises such an answer.
	 */
	sessionRenewal?: {
		expirableField: string;
		isExpired(status: number, body: unknown, credentials: ICredentialDataDecryptedObject): boolean;
	};
	pagination?: PaginationStyle;
	defaultTimeoutMs?: number;
}

/** Values read from the node's parameters for one item. */
export type ParameterValues = Record<string, unknown>;

/** Where a parameter goes on the wire. */
export interface SendSpec {
	in: 'path' | 'query' | 'body';
	/** Wire name; defaults to the parameter name. */
	key?: string;
	/** Converts the n8n value to what the server accepts. */
	transform?: (value: unknown) => unknown;
}

/** A node parameter of an operation, with where it is sent. */
export interface FieldSpec {
	/** The n8n parameter (displayOptions are added by the engine). */
	property: INodeProperties;
	send?: SendSpec;
	/** For collections ("Filters", "Options"): where each option is sent. */
	options?: Record<string, SendSpec>;
}

/** Context handed to hand-written (multi-step) operations. */
export interface OperationContext {
	ctx: IExecuteFunctions;
	itemIndex: number;
	platform: Platform;
	params: ParameterValues;
	item: INodeExecutionData;
}

/** One resource → operation of a node: a declaration the engine executes. */
export interface OperationSpec {
	resource: string;
	operation: string;
	/** Title Case label, e.g. "Get Many". */
	name: string;
	/** Sentence case with the resource, e.g. "Get many batches". */
	action: string;
	/** What it does and what it returns (read by people and by AI agents). */
	description: string;
	fields: FieldSpec[];
	method?: HttpMethod;
	/** '/batches/{batchId}': placeholders are path fields. */
	path?: string;
	/** Lists get Return All / Limit and pagination. */
	list?: boolean;
	idempotent?: boolean;
	/** Checks values before any request; throw `invalidParameter(...)` to stop. */
	validate?(params: ParameterValues, op: OperationContext): void;
	/** Adjusts the built request when several parameters combine into one wire value. */
	prepare?(request: ApiRequest, params: ParameterValues): void;
	/** Shapes the response body into output records. */
	output?(body: unknown, op: OperationContext): IDataObject[] | IDataObject;
	/** Hand-written operations (several requests, waiting, files). */
	execute?(op: OperationContext): Promise<Array<IDataObject | INodeExecutionData>>;
}

export interface ResourceSpec {
	value: string;
	name: string;
	description?: string;
	operations: OperationSpec[];
}
