// Request log / metrics counters for benchmarks: how many requests a client made, per route,
// and how many response body bytes went out. Counted on 'finish'/'close' so aborted
// responses are counted once too.

export function createRequestStats() {
	let requests = 0;
	let bytesOut = 0;
	let byRoute = {};
	return {
		record(routeKey, bytes) {
			requests += 1;
			bytesOut += bytes;
			byRoute[routeKey] = (byRoute[routeKey] ?? 0) + 1;
		},
		snapshot() {
			return { requests, bytesOut, byRoute: { ...byRoute } };
		},
		reset() {
			requests = 0;
			bytesOut = 0;
			byRoute = {};
		},
	};
}

/**
 * Counts the body bytes written to `res` and calls `onDone(bytes)` exactly once when the
 * response finishes or the connection closes.
 */
export function meterResponse(res, onDone) {
	let bytes = 0;
	let done = false;
	const count = (chunk, encoding) => {
		if (chunk == null || typeof chunk === 'function') return;
		bytes += Buffer.isBuffer(chunk)
			? chunk.length
			: Buffer.byteLength(chunk, typeof encoding === 'string' ? encoding : 'utf8');
	};
	const write = res.write;
	const end = res.end;
	res.write = function (chunk, encoding, cb) {
		count(chunk, encoding);
		return write.call(this, chunk, encoding, cb);
	};
	res.end = function (chunk, encoding, cb) {
		count(chunk, encoding);
		return end.call(this, chunk, encoding, cb);
	};
	const finish = () => {
		if (done) return;
		done = true;
		onDone(bytes);
	};
	res.once('finish', finish);
	res.once('close', finish);
}
