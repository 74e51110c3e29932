// POST /red validation, in the agency's order (reference §5.3). Rows 2, 3 (prefix), 4, 5 and 7
// reproduce the live messages exactly; rows 6 and 8 are traceback-style bodies whose final
// lines match (the frames above them are plausible, not copied).
import { isJsonContentType } from '../lib/http-body.mjs';
import { badRequest, internalServerError } from './errors.mjs';
import { bestMatch, errorLocation, isValid, iterErrors } from './json-schema.mjs';
import { formatTraceback, pyRepr, pyStr, pyTruthy, pyTypeName } from './python-format.mjs';
import { containerEngineSchemas, executionEngineSchemas, redSchema } from './red-schemas.mjs';
import {
	completeRedInputs,
	getSecretValues,
	inspectTemplatesAndProtectedKeys,
	normalizeKeys,
	parseInputType,
	redBatches,
} from './red-transform.mjs';

const INVALID_PREFIX =
	'Given RED data is invalid. Consider using the FAICE commandline tools for local validation.\n';
const SITE = '/usr/local/lib/python3.10/site-packages';
const RED_ROUTE_FRAME = (line, code) => ({
	file: `${SITE}/cc_agency/broker/routes/red.py`,
	line,
	func: 'post_red',
	code,
});

class RedSpecificationError extends Error {}

/**
 * Parses and validates a POST /red body. Returns the normalised RED document (keys without
 * "_", File inputs completed) or throws the HttpError the agency answers with.
 */
export function validateRedSubmission({ contentType, body }) {
	// Row 2: request.json -> JSON body with a JSON content type, and not empty/falsy.
	if (!isJsonContentType(contentType)) throw badRequest();
	let data;
	try {
		data = JSON.parse(body.toString('utf8'));
	} catch {
		throw badRequest();
	}
	if (!pyTruthy(data)) throw badRequest('Did not send RED data as JSON.');

	// Row 3: schema, then input/output type checks.
	try {
		redValidation(data);
	} catch (e) {
		if (!(e instanceof RedSpecificationError)) throw e;
		throw badRequest(INVALID_PREFIX + e.message);
	}

	// Rows 4 and 4b: variables must be resolved; templates/protected keys elsewhere crash.
	const { variables, illegal } = inspectTemplatesAndProtectedKeys(data);
	if (illegal) throw internalServerError();
	if (variables.length) {
		throw badRequest(
			`The given red data contains the following variables: "${variables.join(', ')}". Please resolve them before submitting to agency. Consider using CC-FAICE (faice exec).`,
		);
	}
	const secretValues = getSecretValues(data);

	// Row 5: the agency needs outputs.
	if (Array.isArray(data.batches)) {
		if (data.batches.some((b) => !('outputs' in b))) {
			throw badRequest(
				'CC-Agency requires all batches to have outputs defined. At least one batch does not comply.',
			);
		}
	} else if (!('outputs' in data)) {
		throw badRequest('CC-Agency requires outputs to be defined in RED data.');
	}

	// Row 6: container engine.
	const containerError = engineError(data, 'container', ['docker'], false);
	if (containerError)
		throw tracebackBadRequest(
			containerError,
			secretValues,
			RED_ROUTE_FRAME(161, "engine_validation(data, 'container', ['docker'])"),
		);

	// Row 7: ram.
	if (!('ram' in data.container.settings))
		throw badRequest("CC-Agency requires 'ram' to be defined in the container settings.");

	// Row 8: execution engine, then key normalisation and the restricted-RED conversion.
	const executionError = engineError(data, 'execution', ['ccagency'], true);
	if (executionError) {
		throw tracebackBadRequest(
			executionError,
			secretValues,
			RED_ROUTE_FRAME(168, "engine_validation(data, 'execution', ['ccagency'], optional=True)"),
		);
	}
	normalizeKeys(data);
	if (Array.isArray(data.batches) && data.batches.length === 0) {
		// extract_batches() falls back to red_data['inputs'] for an empty list.
		throw tracebackBadRequest(
			{
				frames: [
					{
						file: `${SITE}/cc_core/commons/red_to_restricted_red.py`,
						line: 44,
						func: 'convert_red_to_restricted_red',
						code: 'batches = extract_batches(red_data)',
					},
					{
						file: `${SITE}/cc_core/commons/red_to_restricted_red.py`,
						line: 246,
						func: 'extract_batches',
						code: "batch = {'inputs': red_data['inputs'],",
					},
				],
				line: "KeyError: 'inputs'",
			},
			secretValues,
			RED_ROUTE_FRAME(170, '_ = convert_red_to_restricted_red(data)'),
		);
	}
	completeRedInputs(data);

	// Row 9: no CC-Cloud is configured in the emulator.
	const clouds = Array.isArray(data.batches) ? data.batches.map((b) => b.cloud) : [data.cloud];
	if (clouds.some((c) => c?.enable)) throw badRequest('CC-Cloud is not available.');

	return data;
}

function tracebackBadRequest({ frames, line }, secretValues, routeFrame) {
	// exception_format() joins the secrets into a regex; a non-string secret makes it crash.
	if (secretValues.some((v) => typeof v !== 'string')) return internalServerError();
	return badRequest(formatTraceback([routeFrame, ...frames], line, secretValues));
}

