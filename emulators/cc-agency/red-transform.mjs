// What CC-Agency does to an accepted RED document before storing it (reference §5.4, §6):
// strip leading "_" from keys, drop null inputs, complete File/Directory inputs, and move
// credentials into the trustee, leaving UUID strings behind.
import { stringifySorted } from '../lib/http-send.mjs';
import { uuid4 } from './ids.mjs';

export const CONTAINER_INPUT_DIR = '/cc/inputs';

/** Protected keys may only appear under an `access` or `auth` key. */
export const isProtectedKey = (key) =>
	key === 'password' || key === 'privateKey' || key.startsWith('_');

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Values under protected keys; the traceback-style 400 bodies mask them as ********. */
export function getSecretValues(data, protectedBranch = false, out = []) {
	if (Array.isArray(data)) data.forEach((v) => getSecretValues(v, protectedBranch, out));
	else if (isPlainObject(data)) {
		for (const [key, value] of Object.entries(data))
			getSecretValues(value, protectedBranch || isProtectedKey(key), out);
	} else if (protectedBranch) out.push(data);
	return out;
}

/**
 * Finds `{{variables}}` under access/auth keys (refused with 400) and reports template
 * markers or protected keys anywhere else (upstream does not catch those: 500).
 * @returns {{ variables: string[], illegal: string|null }}
 */
export function inspectTemplatesAndProtectedKeys(data) {
	const variables = [];
	let illegal = null;
	const walk = (value, allowed, where) => {
		if (illegal) return;
		if (typeof value === 'string') {
			if (allowed) {
				for (const match of value.matchAll(/\{\{(.*?)\}\}/g)) {
					const name = match[1].trim();
					if (!variables.includes(name)) variables.push(name);
				}
			} else if (value.includes('{{') || value.includes('}}')) {
				illegal = `template marker outside access/auth at ${where}`;
			}
		} else if (Array.isArray(value)) {
			value.forEach((v, i) => walk(v, allowed, `${where}/${i}`));
		} else if (isPlainObject(value)) {
			for (const [key, v] of Object.entries(value)) {
				if (isProtectedKey(key) && !allowed) {
					illegal = `protected key "${key}" outside access/auth at ${where}`;
					return;
				}
				walk(v, allowed || key === 'access' || key === 'auth', `${where}/${key}`);
			}
		}
	};
	walk(data, false, '');
	return { variables, illegal };
}

/** cc_core normalize_keys(): removes one leading "_" from every key, in place. */
export function normalizeKeys(data) {
	if (Array.isArray(data)) data.forEach(normalizeKeys);
	else if (isPlainObject(data)) {
		for (const key of Object.keys(data)) {
			const value = data[key];
			if (key.startsWith('_')) {
				delete data[key];
				data[key.slice(1)] = value;
			}
			normalizeKeys(value);
		}
	}
	return data;
}

/** Parses a CWL input type like "File[]?" into its parts. */
export function parseInputType(type) {
	const optional = type.endsWith('?');
	const base = optional ? type.slice(0, -1) : type;
	const array = base.endsWith('[]');
	return { category: array ? base.slice(0, -2) : base, array, optional };
}

/** Python os.path.splitext(). */
export function splitext(path) {
	const sep = path.lastIndexOf('/');
	const dot = path.lastIndexOf('.');
	if (dot > sep) {
		for (let i = sep + 1; i < dot; i++)
			if (path[i] !== '.') return [path.slice(0, dot), path.slice(dot)];
	}
	return [path, ''];
}

const joinPath = (dir, name) =>
	name.startsWith('/') ? name : dir.endsWith('/') ? dir + name : `${dir}/${name}`;

/** The batches of a RED as {inputs, outputs} pairs sharing the document's objects. */
export function redBatches(data) {
	if (Array.isArray(data.batches)) return data.batches;
	return [{ inputs: data.inputs, outputs: data.outputs }];
}

/**
 * cc_core convert_red_to_restricted_red() side effects on the RED: null inputs/outputs are
 * removed and File/Directory inputs gain basename, dirname (File), nameroot, nameext (File)
 * and path, with `/cc/inputs/<uuid4>` as the default directory.
 */
