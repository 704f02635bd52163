// The harness's own small clients: HTTP requests with a time limit, MCP sessions (initialize +
// notifications/initialized), the first-correct-answer probe used to time start-up, the worker
// JWT, and the stdio round-trip driver. A server that wants an OAuth bearer token (ours-auth) has
// it registered for its port with setBearer: every request() to that port then carries it.
import http from 'node:http';
import net from 'node:net';
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sleep } from './proc.mjs';

export const PROTOCOL = '2025-11-25';
export const MCP_HEADERS = {
  'Content-Type': 'application/json',
  Accept: 'application/json, text/event-stream',
  'MCP-Protocol-Version': PROTOCOL,
};
export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 'init',
  method: 'initialize',
  params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'arcade-bench', version: '1' } },
};
export const echoCall = (id, message = 'hello') => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'ArcadeEvalRef_Echo', arguments: { message } },
});

/** A free TCP port on 127.0.0.1 (bound and released; the server binds it right after). */
export async function freePort() {
  const srv = net.createServer();
  await new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Bearer tokens by port, sent as Authorization by request() (so also by the probes and openSession). */
const bearers = new Map();
/** Registers (or, with null, forgets) the bearer token of the server on `port`. */
export function setBearer(port, token) {
  if (token) bearers.set(port, token);
  else bearers.delete(port);
}

/**
 * One HTTP request; resolves { status, headers, text } or rejects (socket error, time limit).
 * Carries the port's bearer token (setBearer) unless `auth` is false or headers has Authorization.
 */
export function request(
  port,
  { method = 'POST', path = '/mcp', headers = {}, body, agent = false, timeoutMs = 10000, auth = true } = {},
) {
  const bearer = auth && bearers.get(port);
  if (bearer) headers = { Authorization: `Bearer ${bearer}`, ...headers };
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: data === undefined ? headers : { ...headers, 'Content-Length': Buffer.byteLength(data) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    if (data !== undefined) req.write(data);
    req.end();
  });
}

/** The JSON-RPC message of an answer that may be application/json or one SSE stream. */
export function answerJson(text) {
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) return JSON.parse(t);
  const data = t
    .split('\n')
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).trim())
    .filter((l) => l.startsWith('{'));
  if (!data.length) throw new Error(`no JSON in answer: ${t.slice(0, 200)}`);
  return JSON.parse(data[data.length - 1]);
}

/** initialize + notifications/initialized; resolves the session id (null on stateless servers). */
export async function openSession(port, { agent = false, timeoutMs = 10000 } = {}) {
  const r = await request(port, { headers: MCP_HEADERS, body: INITIALIZE, agent, timeoutMs });
  if (r.status !== 200) throw new Error(`initialize: HTTP ${r.status}: ${r.text.slice(0, 200)}`);
  const msg = answerJson(r.text);
  if (msg.result?.protocolVersion !== PROTOCOL) throw new Error(`initialize: unexpected answer ${r.text.slice(0, 200)}`);
  const sid = r.headers['mcp-session-id'] ?? null;
  const headers = sid ? { ...MCP_HEADERS, 'Mcp-Session-Id': sid } : MCP_HEADERS;
  const n = await request(port, { headers, body: { jsonrpc: '2.0', method: 'notifications/initialized' }, agent, timeoutMs });
  if (n.status !== 202 && n.status !== 200) throw new Error(`notifications/initialized: HTTP ${n.status}`);
  return sid;
}

/** One correct answer of a server kind: 'mcp' (initialize) or 'fixed' (nginx's body). */
export async function probe(port, kind) {
  if (kind === 'fixed') {
    const r = await request(port, { headers: MCP_HEADERS, body: echoCall('probe'), timeoutMs: 2000 });
    return r.status === 200 && r.text.includes('"text":"hello"');
  }
  const r = await request(port, { headers: MCP_HEADERS, body: INITIALIZE, timeoutMs: 5000 });
  return r.status === 200 && answerJson(r.text).result?.protocolVersion === PROTOCOL;
}

/**
 * Polls `port` until `probe` succeeds; resolves the milliseconds since `t0` (performance.now()
 * taken just before spawn). Rejects after `limitMs` or when `child` exits.
 */
export async function firstAnswerMs(port, kind, t0, child, limitMs = 15000) {
  for (;;) {
    if (child?.exited) throw new Error(`exited before answering (${JSON.stringify(child.exitInfo)})`);
    if (performance.now() - t0 > limitMs) throw new Error(`no correct answer within ${limitMs} ms`);
    try {
      if (await probe(port, kind)) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    await sleep(1);
  }
}

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** An HS256 worker token (aud "worker", ver "1") valid for `ttlSeconds`, minted with node:crypto. */
export function mintWorkerToken(secret, ttlSeconds = 7200) {
  const now = Math.floor(Date.now() / 1000);
  const h = b64url({ alg: 'HS256', typ: 'JWT' });
  const p = b64url({ aud: 'worker', ver: '1', iat: now, exp: now + ttlSeconds });
  return `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
}

/**
 * Round trips through a pipe: `child` is a stdio MCP server just spawned (at t0). Sends initialize
 * at once (start to first answer), then tools/call Echo one at a time for `seconds` (after
 * `warmup` calls), checking each answer. Resolves { startMs, roundTrips, seconds, wrong, latenciesUs }.
 */
export async function stdioRoundTrips(child, t0, seconds, warmup = 500) {
  let buffer = '';
  let waiter = null;
  const lines = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    let i;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      if (!line.trim()) continue;
      lines.push(line);
    }
    if (waiter && lines.length) {
      const w = waiter;
      waiter = null;
      w();
    }
  });
  const nextLine = (ms = 10000) =>
    new Promise((resolve, reject) => {
      if (lines.length) return resolve(lines.shift());
      const timer = setTimeout(() => {
        waiter = null;
        reject(new Error(`no line on stdout within ${ms} ms`));
      }, ms);
      waiter = () => {
        clearTimeout(timer);
        resolve(lines.shift());
      };
    });
  /** The answer with this id (notifications and other lines are skipped). */
  const answer = async (id) => {
    for (;;) {
      const msg = JSON.parse(await nextLine());
      if (msg.id === id) return msg;
    }
  };
  const send = (msg) => child.stdin.write(`${JSON.stringify(msg)}\n`);

  send(INITIALIZE);
  const init = await answer('init');
  const startMs = performance.now() - t0;
  if (init.result?.protocolVersion !== PROTOCOL) throw new Error(`stdio initialize: ${JSON.stringify(init).slice(0, 200)}`);
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });

  let wrong = 0;
  let n = 0;
  const isRight = (msg) => msg.result?.content?.[0]?.text === 'hello' && msg.result?.isError !== true;
  for (let i = 0; i < warmup; ++i) {
    send(echoCall(`warm${i}`));
    if (!isRight(await answer(`warm${i}`))) ++wrong;
  }
  const latenciesUs = [];
  const begin = performance.now();
  const end = begin + seconds * 1000;
  let now = begin;
  while (now < end) {
    const id = `s${n}`;
    const t = performance.now();
    send(echoCall(id));
    const msg = await answer(id);
    now = performance.now();
    latenciesUs.push((now - t) * 1000);
    if (!isRight(msg)) ++wrong;
    ++n;
  }
  return { startMs, roundTrips: n, seconds: (now - begin) / 1000, wrong, latenciesUs };
}

export function percentile(sorted, p) {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
