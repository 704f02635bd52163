// A minimal OTLP/HTTP trace receiver for the observability tests: a node:http server on
// 127.0.0.1 (ephemeral port) taking POST /v1/traces with an application/json
// ExportTraceServiceRequest and keeping every span, flattened with its resource attributes.
// Protobuf (or any other content type) is answered 415, so that a sender configured for
// protobuf is noticed (`rejected` counts them); other paths 404. With `holdMs` every request is
// held that long before it is answered (a slow collector). close() destroys open sockets and
// pending holds, so nothing keeps the test process alive.
import http from 'node:http';

const MAX_BODY = 16 * 1024 * 1024;

/** An OTLP AnyValue as a plain JS value (intValue as Number; arrays and kvlists as arrays/objects). */
export function anyValue(value) {
  if (!value || typeof value !== 'object') return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('boolValue' in value) return value.boolValue;
  if ('arrayValue' in value) return (value.arrayValue.values ?? []).map(anyValue);
  if ('kvlistValue' in value) return attributeMap(value.kvlistValue.values);
  return undefined;
}

/** OTLP KeyValue list -> { key: value }. */
export function attributeMap(list = []) {
  const out = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

/**
 * Starts the receiver. Resolves { port, origin, spans, requests, rejected, waitFor(predicate, ms),
 * close() }. `spans` holds { ...span as sent, attrs (attributeMap of span.attributes), resource
 * (attributeMap of the resource), service (resource service.name), scope }.
 */
export async function startOtlpReceiver({ holdMs = 0 } = {}) {
  const spans = [];
  const sockets = new Set();
  const holds = new Set();
  const waiters = new Set();
  const state = { requests: 0, rejected: 0, bad: [] };
  const wake = () => {
    for (const w of [...waiters]) w();
  };

  const server = http.createServer((req, res) => {
    state.requests++;
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('error', () => {});
    req.on('end', () => {
      const answer = (status, body = '{}') => {
        const send = () => {
          holds.delete(timer);
          if (res.destroyed) return;
          res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
          res.end(body);
        };
        const timer = holdMs > 0 ? setTimeout(send, holdMs) : null;
        if (timer) holds.add(timer);
        else send();
      };
      if (req.method !== 'POST' || req.url.split('?')[0] !== '/v1/traces') return answer(404);
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json') {
        state.rejected++;
        return answer(415, JSON.stringify({ message: `content type ${type} not accepted: send JSON` }));
      }
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        state.bad.push(`unparsable body: ${err.message}`);
        return answer(400);
      }
      for (const rs of body.resourceSpans ?? []) {
        const resource = attributeMap(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const span of ss.spans ?? []) {
            spans.push({ ...span, attrs: attributeMap(span.attributes), resource, service: resource['service.name'], scope: ss.scope });
          }
        }
      }
      wake();
      answer(200);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    spans,
    get requests() {
      return state.requests;
    },
    get rejected() {
      return state.rejected;
    },
    get bad() {
      return state.bad;
    },
    /** Resolves the spans once predicate(spans) is truthy; rejects after `ms` listing what arrived. */
    waitFor(predicate, ms = 10000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(spans)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(spans);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const seen = spans.map((s) => `${s.service}: ${s.name} kind ${s.kind} ${s.traceId}/${s.spanId} parent ${s.parentSpanId ?? '-'}`);
          reject(new Error(`receiver: condition not met within ${ms} ms (${state.requests} requests, ${state.rejected} rejected); spans:\n${seen.join('\n')}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    /** Stops listening, drops pending holds and destroys every open socket. Bounded. */
    async close() {
      for (const timer of holds) clearTimeout(timer);
      holds.clear();
      for (const socket of sockets) socket.destroy();
      await Promise.race([new Promise((resolve) => server.close(resolve)), new Promise((r) => setTimeout(r, 2000).unref())]);
    },
  };
}