export function completeRedInputs(data) {
	const cliInputs = data.cli.inputs;
	for (const batch of redBatches(data)) {
		for (const io of [batch.inputs, batch.outputs ?? {}]) {
			for (const key of Object.keys(io)) if (io[key] === null) delete io[key];
		}
		for (const [key, value] of Object.entries(batch.inputs)) {
			const { category, array } = parseInputType(cliInputs[key].type);
			const values = array ? value : [value];
			if (category === 'File') values.forEach((v) => completeFile(key, v));
			if (category === 'Directory') values.forEach((v) => completeDirectory(key, v));
		}
	}
}

function completeFile(key, file) {
	if (!('basename' in file)) file.basename = key;
	if (!('dirname' in file)) file.dirname = `${CONTAINER_INPUT_DIR}/${uuid4()}`;
	const [nameroot, nameext] = splitext(file.basename);
	file.nameroot = nameroot;
	file.nameext = nameext;
	file.path = joinPath(file.dirname, file.basename);
}

function completeDirectory(key, directory) {
	if (!('basename' in directory)) directory.basename = key;
	directory.path = joinPath(`${CONTAINER_INPUT_DIR}/${uuid4()}`, directory.basename);
}

/** File/Directory objects of an inputs/outputs map, including those inside arrays. */
function connectorValues(io) {
	const out = [];
	for (const value of Object.values(io ?? {})) {
		for (const item of Array.isArray(value) ? value : [value]) {
			if (isPlainObject(item) && isPlainObject(item.connector)) out.push(item);
		}
	}
	return out;
}

/**
 * Replaces every connector `access` object of a batch with a UUID string (identical objects
 * share one UUID) and an enabled cloud's `auth` too. Mutates `batch`; returns the secrets.
 * Upstream skips File arrays here; the emulator separates them too so that no credential is
 * ever stored or echoed.
 */
export function separateBatchSecrets(batch) {
	const secrets = {};
	const byContent = new Map();
	for (const io of [batch.inputs, batch.outputs]) {
		for (const item of connectorValues(io)) {
			const secret = item.connector.access;
			if (typeof secret === 'string') continue;
			const fingerprint = stringifySorted(secret);
			let key = byContent.get(fingerprint);
			if (!key) {
				key = uuid4();
				byContent.set(fingerprint, key);
				secrets[key] = secret;
			}
			item.connector.access = key;
		}
	}
	if (batch.cloud?.enable && batch.cloud.auth !== undefined) {
		const key = uuid4();
		secrets[key] = batch.cloud.auth;
		batch.cloud.auth = key;
	}
	return secrets;
}

/** Replaces `container.settings.image.auth` with a UUID string. Mutates; returns secrets. */
export function separateExperimentSecrets(experiment) {
	const image = experiment.container.settings.image;
	if (!('auth' in image)) return {};
	const key = uuid4();
	const secrets = { [key]: image.auth };
	image.auth = key;
	return secrets;
}

/** Trustee keys referenced by a stored batch (to delete them when the batch is finished). */
export function batchSecretKeys(batch) {
	const keys = [];
	for (const io of [batch.inputs, batch.outputs]) {
		for (const item of connectorValues(io))
			if (typeof item.connector.access === 'string') keys.push(item.connector.access);
	}
	if (batch.cloud?.enable && typeof batch.cloud.auth === 'string') keys.push(batch.cloud.auth);
	return keys;
}

export function experimentSecretKeys(experiment) {
	const auth = experiment.container?.settings?.image?.auth;
	return typeof auth === 'string' ? [auth] : [];
}

/** Input keys whose connectors ask to be mounted (FUSE), as upstream reports them. */
export function mountInputKeys(inputs) {
	const keys = [];
	for (const [key, value] of Object.entries(inputs ?? {})) {
		for (const item of Array.isArray(value) ? value : [value]) {
			if (isPlainObject(item) && item.connector?.mount) keys.push(key);
		}
	}
	return keys;
}