/** cc_core engine_validation(); returns {frames, line} describing the raised EngineError. */
function engineError(data, engineType, supported, optional) {
	if (!(engineType in data)) {
		return optional ? null : engineFailure(`engine type "${engineType}" required in RED_FILE`, 41);
	}
	const { engine, settings } = data[engineType];
	if (engineType === 'container' && engine === 'nvidia-docker') {
		return engineFailure(
			'The nvidia-docker engine is not longer supported. Use the "docker" engine instead.',
			48,
		);
	}
	if (!supported.includes(engine))
		return engineFailure(`${engineType}-engine "${engine}" not supported`, 51);
	const schemas = engineType === 'container' ? containerEngineSchemas : executionEngineSchemas;
	const error = bestMatch(iterErrors(settings, schemas[engine]));
	if (!error) return null;
	return engineFailure(
		`${engineType}-engine "${engine}" specification in RED-FILE does not comply with jsonschema:\n\tkey in engine settings: ${errorLocation(error)}\n\treason: ${error.message}`,
		61,
	);
}

function engineFailure(message, line) {
	return {
		frames: [
			{
				file: `${SITE}/cc_core/commons/engines.py`,
				line,
				func: 'engine_validation',
				code: 'raise EngineError(',
			},
		],
		line: `cc_core.commons.exceptions.EngineError: ${message}`,
	};
}

/** red_val red_validation(data, ignore_outputs=False). Throws RedSpecificationError. */
function redValidation(data) {
	if (!isValid(data, redSchema)) {
		throw new RedSpecificationError(
			`RED-FILE does not comply with jsonschema:\n\tkey in red file: /\n\treason: ${pyRepr(data)} is not valid under any of the given schemas`,
		);
	}
	const batches = redBatches(data);
	const cliInputs = data.cli.inputs;
	const cliOutputs = data.cli.outputs;

	const inputPairs = [];
	for (const batch of batches) {
		for (const key of unionKeys(batch.inputs, cliInputs)) {
			if (!(key in cliInputs))
				throw new RedSpecificationError(
					`Input key "${key}" is used in job description, but is not given in cli description`,
				);
			inputPairs.push({ key, type: cliInputs[key].type, value: batch.inputs[key] });
		}
	}
	const outputPairs = [];
	for (const batch of batches) {
		if (batch.outputs == null) continue;
		for (const key of unionKeys(batch.outputs, cliOutputs)) {
			if (!(key in cliOutputs))
				throw new RedSpecificationError(
					`Output key "${key}" is used in job description, but is not given in cli description`,
				);
			outputPairs.push({ key, type: cliOutputs[key].type, value: batch.outputs[key] });
		}
	}
	for (const pair of inputPairs)
		wrapKeyError('input', pair.key, () => checkInputType(pair.value, pair.type));
	for (const pair of outputPairs)
		wrapKeyError('output', pair.key, () => checkOutputType(pair.value, pair.type));

	for (const [key, output] of Object.entries(cliOutputs)) {
		if (output.type === 'stdout' || output.type === 'stderr') continue;
		if (output.outputBinding.glob.startsWith('/')) {
			throw new RedSpecificationError(
				`Glob of output key "${key}" starts with "/", which is illegal`,
			);
		}
	}
}

const unionKeys = (a, b) => [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])];

function wrapKeyError(io, key, check) {
	try {
		check();
	} catch (e) {
		throw new RedSpecificationError(`Error while checking ${io} key "${key}":\n${e.message}`);
	}
}

const INPUT_PYTHON_TYPES = {
	File: ['dict'],
	Directory: ['dict'],
	string: ['str'],
	int: ['int'],
	long: ['int'],
	float: ['float', 'int'],
	double: ['float', 'int'],
	boolean: ['bool'],
};

function shortRepr(value) {
	const type = pyTypeName(value);
	if (type === 'dict') return 'dictionary';
	if (type === 'list') return 'list';
	return `value "${pyStr(value)}" of type "${type}"`;
}

function checkInputType(value, cliType) {
	const { category, array, optional } = parseInputType(cliType);
	if (value === undefined || value === null) {
		if (optional) return;
		throw new Error('job value is missing and not optional');
	}
	if (array && !Array.isArray(value))
		throw new Error('cli is declared as array, but value is not given as such');
	if (!array && Array.isArray(value))
		throw new Error('cli is not declared as array, but value is given as array');
	for (const item of array ? value : [value]) {
		if (!INPUT_PYTHON_TYPES[category].includes(pyTypeName(item))) {
			throw new Error(`Value should have type "${category}", but found "${shortRepr(item)}".`);
		}
		if ((category === 'File' || category === 'Directory') && item.class !== category) {
			throw new Error(`Is declared as "${category}" but given as "${pyStr(item.class ?? null)}"`);
		}
	}
}

function checkOutputType(value, cliType) {
	const optional = cliType.endsWith('?');
	const category = optional ? cliType.slice(0, -1) : cliType;
	if (value === undefined || value === null) {
		if (optional) return;
		throw new Error('job value is missing and not optional');
	}
	if (pyTypeName(value) !== 'dict')
		throw new Error(`Value should have type "${category}", but found "${shortRepr(value)}".`);
	if (value.class !== category)
		throw new Error(`Is declared as "${category}" but given as "${pyStr(value.class ?? null)}"`);
}
