// Helpers of hostile_http.test.mjs: a server holder that restarts a server killed by an earlier
// test (so one crash fails one test, not the whole file), a check that names how a server died,
// worker JWTs (HS256 over raw payload bytes), the head of a response that never ends (SSE), a
// bounded flood that stops once the server answered or closed, RSS sampling, and the checks of a
// refusal (status, Connection: close, a JSON-RPC error in valid UTF-8 JSON).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describeResponse } from './attack.mjs';
import { pidAlive, rssKb } from './process.mjs';
import { exchangeOnce, parseResponses, sleep } from './raw_socket.mjs';
import { startHttpServer } from './server.mjs';

export const MODERN = '2026-07-28';
export const WORKER_SECRET = 'hostile-e2e-7c1d93f0a2';
export const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
/** A server started on first use and started again when an earlier test killed it. */
export class ServerHolder {
  constructor(options = {}) {
    this.options = options;
    this.server = null;
  }

  static exited(server) {
    return server.child.exitCode !== null || server.child.signalCode !== null || !pidAlive(server.pid);
  }

  /** The running server (a fresh one when the last one died). */
  async get() {
    if (this.server && ServerHolder.exited(this.server)) await this.stop();
    this.server ??= await startHttpServer(this.options);
    return this.server;
  }

  /** Stops the current server; the next get() starts a new one. */
  async stop() {
    const s = this.server;
    this.server = null;
    await s?.stop();
  }
}

/** Fails, naming the exit code or signal and the end of stderr, when the server died. */
export async function assertAlive(server, what = 'the server') {
  const exit = await server.waitForExit(300);
  if (exit || !pidAlive(server.pid)) {
    assert.fail(`${what} died (exit code ${exit?.code}, signal ${exit?.signal}); stderr tail:\n${server.stderr().slice(-1500)}`);
  }
}

/** GET /healthz on a fresh connection answers 200. */
export async function assertHealthz(server) {
  await assertAlive(server);
  const { response } = await exchangeOnce(server.port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`, { closeWaitMs: 0 });
  assert.equal(response.status, 200, describeResponse(response));
}

// ---------------------------------------------------------------------------------------------
const b64url = (data) => Buffer.from(data).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** An HS256 JWT over the exact payload bytes (a Buffer or text), signed with `secret`. */
export function signJwt(payload, secret = WORKER_SECRET, header = { alg: 'HS256', typ: 'JWT' }) {
  const h = b64url(JSON.stringify(header));
  const p = b64url(payload);
  return `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
}

/** The claims of a valid worker token (as worker.test.mjs mints them). */
export const workerClaims = (extra = {}) => ({ aud: 'worker', ver: '1', iat: now(), exp: now() + 300, ...extra });

/** A valid worker token; with `bom` its payload JSON starts with a UTF-8 BOM (EF BB BF). */
export function workerToken({ bom = false, claims = {} } = {}) {
  const json = Buffer.from(JSON.stringify(workerClaims(claims)), 'utf8');
  return signJwt(bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]) : json);
}

/** The body of POST /worker/tools/invoke calling ArcadeEvalRef.Whoami for `userId`. */
export function whoamiCall(userId = 'alice') {
  return JSON.stringify({
    run_id: 'run-h', execution_id: `exec-h-${userId}`, created_at: new Date().toISOString(),
    tool: { name: 'Whoami', toolkit: 'ArcadeEvalRef', version: '1.0.0' }, inputs: {},
    context: { authorization: null, secrets: [], metadata: [], user_id: userId },
  });
}

// ---------------------------------------------------------------------------------------------
/** A 2026-07-28 request: params._meta carries the revision and (empty) client capabilities. */
export function modernRequest(id, method, params = {}) {
  return {
    jsonrpc: '2.0', id, method,
    params: { ...params, _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {} } },
  };
}

/** Raw header pairs of a 2026-07-28 POST; `extra` pairs are appended as given (latin1). */
export function modernHeaders(port, { version = MODERN, method, name, extra = [] } = {}) {
  const headers = [
    ['Host', `127.0.0.1:${port}`],
    ['Content-Type', 'application/json'],
    ['Accept', 'application/json, text/event-stream'],
    ['MCP-Protocol-Version', version],
  ];
  if (method !== undefined) headers.push(['Mcp-Method', method]);
  if (name !== undefined) headers.push(['Mcp-Name', name]);
  return [...headers, ...extra];
}

