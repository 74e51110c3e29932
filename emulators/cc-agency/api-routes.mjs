// The CC-Agency 9.3 REST routes (reference §3). Handlers return a response description
// ({status, json} or {status, text, contentType, chunked}); server.mjs writes it.
import { createRouter } from '../lib/router.mjs';
import { badRequest, notFound } from './errors.mjs';
import { isObjectId } from './ids.mjs';
import { dockerSettingsSchema, redSchema } from './red-schemas.mjs';
import { prepareRedData } from './red-submission.mjs';
import { validateRedSubmission } from './red-validation.mjs';
import { BATCH_STATES } from './store.mjs';

export const AGENCY_VERSION = '9.3.0';

const json = (value, status = 200) => ({ status, json: value });

// ---- query parameters, parsed the way Werkzeug's request.args.get(..., type=...) does ----

/** type=int: Python int() or, when that fails, "not given". */
function intArg(query, name) {
	const raw = query.get(name);
	if (raw === null) return null;
	const text = raw.trim();
	return /^[+-]?\d+(_\d+)*$/.test(text) ? Number(text.replace(/_/g, '')) : null;
}

/** type=str, used as `if value:`, so an empty string means "not given". */
const strArg = (query, name) => query.get(name) || null;

/** The agency's str_to_bool(): true, yes, y (any case) or a non-zero integer. */
export function boolArg(query, name) {
	const raw = query.get(name);
	if (raw === null) return false;
	const text = raw.trim().toLowerCase();
	if (['true', 'yes', 'y'].includes(text)) return true;
	return /^[+-]?\d+$/.test(text) && Number(text) !== 0;
}

/** The list projection: these fields when present, history reduced to node/state/time. */
const SUMMARY_FIELDS = [
	'username',
	'registrationTime',
	'state',
	'experimentId',
	'node',
	'batchesListIndex',
];
function summary(doc) {
	const out = { _id: doc._id };
	for (const field of SUMMARY_FIELDS) if (field in doc) out[field] = doc[field];
	if (Array.isArray(doc.history))
		out.history = doc.history.map((h) => ({ node: h.node, state: h.state, time: h.time }));
	return out;
}

/**
 * Builds the router. `deps`: { store, scheduler, auth }.
 * ctx: { req, query, params, user(), basicUser, body() }
 */
