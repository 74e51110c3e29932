// A ring buffer of the last requests an emulator answered (method, path, query, headers,
// body, status, route), so tests can check what a client really put on the wire: which
// Authorization scheme, JSON or form, trailing slash or not, which chunk fields.
// Bounded, so a benchmark with 100 000 requests costs a fixed amount of memory.

export function createRequestLog({ capacity = 1000 } = {}) {
	let entries = [];
	let seq = 0;
	return {
		/** Starts an entry; the caller fills in `status`, `route` and `body` as they become known. */
		begin(req) {
			const url = req.url ?? '/';
			const q = url.indexOf('?');
			const entry = {
				seq: ++seq,
				time: new Date().toISOString(),
				method: req.method,
				path: q < 0 ? url : url.slice(0, q),
				query: q < 0 ? '' : url.slice(q + 1),
				headers: { ...req.headers },
				body: null,
				status: null,
				route: null,
			};
			entries.push(entry);
			if (entries.length > capacity) entries = entries.slice(-capacity);
			return entry;
		},
		/** The newest `limit` entries (oldest first), optionally only those after `sinceSeq`. */
		list({ limit = 100, sinceSeq = 0 } = {}) {
			const picked = entries.filter((e) => e.seq > sinceSeq);
			return picked.slice(-Math.max(0, limit));
		},
		reset() {
			entries = [];
		},
		get lastSeq() {
			return seq;
		},
	};
}