// ---------------------------------------------------------------------------------------------
/**
 * Checks a refusal: `status`, and (unless `jsonRpc` is false) a body that is valid UTF-8 and
 * valid JSON holding a JSON-RPC error with `code` whose message matches `pattern`; with
 * `close`, Connection: close. Returns the error object (or the body text).
 */
export function assertRefusal(response, { status, code, pattern, close = false, jsonRpc = true }) {
  const what = describeResponse(response);
  assert.equal(response.status, status, what);
  if (close) assert.equal(response.header('connection')?.toLowerCase(), 'close', `Connection: close: ${what}`);
  if (!jsonRpc) {
    if (pattern) assert.match(response.body, pattern, what);
    return response.body;
  }
  const bytes = Buffer.from(response.raw ?? response.body, response.raw ? 'latin1' : 'utf8');
  assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes), `the body is not valid UTF-8: ${what}`);
  let body;
  assert.doesNotThrow(() => {
    body = JSON.parse(response.body);
  }, `the body is not JSON: ${what}`);
  assert.equal(body?.jsonrpc, '2.0', what);
  assert.ok(body.error && !('result' in body), `expected a JSON-RPC error: ${what}`);
  if (code !== undefined) assert.equal(body.error.code, code, what);
  if (pattern) assert.match(body.error.message ?? '', pattern, what);
  return body.error;
}

/**
 * exchangeOnce (lib/raw_socket.mjs) whose first response also carries `raw`: its body as
 * received (latin1 text of the bytes) when it has a Content-Length, for the UTF-8 check.
 */
export async function exchange(port, text, options) {
  const result = await exchangeOnce(port, text, options);
  const all = result.conn.text;
  const end = all.indexOf('\r\n\r\n');
  const length = Number(result.response.header('content-length'));
  if (end >= 0 && Number.isInteger(length)) result.response.raw = all.slice(end + 4, end + 4 + length);
  return result;
}

/** Waits (at most ms) for the head of the next response on `conn`, e.g. of an SSE stream that never ends. */
export async function readHead(conn, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const end = conn.text.indexOf('\r\n\r\n');
    if (end >= 0) {
      // Only the head: parseResponses would wait for a body that may never end.
      const head = conn.text.slice(0, end);
      const { responses } = parseResponses(`${head.replace(/\r\n(content-length|transfer-encoding):[^\r]*/gi, '')}\r\n\r\n`, true);
      return { ...responses[0], head };
    }
    if (conn.ended) throw new Error(`connection closed without a response; received: ${JSON.stringify(conn.text.slice(0, 500))}`);
    if (Date.now() > deadline) throw new Error(`no response head within ${ms} ms`);
    await Promise.race([sleep(20), conn.waitClosed(20)]);
  }
}

/**
 * Sends `prefix`, then `total` bytes of `fill` in pieces of `piece` bytes, honouring back
 * pressure, until all is sent, the server answered (a response head arrived), the connection
 * closed or failed (EPIPE, ECONNRESET), or `deadlineMs` passed. Resolves { sent, answered,
 * closed, timedOut }.
 */
export async function flood(conn, prefix, { total = 200 * MiB, piece = MiB, fill = 0x61, deadlineMs = 20000 } = {}) {
  const block = Buffer.alloc(piece, fill);
  const deadline = Date.now() + deadlineMs;
  const stop = () => conn.ended || conn.socket.destroyed || conn.text.includes('\r\n\r\n');
  conn.write(prefix);
  let sent = 0;
  let timedOut = false;
  while (sent < total && !stop()) {
    if (Date.now() > deadline) {
      timedOut = true;
      break;
    }
    const n = Math.min(piece, total - sent);
    const ok = conn.socket.write(n === piece ? block : block.subarray(0, n), () => {});
    sent += n;
    if (!ok) {
      // Wait for the kernel to take it, the close, an answer or 250 ms, whichever comes first.
      await new Promise((resolve) => {
        const t = setTimeout(done, 250);
        function done() {
          clearTimeout(t);
          conn.socket.off('drain', done);
          conn.socket.off('close', done);
          resolve();
        }
        conn.socket.once('drain', done);
        conn.socket.once('close', done);
      });
    }
  }
  return { sent, answered: conn.text.includes('\r\n\r\n'), closed: conn.ended, timedOut };
}

/** Samples the RSS (kB) of `pid` every intervalMs until stop(), which resolves the peak (kB). */
export function sampleRss(pid, intervalMs = 25) {
  let peak = 0;
  const take = () => {
    try {
      peak = Math.max(peak, rssKb(pid));
    } catch {
      // the process is gone; the test notices through assertAlive
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    get peak() {
      return peak;
    },
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}