export function createApiRouter({ store, scheduler, auth }) {
	const router = createRouter();

	/** Documents of a collection matching the filters, visible to `user`, in registration order. */
	function matching(collection, user, { username, node, state, experimentId }) {
		const source =
			collection === 'batches' && experimentId
				? store.batchesOfExperiment(experimentId)
				: [...store[collection].values()];
		return source.filter(
			(doc) =>
				(user.admin || doc.username === user.username) &&
				(!username || doc.username === username) &&
				(!node || doc.node === node) &&
				(!state || doc.state === state) &&
				(!experimentId || doc.experimentId === experimentId),
		);
	}

	function listRoute(collection) {
		return (ctx) => {
			const user = ctx.user();
			const { query } = ctx;
			const filters = { username: strArg(query, 'username') };
			if (collection === 'batches') {
				filters.node = strArg(query, 'node');
				filters.state = strArg(query, 'state');
				if (filters.state && !BATCH_STATES.includes(filters.state)) {
					throw badRequest(
						`Given state is not valid. Must be one of [${BATCH_STATES.map((s) => `'${s}'`).join(', ')}].`,
					);
				}
				filters.experimentId = strArg(query, 'experimentId');
				if (filters.experimentId && !isObjectId(filters.experimentId))
					throw badRequest('Experiment is not a valid BSON ObjectId.');
			}
			const skip = intArg(query, 'skip');
			const limit = intArg(query, 'limit');
			const ascending = boolArg(query, 'ascending');
			if (skip !== null && skip < 0) throw badRequest('skip cannot be lower than 0.');
			if (limit !== null && limit < 1) throw badRequest('limit cannot be lower than 1.');

			const docs = matching(collection, user, filters);
			// Stable sort: equal registration times keep their registration order.
			docs.sort((a, b) =>
				ascending
					? a.registrationTime - b.registrationTime
					: b.registrationTime - a.registrationTime,
			);
			const start = skip ?? 0;
			const page = docs.slice(start, limit === null ? undefined : start + limit);
			return json(page.map(summary));
		};
	}

	function countRoute(collection) {
		return (ctx) => {
			const user = ctx.user();
			const { query } = ctx;
			const filters = { username: strArg(query, 'username') };
			if (collection === 'batches') {
				filters.node = strArg(query, 'node');
				filters.state = strArg(query, 'state'); // not validated here (live: ?state=bogus -> 0)
				filters.experimentId = strArg(query, 'experimentId');
				if (filters.experimentId && !isObjectId(filters.experimentId))
					throw badRequest('Experiment is not a valid BSON ObjectId.');
			}
			return json({ count: matching(collection, user, filters).length });
		};
	}

	function findVisible(collection, ctx) {
		const user = ctx.user();
		const { id } = ctx.params;
		if (!isObjectId(id)) throw badRequest('Not a valid BSON ObjectId.');
		const doc = store.visible(collection, id, user);
		if (!doc) throw notFound('Could not find Object.');
		return doc;
	}

	router.add('GET', '/', () => json({ Hello: 'World' }));

	router.add('GET', '/version', (ctx) => {
		ctx.user();
		return json({ agencyVersion: AGENCY_VERSION });
	});

	router.add('POST', '/login', (ctx) => json(auth.login(ctx.basicUser)));
	router.add('POST', '/refreshtoken', (ctx) => json(auth.refresh(ctx.req)));

	router.add('POST', '/red', async (ctx) => {
		const user = ctx.user();
		const data = validateRedSubmission({
			contentType: ctx.req.headers['content-type'],
			body: await ctx.body(),
		});
		const { experiment, batches, secrets } = prepareRedData(data, user.username, {
			disableRetry: boolArg(ctx.query, 'disableRetry'),
			disableConnectorValidation: boolArg(ctx.query, 'disableConnectorValidation'),
		});
		for (const [key, value] of Object.entries(secrets)) store.trustee.set(key, value);
		const storedExperiment = store.insertExperiment(experiment);
		const storedBatches = batches.map((b) =>
			store.insertBatch({ ...b, experimentId: storedExperiment._id }),
		);
		scheduler.register(storedBatches);
		store.changed();
		return json({ experimentId: storedExperiment._id });
	});

	router.add('GET', '/experiments/count', countRoute('experiments'));
	router.add('GET', '/experiments', listRoute('experiments'));
	router.add('GET', '/experiments/:id', (ctx) => json(findVisible('experiments', ctx)));

	router.add('GET', '/batches/count', countRoute('batches'));
	router.add('GET', '/batches', listRoute('batches'));
	router.add('GET', '/batches/:id', (ctx) => json(findVisible('batches', ctx)));
	router.add('DELETE', '/batches/:id', (ctx) =>
		json(scheduler.cancel(findVisible('batches', ctx))),
	);

	router.add('GET', '/batches/:id/:filename', (ctx) => {
		const user = ctx.user();
		const { id, filename } = ctx.params;
		if (!isObjectId(id)) throw badRequest('Not a valid batch ID.');
		const batch = store.visible('batches', id, user);
		if (!batch) throw notFound(`Could not find batch with id "${id}".`);
		if (filename !== 'stdout' && filename !== 'stderr') {
			throw badRequest(`Could not transfer "${filename}". Use "stdout" or "stderr" as filename.`);
		}
		const content = store.streams.get(batch._id)?.[filename];
		if (typeof content !== 'string')
			throw notFound(`Could not find "${filename}" of batch "${id}"`);
		return { status: 200, text: content, contentType: 'text/plain', chunked: true };
	});

	router.add('GET', '/nodes', (ctx) => {
		ctx.user();
		return json(scheduler.nodeList());
	});

	router.add('GET', '/schema/red', () => json(redSchema));
	router.add('GET', '/schema/engines/container', () => json({ docker: dockerSettingsSchema }));

	return router;
}
