// The JSON Schemas of RED 9 as CC-Agency 9.3 applies them (reference §5), served by
// GET /schema/red and GET /schema/engines/container and used by red-validation.mjs.
// Written from the reference's rules: the container/execution *settings* are free objects
// here, because the agency checks them separately against the engine schemas below.

export const PATTERN_KEY = '^[a-zA-Z0-9_-]+$';
export const INPUT_TYPE_PATTERN =
	'^(File|Directory|string|int|long|float|double|boolean)(\\[\\])?\\??$';

const auth = {
	type: 'object',
	properties: {
		username: { type: 'string' },
		password: { type: 'string' },
		_username: { type: 'string' },
		_password: { type: 'string' },
	},
	additionalProperties: false,
};

const cli = {
	type: 'object',
	properties: {
		cwlVersion: { enum: ['v1.0'] },
		class: { enum: ['CommandLineTool'] },
		baseCommand: {
			oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }, { type: 'null' }],
		},
		inputs: {
			type: 'object',
			patternProperties: {
				[PATTERN_KEY]: {
					type: 'object',
					properties: {
						type: { type: 'string', pattern: INPUT_TYPE_PATTERN },
						inputBinding: {
							type: 'object',
							properties: {
								prefix: { type: 'string' },
								separate: { type: 'boolean' },
								position: { type: 'integer', minimum: 0 },
								itemSeparator: { type: 'string' },
							},
							additionalProperties: false,
						},
						doc: { type: 'string' },
					},
					additionalProperties: false,
					required: ['type', 'inputBinding'],
				},
			},
			additionalProperties: false,
		},
		outputs: {
			type: 'object',
			patternProperties: {
				[PATTERN_KEY]: {
					oneOf: [
						{
							type: 'object',
							properties: {
								type: { enum: ['File', 'Directory', 'File?', 'Directory?'] },
								outputBinding: {
									type: 'object',
									properties: { glob: { type: 'string' } },
									additionalProperties: false,
									required: ['glob'],
								},
								doc: { type: 'string' },
							},
							additionalProperties: false,
							required: ['type', 'outputBinding'],
						},
						{
							type: 'object',
							properties: { type: { enum: ['stdout', 'stderr'] }, doc: { type: 'string' } },
							additionalProperties: false,
							required: ['type'],
						},
					],
				},
			},
			additionalProperties: false,
		},
		stdout: { type: 'string' },
		stderr: { type: 'string' },
		doc: { type: 'string' },
	},
	additionalProperties: false,
	required: ['cwlVersion', 'class', 'inputs', 'outputs'],
};

const connector = {
	type: 'object',
	properties: {
		command: { type: 'string' },
		access: { type: 'object' },
		mount: { type: 'boolean' },
		doc: { type: 'string' },
	},
	additionalProperties: false,
	required: ['command', 'access'],
};

const fileOrDirectory = (classes, withListing) => ({
	type: 'object',
	properties: {
		class: { enum: classes },
		connector: { $ref: '#/definitions/connector' },
		basename: { type: 'string' },
		dirname: { type: 'string' },
		checksum: { type: 'string' },
		size: { type: 'integer' },
		...(withListing ? { listing: { type: 'array' } } : {}),
		doc: { type: 'string' },
	},
	additionalProperties: false,
	required: ['class', 'connector'],
});

const primitive = { type: ['string', 'number', 'boolean'] };

const inputs = {
	type: 'object',
	patternProperties: {
		[PATTERN_KEY]: {
			anyOf: [
				primitive,
				{ type: 'null' },
				{ $ref: '#/definitions/inputFile' },
				{ $ref: '#/definitions/inputDirectory' },
				{
					type: 'array',
					items: {
						anyOf: [
							primitive,
							{ $ref: '#/definitions/inputFile' },
							{ $ref: '#/definitions/inputDirectory' },
						],
					},
				},
			],
		},
	},
	additionalProperties: false,
};

const outputs = {
	type: 'object',
	patternProperties: {
		[PATTERN_KEY]: {
			type: 'object',
			properties: {
				class: { enum: ['File', 'Directory', 'stdout', 'stderr'] },
				connector: { $ref: '#/definitions/connector' },
				checksum: { type: 'string' },
				size: { type: 'integer' },
				listing: { type: 'array' },
				doc: { type: 'string' },
			},
			additionalProperties: false,
			required: ['class', 'connector'],
		},
	},
	additionalProperties: false,
};

const engine = {
	type: 'object',
	properties: {
		engine: { type: 'string' },
		settings: { type: 'object' },
		doc: { type: 'string' },
	},
	additionalProperties: false,
	required: ['engine', 'settings'],
};

const cloud = {
	type: 'object',
	properties: {
		enable: { type: 'boolean' },
		mountProtocol: { enum: ['ssh'] },
		mountDir: { type: 'string' },
	},
	additionalProperties: false,
	required: ['enable'],
};

export const redSchema = {
	definitions: {
		redVersion: { enum: ['9'] },
		cli,
		connector,
		engine,
		cloud,
		inputFile: fileOrDirectory(['File'], false),
		inputDirectory: fileOrDirectory(['Directory'], true),
		inputs,
		outputs,
	},
	oneOf: [
		{
			type: 'object',
			properties: {
				redVersion: { $ref: '#/definitions/redVersion' },
				cli: { $ref: '#/definitions/cli' },
				inputs: { $ref: '#/definitions/inputs' },
				outputs: { $ref: '#/definitions/outputs' },
				container: { $ref: '#/definitions/engine' },
				execution: { $ref: '#/definitions/engine' },
				cloud: { $ref: '#/definitions/cloud' },
				doc: { type: 'string' },
			},
			additionalProperties: false,
			required: ['redVersion', 'cli', 'inputs', 'container'],
		},
		{
			type: 'object',
			properties: {
				redVersion: { $ref: '#/definitions/redVersion' },
				cli: { $ref: '#/definitions/cli' },
				batches: {
					type: 'array',
					items: {
						type: 'object',
						properties: {
							inputs: { $ref: '#/definitions/inputs' },
							outputs: { $ref: '#/definitions/outputs' },
							cloud: { $ref: '#/definitions/cloud' },
							doc: { type: 'string' },
						},
						additionalProperties: false,
						required: ['inputs'],
					},
				},
				container: { $ref: '#/definitions/engine' },
				execution: { $ref: '#/definitions/engine' },
				doc: { type: 'string' },
			},
			additionalProperties: false,
			required: ['redVersion', 'cli', 'batches', 'container'],
		},
	],
};

/** container.settings for engine "docker" (cc_core's docker_schema). */
export const dockerSettingsSchema = {
	definitions: {
		auth,
		image: {
			type: 'object',
			properties: {
				url: { type: 'string' },
				auth: { $ref: '#/definitions/auth' },
				source: {
					type: 'object',
					properties: { url: { type: 'string' } },
					additionalProperties: false,
					required: ['url'],
				},
			},
			additionalProperties: false,
			required: ['url'],
		},
		vendors: { enum: ['nvidia'] },
		ram: { type: 'integer', minimum: 256 },
		gpus: {
			oneOf: [
				{
					type: 'object',
					properties: { vendor: { $ref: '#/definitions/vendors' }, count: { type: 'integer' } },
					additionalProperties: false,
					required: ['vendor', 'count'],
				},
				{
					type: 'object',
					properties: {
						vendor: { $ref: '#/definitions/vendors' },
						devices: {
							type: 'array',
							items: {
								type: 'object',
								properties: { vramMin: { $ref: '#/definitions/ram' } },
								additionalProperties: false,
							},
						},
					},
					additionalProperties: false,
					required: ['vendor', 'devices'],
				},
			],
		},
	},
	type: 'object',
	properties: {
		version: { type: 'string' },
		image: { $ref: '#/definitions/image' },
		gpus: { $ref: '#/definitions/gpus' },
		ram: { $ref: '#/definitions/ram' },
	},
	additionalProperties: false,
	required: ['image'],
};

/** execution.settings for engine "ccagency". `retryIfFailed` is not accepted in RED 9. */
export const ccagencySettingsSchema = {
	definitions: { auth },
	type: 'object',
	properties: {
		access: {
			type: 'object',
			properties: { url: { type: 'string' }, auth: { $ref: '#/definitions/auth' } },
			additionalProperties: false,
			required: ['url'],
		},
		batchConcurrencyLimit: { type: 'integer', minimum: 1 },
	},
	additionalProperties: false,
};

export const containerEngineSchemas = { docker: dockerSettingsSchema };
export const executionEngineSchemas = { ccagency: ccagencySettingsSchema };
