// Fault tests of the Streamable HTTP server (fault-server): SIGTERM under load, clients that
// disconnect mid-request and mid-stream, tools that throw / hang / allocate, 10,000 abandoned
// sessions, and a soak. Every loop is bounded in time; every scenario prints its figures and a
// summary table ends the run. Exit code 0 when every expectation held, 1 otherwise.
//
//   node tests/fault/fault.mjs --binary build/release/bin/fault-server [--only 1,3]
//   SOAK_SECONDS=20 (scenario 5), FAULT_LOG_LEVEL=info (servers' log level; logs kept in
//   FAULT_WORK_DIR, default a temporary folder, printed on failure).
import { mkdtempSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { Conn, now } from './lib/http1.mjs';
import { startServer, stopServer, waitExit, rssKb, sleep, killAll } from './lib/server.mjs';
import { checkToolResult, mcpHeaders, nextId, openSession, replyOf, rpc, toolCall, toolText, initializeMessage } from './lib/mcp.mjs';

// ---------------------------------------------------------------------------------------------
// Bookkeeping

const args = process.argv.slice(2);
const argValue = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const BINARY = path.resolve(argValue('--binary') ?? '');
const ONLY = (argValue('--only') ?? '1,2,3,4,5').split(',').map((s) => Number(s.trim()));
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 20);
const WORK_DIR = process.env.FAULT_WORK_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'fault-'));

const summary = []; // { scenario, figure, value }
const failures = []; // strings
let scenarioName = '';

function figure(name, value) {
  summary.push({ scenario: scenarioName, figure: name, value: String(value) });
  console.log(`  ${name}: ${value}`);
}
function expect(cond, message) {
  if (!cond) {
    failures.push(`[${scenarioName}] ${message}`);
    console.log(`  FAIL: ${message}`);
  }
  return cond;
}
const mb = (kb) => (kb === null || kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(1)} MB`);
const ms = (x) => `${Math.round(x)} ms`;
function pct(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
function latencySummary(values) {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return 'none';
  return `n=${s.length} p50=${pct(s, 50).toFixed(1)} p99=${pct(s, 99).toFixed(1)} max=${s[s.length - 1].toFixed(1)} ms`;
}
const range = (n) => Array.from({ length: n }, (_, i) => i);
/** Runs task(i) for i < n with at most `width` at a time. */
async function pool(n, width, task) {
  let next = 0;
  const results = new Array(n);
  await Promise.all(
    range(Math.min(width, n)).map(async () => {
      while (next < n) {
        const i = next++;
        results[i] = await task(i);
      }
    })
  );
  return results;
}
/** Bounds a promise in time; resolves `fallback` when it does not settle within ms. */
function within(promise, ms, fallback = 'timeout') {
  let timer;
  return Promise.race([promise, new Promise((r) => (timer = setTimeout(() => r(fallback), ms)))]).finally(() => clearTimeout(timer));
}
/** Memory bound used throughout: baseline + 25 % or + 4 MB, whichever is larger. */
function rssBound(baselineKb) {
  return Math.max(Math.round(baselineKb * 1.25), baselineKb + 4096);
}

async function launch(name, env) {
  return startServer({ binary: BINARY, workDir: WORK_DIR, name, env });
}

/** Opens a connection and a session, runs fn(conn, session), closes. */
async function withSession(port, fn) {
  const conn = await Conn.open(port);
  try {
    return await fn(conn, await openSession(conn));
  } finally {
    conn.close();
  }
}

/** One echo on a fresh connection: resolves null when it answered correctly, else the reason. */
async function echoProbe(port, session, text = 'probe') {
  try {
    const conn = await Conn.open(port, { timeoutMs: 3000 });
    try {
      const id = nextId();
      const res = await conn.request({ headers: mcpHeaders(session), body: JSON.stringify(toolCall(id, 'echo', { message: text })), timeoutMs: 5000 });
      return checkToolResult(res, id, text);
    } finally {
      conn.close();
    }
  } catch (err) {
    return `${err.kind ?? 'error'}: ${err.message}`;
  }
}

// ---------------------------------------------------------------------------------------------
// 1. SIGTERM under load

async function scenarioSigterm() {
  const GRACE_S = 5;
  const CLIENTS = 16;
  const LOAD_MS = 1500;
  const srv = await launch('s1-sigterm', { ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN: String(GRACE_S), ARCADE_WORKER_THREADS: '8' });
  const port = srv.port;
  const st = { sigAt: null, stop: false };
  const records = []; // one per request attempted on an open connection
  const connects = []; // reconnection attempts after the first
  const setupErrors = [];

  const clients = await Promise.all(
    range(CLIENTS).map(async (i) => {
      const conn = await Conn.open(port);
      const session = await openSession(conn);
      return { i, conn, session, k: 0 };
    })
  );

  async function clientLoop(c) {
    while (!st.stop) {
      if (!c.conn) {
        const t = now();
        try {
          c.conn = await Conn.open(port, { timeoutMs: 2000 });
          connects.push({ at: t, afterSig: st.sigAt !== null, outcome: 'connected' });
        } catch (err) {
          connects.push({ at: t, afterSig: st.sigAt !== null, outcome: err.kind });
          if (st.sigAt !== null) return; // refused after SIGTERM: this client is done
          setupErrors.push(`reconnect before SIGTERM failed: ${err.message}`);
          await sleep(50);
          continue;
        }
      }
      const conn = c.conn;
      const connBeforeSig = st.sigAt === null || conn.connectedAt < st.sigAt;
      const sleeps = c.k++ % 2 === 1;
      const id = nextId();
      const message = sleeps ? toolCall(id, 'sleeps', { seconds: 0.3 }) : toolCall(id, 'echo', { message: `c${c.i}-${id}` });
      const expected = sleeps ? 'slept' : `c${c.i}-${id}`;
      const rec = { client: c.i, tool: sleeps ? 'sleeps' : 'echo', connBeforeSig, connectedAt: conn.connectedAt };
      try {
        const res = await conn.request({ headers: mcpHeaders(c.session), body: JSON.stringify(message), timeoutMs: (GRACE_S + 5) * 1000 });
        Object.assign(rec, { sentAt: res.sentAt, doneAt: res.doneAt, status: res.status, keepAlive: res.keepAlive });
        rec.problem = checkToolResult(res, id, expected);
        if (!res.keepAlive) {
          conn.close();
          c.conn = null;
        }
      } catch (err) {
        Object.assign(rec, { sentAt: err.sentAt, failed: err.kind, bytes: err.bytes, why: err.message });
        conn.close();
        c.conn = null;
      }
      records.push(rec);
    }
  }

  const loops = clients.map((c) => clientLoop(c));
  await sleep(LOAD_MS);
  st.sigAt = now();
  srv.kill('SIGTERM');

  // New connections after SIGTERM (from 100 ms on, every 100 ms until the process is gone).
  const probes = [];
  const prober = (async () => {
    await sleep(100);
    while (!srv.exitInfo && now() - st.sigAt < (GRACE_S + 2) * 1000) {
      const t = now();
      let outcome;
      try {
        const conn = await Conn.open(port, { timeoutMs: 1000 });
        try {
          const id = nextId();
          const res = await conn.request({
            headers: mcpHeaders(clients[0].session),
            body: JSON.stringify(toolCall(id, 'echo', { message: 'late' })),
            timeoutMs: 2000,
          });
          outcome = res.status === 503 ? '503' : `served ${res.status}`;
        } catch (err) {
          outcome = err.sentAt === null && err.kind === 'closed' ? 'closed-before-send' : `accepted-then-${err.kind}`;
        } finally {
          conn.close();
        }
      } catch (err) {
        outcome = err.kind; // 'refused' expected
      }
      probes.push({ at: t - st.sigAt, outcome });
      await sleep(100);
    }
  })();

  const exit = await waitExit(srv, (GRACE_S + 2) * 1000 + 500);
  const exitMs = exit ? exit.at - st.sigAt : null;
  st.stop = true;
  await within(Promise.all([...loops, prober]), 15000);
  if (!exit) await stopServer(srv, { graceMs: 100 });

  const sig = st.sigAt;
  const answered = records.filter((r) => r.status !== undefined);
  const invalid = answered.filter((r) => r.problem);
  const answeredAfter = answered.filter((r) => r.doneAt > sig);
  const inFlight = records.filter((r) => r.sentAt !== null && r.sentAt !== undefined && r.sentAt < sig && (r.failed || r.doneAt > sig));
  const failed = records.filter((r) => r.failed);
  const truncated = failed.filter((r) => r.bytes > 0);
  const lostBefore = failed.filter((r) => r.sentAt !== null && r.sentAt < sig && r.connBeforeSig);
  const lostAfter = failed.filter((r) => r.sentAt !== null && r.sentAt >= sig && r.connBeforeSig);
  const notSent = failed.filter((r) => r.sentAt === null);
  const keepAliveAfterSig = answered.filter((r) => r.doneAt > sig && r.keepAlive);
  const reconnectsAfter = connects.filter((c) => c.afterSig);
  const refusedAfter = reconnectsAfter.filter((c) => c.outcome === 'refused').length + probes.filter((p) => p.outcome === 'refused').length;
  const servedNew = probes.filter((p) => p.outcome.startsWith('served'));
  const acceptedNew = reconnectsAfter.filter((c) => c.outcome === 'connected');

  figure('requests answered', `${answered.length} (${answered.filter((r) => r.tool === 'sleeps').length} sleeps{0.3}, ${answered.filter((r) => r.tool === 'echo').length} echo) by ${CLIENTS} clients`);
  figure('answered after SIGTERM', answeredAfter.length);
  figure('in flight at SIGTERM (fully sent before it)', `${inFlight.length}, answered ${inFlight.filter((r) => !r.failed && !r.problem).length}`);
  figure('invalid answers', invalid.length);
  figure('truncated answers', truncated.length);
  figure('lost (sent before SIGTERM, no answer)', lostBefore.length);
  figure('lost (sent after SIGTERM on a connection accepted before it, no answer)', lostAfter.length);
  figure('answers after SIGTERM that still said keep-alive', keepAliveAfterSig.length);
  figure('requests not sent (client saw the server close the connection first)', notSent.length);
  figure('new connections after SIGTERM', `${reconnectsAfter.length + probes.length} tried: ${refusedAfter} refused, ${probes.filter((p) => p.outcome === '503').length} 503, ${servedNew.length} served, ${acceptedNew.length + probes.filter((p) => p.outcome.startsWith('accepted')).length} accepted by the kernel`);
  figure('probe outcomes (ms after SIGTERM)', probes.map((p) => `${Math.round(p.at)}:${p.outcome}`).join(' ') || 'none (exited first)');
  figure('exit', exit ? `code ${exit.code} signal ${exit.signal} after ${ms(exitMs)} (grace ${GRACE_S} s)` : 'did not exit');

  expect(setupErrors.length === 0, `errors before SIGTERM: ${setupErrors.slice(0, 3).join('; ')}`);
  expect(answered.length > 0, 'no request was answered');
  expect(invalid.length === 0, `invalid answers: ${invalid.slice(0, 3).map((r) => r.problem).join('; ')}`);
  expect(truncated.length === 0, `truncated answers: ${truncated.slice(0, 3).map((r) => r.why).join('; ')}`);
  expect(lostBefore.length === 0, `requests sent before SIGTERM without an answer: ${lostBefore.slice(0, 3).map((r) => `${r.tool} ${r.failed} sent ${Math.round(r.sentAt - sig)} ms rel. SIGTERM`).join('; ')}`);
  expect(
    lostAfter.length === 0,
    `requests sent after SIGTERM on a kept-alive connection were dropped without an answer (${lostAfter.length}; e.g. ${lostAfter
      .slice(0, 3)
      .map((r) => `${r.tool} sent +${Math.round(r.sentAt - sig)} ms, ${r.failed}`)
      .join('; ')}): the previous answer on that connection did not say Connection: close`
  );
  expect(servedNew.length === 0, `new connections after SIGTERM were served: ${servedNew.map((p) => `+${Math.round(p.at)} ms`).join(', ')}`);
  expect(exit && exit.code === 0, `exit code ${exit?.code} signal ${exit?.signal}`);
  expect(exitMs !== null && exitMs <= (GRACE_S + 2) * 1000, `exit after ${exitMs} ms, over grace + 2 s`);
  expect(!/grace period over/.test(srv.log()), 'the server logged "grace period over" (requests still in flight)');
}

// ---------------------------------------------------------------------------------------------
// 2. Clients that disconnect mid-request and mid-stream

/** Sends headers and half of the body, then ends (FIN) or resets the connection. */
function halfRequest(port, session, reset) {
  return new Promise((resolve) => {
    const body = JSON.stringify(toolCall(nextId(), 'echo', { message: 'x'.repeat(200) }));
    const headers = mcpHeaders(session);
    const head =
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const socket = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => done('timeout'), 3000);
    let answered = false;
    socket.on('data', () => (answered = true));
    socket.on('error', () => {});
    function done(outcome) {
      clearTimeout(timer);
      if (reset && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
      resolve(answered ? 'answered?!' : outcome);
    }
    socket.once('connect', () => {
      socket.write(head + body.slice(0, Math.floor(body.length / 2)), () => setTimeout(() => done('ok'), 2));
    });
    socket.once('close', () => done('closed-by-server'));
  });
}

/** POSTs chatty (log, sleep, ...), waits for the SSE response's first event, then disconnects. */
function abandonStream(port, session, reset) {
  return new Promise((resolve) => {
    const body = JSON.stringify(toolCall(nextId(), 'chatty', { steps: 4, interval_ms: 15 }));
    const headers = mcpHeaders(session);
    const head =
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    let finished = false;
    const timer = setTimeout(() => done('timeout'), 3000);
    socket.on('error', () => {});
    function done(outcome) {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (reset && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
      resolve(outcome);
    }
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (!/^HTTP\/1\.1 200/.test(text) && text.includes('\r\n\r\n')) done(`status ${text.slice(9, 12)}`);
      else if (/text\/event-stream/i.test(text) && text.includes('notifications/message')) done('sse');
    });
    socket.once('connect', () => socket.write(head + body));
    socket.once('close', () => done('closed-by-server'));
  });
}

async function scenarioDisconnects() {
  const N = 500;
  const SESSIONS = 8;
  const env = {
    MCP_TRANSPORT_MAX_SESSIONS: String(SESSIONS),
    MCP_TRANSPORT_MAX_SESSIONS_PER_CLIENT: String(SESSIONS),
    ARCADE_SERVER_MAX_CONNECTIONS: '64',
    ARCADE_SERVER_MAX_REQUESTS_PER_SESSION: '32',
    ARCADE_WORKER_THREADS: '8',
    ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN: '5',
  };
  const srv = await launch('s2-disconnects', env);
  const port = srv.port;
  const conn = await Conn.open(port);
  const sessions = [];
  for (let i = 0; i < SESSIONS; i++) sessions.push(await openSession(conn));
  conn.close();

  const storm = async (n) => {
    const outcomes = {};
    const tally = (kind, o) => (outcomes[`${kind}:${o}`] = (outcomes[`${kind}:${o}`] ?? 0) + 1);
    await pool(2 * n, 16, async (i) => {
      const session = sessions[i % SESSIONS];
      const reset = Math.floor(i / 2) % 2 === 1;
      if (i % 2 === 0) tally(reset ? 'half-body+RST' : 'half-body+FIN', await halfRequest(port, session, reset));
      else tally(reset ? 'mid-SSE+RST' : 'mid-SSE+FIN', await abandonStream(port, session, reset));
    });
    return outcomes;
  };
  const poolIdle = async () => {
    // chatty calls outlive their connections by ~60 ms each: wait until echo answers promptly.
    for (let i = 0; i < 50; i++) {
      const t = now();
      if ((await echoProbe(port, sessions[0])) === null && now() - t < 50) return;
      await sleep(100);
    }
  };

  // Warm-up: the same storm, small, so that allocator arenas and buffers exist before "before".
  await storm(50);
  await poolIdle();
  await sleep(1000);
  const before = rssKb(srv.pid);
  const t0 = now();
  const outcomes = await within(storm(N), 60000, null);
  const stormMs = now() - t0;
  await poolIdle();
  await sleep(2000);
  const after = rssKb(srv.pid);

  figure('disconnects', `${N} mid-request + ${N} mid-stream in ${ms(stormMs)}, 16 at a time over ${SESSIONS} sessions`);
  figure('outcomes', outcomes ? Object.entries(outcomes).map(([k, v]) => `${k}=${v}`).join(' ') : 'storm did not finish in 60 s');
  expect(outcomes !== null, 'the disconnect storm did not finish within 60 s');
  if (outcomes) {
    const sse = (outcomes['mid-SSE+FIN:sse'] ?? 0) + (outcomes['mid-SSE+RST:sse'] ?? 0);
    expect(sse === N, `only ${sse} of ${N} mid-stream requests reached an SSE event before the disconnect`);
    const half = (outcomes['half-body+FIN:ok'] ?? 0) + (outcomes['half-body+RST:ok'] ?? 0);
    expect(half === N, `only ${half} of ${N} half-body requests were cut by the client as planned`);
  }

  // a. still answering, on every session
  const answers = await Promise.all(sessions.map((s) => echoProbe(port, s)));
  const bad = answers.filter((a) => a !== null);
  figure('echo on the 8 sessions afterwards', `${SESSIONS - bad.length}/${SESSIONS} correct`);
  expect(bad.length === 0, `echo after the storm: ${bad.join('; ')}`);

  // b. request slots of a session released: 32 concurrent calls (the per-session limit) all run
  const slotResults = await Promise.all(
    range(32).map(async () => {
      try {
        const c = await Conn.open(port);
        try {
          const id = nextId();
          const res = await c.request({ headers: mcpHeaders(sessions[0]), body: JSON.stringify(toolCall(id, 'sleeps', { seconds: 0.2 })), timeoutMs: 10000 });
          return res.status === 200 ? checkToolResult(res, id, 'slept') : `HTTP ${res.status}`;
        } finally {
          c.close();
        }
      } catch (err) {
        return err.message;
      }
    })
  );
  const slotBad = slotResults.filter((r) => r !== null);
  figure('32 concurrent calls on one session (limit 32)', `${32 - slotBad.length}/32 answered (a leaked request slot would give 429)`);
  expect(slotBad.length === 0, `concurrent calls on a stormed session: ${[...new Set(slotBad)].join('; ')}`);
  // Control: the limit is live (a 33rd concurrent call on the session gets 429).
  const held = await Promise.all(range(32).map(() => Conn.open(port)));
  const heldCalls = held.map((c) => {
    const id = nextId();
    return c.request({ headers: mcpHeaders(sessions[1]), body: JSON.stringify(toolCall(id, 'sleeps', { seconds: 0.5 })), timeoutMs: 10000 }).catch((e) => e);
  });
  await sleep(150);
  const extra = await Conn.open(port);
  const extraRes = await extra
    .request({ headers: mcpHeaders(sessions[1]), body: JSON.stringify(toolCall(nextId(), 'echo', { message: 'x' })), timeoutMs: 5000 })
    .catch((e) => e);
  extra.close();
  await Promise.all(heldCalls);
  held.forEach((c) => c.close());
  figure('control: a 33rd concurrent call on a session', `HTTP ${extraRes.status ?? extraRes.message}`);
  expect(extraRes.status === 429, `control: the 33rd concurrent call on a session got ${extraRes.status ?? extraRes.message}, expected 429`);

  // c. no session left busy: 8 new sessions evict the 8 old ones (a busy one could not be evicted: 503)
  const fresh = [];
  const freshErrors = [];
  const c2 = await Conn.open(port);
  for (let i = 0; i < SESSIONS; i++) {
    try {
      fresh.push(await openSession(c2));
    } catch (err) {
      freshErrors.push(err.message);
    }
  }
  c2.close();
  const oldStatus = await Promise.all(
    sessions.map(async (s) => {
      const c = await Conn.open(port);
      try {
        const id = nextId();
        const res = await c.request({ headers: mcpHeaders(s), body: JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' }) });
        return res.status;
      } finally {
        c.close();
      }
    })
  );
  figure('8 new sessions at the cap of 8', `${fresh.length} opened; old sessions now answer ${[...new Set(oldStatus)].join(',')}`);
  expect(freshErrors.length === 0, `new sessions at the cap: ${freshErrors.join('; ')}`);
  expect(oldStatus.every((s) => s === 404), `old sessions after eviction: HTTP ${oldStatus.join(',')} (expected 404: evicted)`);

  // d. connection count released: 60 concurrent connections under the cap of 64
  const connResults = await Promise.all(range(60).map((i) => echoProbe(port, fresh[i % fresh.length] ?? sessions[0], `conn${i}`)));
  const connBad = connResults.filter((r) => r !== null);
  figure('60 concurrent connections (cap 64)', `${60 - connBad.length}/60 answered (a leaked connection count would give 503)`);
  expect(connBad.length === 0, `concurrent connections after the storm: ${[...new Set(connBad)].slice(0, 3).join('; ')}`);
  // Control: the cap is live (with 64 connections open, the 65th gets 503).
  const open64 = await Promise.all(range(64).map(() => Conn.open(port)));
  await sleep(100);
  const over = await echoProbe(port, fresh[0] ?? sessions[0]);
  open64.forEach((c) => c.close());
  figure('control: a 65th connection', over ?? 'served');
  expect(over !== null && /HTTP 503/.test(over), `control: the 65th connection got ${over ?? 'served'}, expected 503`);
  await sleep(200);

  // RSS
  const bound = rssBound(before);
  figure('RSS before / after (settled)', `${mb(before)} / ${mb(after)} (bound ${mb(bound)})`);
  expect(after !== null && after <= bound, `RSS after the storm ${mb(after)} over ${mb(bound)} (before ${mb(before)})`);

  // e. in-flight counter released: SIGTERM exits at once (a leaked count would wait the grace period)
  const stop = await stopServer(srv, { graceMs: 8000 });
  figure('exit after SIGTERM', `code ${stop.code} in ${ms(stop.ms)} (grace 5 s)`);
  expect(stop.code === 0 && stop.ms < 2000, `SIGTERM after the storm: code ${stop.code}, ${stop.ms} ms (a leaked in-flight count waits out the grace period)`);
  expect(!/grace period over/.test(srv.log()), 'the server logged "grace period over" after the storm');
}

// ---------------------------------------------------------------------------------------------
// 3. Tools that throw, hang past the time limit, allocate wildly

async function scenarioToolFaults() {
  const LIMIT_S = 2;
  const HANG_S = 5;
  const THREADS = 4;
  const srv = await launch('s3-tool-faults', {
    ARCADE_TOOL_TIMEOUT_SECONDS: String(LIMIT_S),
    ARCADE_WORKER_THREADS: String(THREADS),
    ARCADE_LOG_LEVEL: 'info', // the end of the hung handler is read from the log
    ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN: '1',
  });
  const port = srv.port;
  const session = await withSession(port, async (_c, s) => s);

  // Interleaved echo calls on their own connection for the whole scenario.
  const echo = { stop: false, samples: [], errors: [] };
  const echoLoop = (async () => {
    const conn = await Conn.open(port);
    while (!echo.stop) {
      const id = nextId();
      const text = `e${id}`;
      const t = now();
      try {
        const res = await conn.request({ headers: mcpHeaders(session), body: JSON.stringify(toolCall(id, 'echo', { message: text })), timeoutMs: 10000 });
        const problem = checkToolResult(res, id, text);
        echo.samples.push({ at: t, ms: now() - t, problem });
      } catch (err) {
        echo.errors.push(err.message);
        break;
      }
      await sleep(20);
    }
    conn.close();
  })();
  const echoBetween = (a, b) => echo.samples.filter((s) => s.at >= a && s.at < b).map((s) => s.ms);
  const echoProblems = (a, b) => echo.samples.filter((s) => s.at >= a && s.at < b && s.problem).map((s) => s.problem);

  const call = async (name, argsObj, timeoutMs = 15000) => {
    const conn = await Conn.open(port);
    const id = nextId();
    const t = now();
    try {
      const res = await conn.request({ headers: mcpHeaders(session), body: JSON.stringify(toolCall(id, name, argsObj)), timeoutMs });
      const reply = replyOf(res, id);
      return { ms: now() - t, isError: !!reply.result?.isError, text: toolText(reply), meta: reply.result?._meta };
    } catch (err) {
      return { ms: now() - t, failed: err.message };
    } finally {
      conn.close();
    }
  };

  await sleep(800);
  const tFaults = now();
  const baselineEcho = echoBetween(0, tFaults);

  const thrown = await call('throws', {});
  figure('throws', `${thrown.failed ?? (thrown.isError ? 'isError' : 'success?!')} in ${ms(thrown.ms)}: ${thrown.text ?? ''}`);
  expect(thrown.isError && /unhandled exception/i.test(thrown.text ?? ''), `throws: expected an isError result, got ${JSON.stringify(thrown)}`);

  const hangStart = now();
  const hangP = call('hangs', { seconds: HANG_S });
  const hugeP = (async () => {
    await sleep(200);
    return call('allocates', { megabytes: 1e9 }); // 1 PiB: std::bad_alloc
  })();
  const rssBeforeAlloc = rssKb(srv.pid);
  let rssPeak = rssBeforeAlloc;
  const moderateP = (async () => {
    await sleep(400);
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssKb(srv.pid) ?? 0)), 10);
    const r = await call('allocates', { megabytes: 256, touch: true });
    clearInterval(sampler);
    return r;
  })();
  const [hung, huge, moderate] = await Promise.all([hangP, hugeP, moderateP]);
  await sleep(300);
  const rssAfterAlloc = rssKb(srv.pid);

  figure('hangs{5} with a 2 s limit', `${hung.failed ?? (hung.isError ? 'isError' : 'success?!')} in ${ms(hung.ms)}: ${hung.text ?? ''}`);
  expect(hung.isError && /did not finish within/.test(hung.text ?? ''), `hangs: expected a timeout isError result, got ${JSON.stringify(hung)}`);
  expect(hung.ms >= LIMIT_S * 1000 - 100 && hung.ms <= LIMIT_S * 1000 + 1000, `hangs answered after ${ms(hung.ms)}, expected ~${LIMIT_S * 1000} ms`);
  expect(hung.meta?.arcade?.canRetry === true, `timeout result not marked retryable: ${JSON.stringify(hung.meta)}`);
  figure('allocates{1e9 MiB}', `${huge.failed ?? (huge.isError ? 'isError' : 'success?!')} in ${ms(huge.ms)}: ${huge.text ?? ''}`);
  expect(huge.isError, `allocates 1 PiB: expected an isError result, got ${JSON.stringify(huge)}`);
  figure('allocates{256 MiB, touched}', `${moderate.failed ?? (moderate.isError ? 'isError' : 'ok')} in ${ms(moderate.ms)}; RSS ${mb(rssBeforeAlloc)} -> peak ${mb(rssPeak)} -> ${mb(rssAfterAlloc)}`);
  expect(!moderate.isError && !moderate.failed, `allocates 256 MiB: ${JSON.stringify(moderate)}`);
  expect(rssAfterAlloc <= rssBound(rssBeforeAlloc), `RSS after the 256 MiB block was freed: ${mb(rssAfterAlloc)} (before ${mb(rssBeforeAlloc)})`);

  // The hung handler goes on sleeping after its caller got the timeout; the server logs its end.
  let handlerMs = null;
  const deadline = hangStart + HANG_S * 1000 + 3000;
  while (now() < deadline) {
    const m = /tool call tool=hangs .*duration_ms=([\d.]+)/.exec(srv.log());
    if (m) {
      handlerMs = Number(m[1]);
      break;
    }
    await sleep(100);
  }
  const tHangDone = now();
  figure('hung handler ran for', handlerMs === null ? 'no log line' : `${ms(handlerMs)} (caller answered after ${ms(hung.ms)})`);
  expect(handlerMs !== null && handlerMs >= HANG_S * 1000 - 50, `the hung handler's log line: ${handlerMs}`);

  const duringEcho = echoBetween(tFaults, tHangDone);
  figure('echo latency before the faults', latencySummary(baselineEcho));
  figure('echo latency during throws/hangs/allocates', latencySummary(duringEcho));
  expect(duringEcho.length >= 20, `only ${duringEcho.length} echo calls during the faults`);
  expect(duringEcho.every((x) => x < 1000), `an echo call took ${Math.max(...duringEcho).toFixed(0)} ms during the faults`);
  const duringProblems = echoProblems(0, tHangDone);
  expect(duringProblems.length === 0, `echo answers before/during the faults: ${[...new Set(duringProblems)].slice(0, 3).join('; ')}`);

  // Informational: as many hung handlers as worker threads. Timed-out calls keep their thread,
  // so other calls wait for a free one.
  const tSat = now();
  const saturate = await Promise.all(range(THREADS).map(() => call('hangs', { seconds: 3 })));
  await sleep(1500);
  const tSatEnd = now();
  const satEcho = echoBetween(tSat, tSatEnd);
  const satProblems = echoProblems(tSat, tSatEnd);
  figure(
    `${THREADS} hung handlers = worker threads (info, not asserted)`,
    `callers answered in ${saturate.map((r) => ms(r.ms)).join(', ')}; echo meanwhile ${latencySummary(satEcho)}, ` +
      `${satProblems.length} of them answered with an error: ${[...new Set(satProblems)].map((p) => p.slice(0, 120)).join('; ') || '-'}`
  );

  echo.stop = true;
  await within(echoLoop, 12000);
  const afterProblems = echoProblems(tSatEnd, Infinity);
  figure('echo calls in total', `${echo.samples.length}; transport errors ${echo.errors.length}; error answers after the pool freed up ${afterProblems.length}`);
  expect(echo.errors.length === 0, `echo transport errors: ${[...new Set(echo.errors)].slice(0, 3).join('; ')}`);
  expect(afterProblems.length === 0, `echo after the hung handlers ended: ${[...new Set(afterProblems)].slice(0, 3).join('; ')}`);
  const stop = await stopServer(srv, { graceMs: 6000 });
  expect(stop.code === 0, `exit code ${stop.code} signal ${stop.signal}`);
}

// ---------------------------------------------------------------------------------------------
// 4. 10,000 sessions opened and abandoned

async function scenarioAbandonedSessions() {
  const N = 10000;
  const TIMEOUT_S = 3;
  const srv = await launch('s4-sessions', {
    MCP_TRANSPORT_MAX_SESSIONS: '20000',
    MCP_TRANSPORT_MAX_SESSIONS_PER_CLIENT: '20000',
    MCP_TRANSPORT_SESSION_TIMEOUT_SECONDS: String(TIMEOUT_S),
  });
  const port = srv.port;
  const WIDTH = 8;

  const open = async (n) => {
    const ids = [];
    const errors = [];
    let next = 0;
    await Promise.all(
      range(WIDTH).map(async () => {
        let c = await Conn.open(port);
        while (next < n) {
          next++;
          const id = nextId();
          try {
            const res = await c.request({ headers: mcpHeaders(null, null), body: JSON.stringify(initializeMessage(id)), timeoutMs: 10000 });
            replyOf(res, id);
            ids.push(res.headers['mcp-session-id']);
            if (!res.keepAlive) {
              c.close();
              c = await Conn.open(port);
            }
          } catch (err) {
            errors.push(err.message);
            c.close();
            c = await Conn.open(port);
          }
        }
        c.close();
      })
    );
    return { ids, errors };
  };
  const expiredAll = async (ids) => {
    const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 20)) === 0).slice(0, 20);
    const conn = await Conn.open(port);
    try {
      for (const id of sample) {
        const res = await conn.request({ headers: mcpHeaders({ id, version: '2025-11-25' }), body: JSON.stringify({ jsonrpc: '2.0', id: nextId(), method: 'ping' }) });
        if (res.status !== 404) return false;
      }
      return true;
    } finally {
      conn.close();
    }
  };

  // Warm-up: 500 sessions, expired, so that the baseline includes what the first burst leaves.
  const warm = await open(500);
  for (let i = 0; i < 20 && !(await expiredAll(warm.ids)); i++) await sleep(500);
  await sleep(1200);
  const baseline = rssKb(srv.pid);
  const bound = rssBound(baseline);

  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKb(srv.pid) ?? 0)), 100);
  const t0 = now();
  const opened = await within(open(N), 60000, { ids: [], errors: ['did not finish in 60 s'] });
  const openMs = now() - t0;
  clearInterval(sampler);
  const afterOpen = rssKb(srv.pid);
  peak = Math.max(peak, afterOpen);

  const t1 = now();
  let afterExpiry = null;
  let returnedMs = null;
  const series = [];
  while (now() - t1 < 15000) {
    await sleep(500);
    afterExpiry = rssKb(srv.pid);
    series.push(afterExpiry);
    if (afterExpiry <= bound && now() - t1 > TIMEOUT_S * 1000 && (await expiredAll(opened.ids))) {
      returnedMs = now() - t1;
      break;
    }
    // Expired, swept, and flat for 3 s: it will not come down by waiting longer.
    const flat = series.length >= 7 && series.slice(-7).every((x) => x === afterExpiry);
    if (flat && now() - t1 > (TIMEOUT_S + 2) * 1000 && (await expiredAll(opened.ids))) break;
  }
  const waitedMs = now() - t1;
  const expired = await expiredAll(opened.ids);

  // A second burst: memory the allocator kept for reuse is reused (RSS stays put); memory still
  // held by something grows again by the same amount.
  const opened2 = await within(open(N), 60000, { ids: [], errors: ['did not finish in 60 s'] });
  const afterOpen2 = rssKb(srv.pid);
  for (let i = 0; i < 16 && !(await expiredAll(opened2.ids)); i++) await sleep(500);
  await sleep(1200);
  const afterExpiry2 = rssKb(srv.pid);
  const perSession = Math.round(((afterExpiry2 - afterExpiry) * 1024) / N);
  // Diagnosis when memory stayed: a tools/list_changed broadcast prunes the dispatcher's list of
  // sessions (weak references); one more session then expires so that the sweep trims the heap.
  let afterBroadcast = null;
  if (returnedMs === null || afterExpiry2 - afterExpiry > 2048) {
    const probeIds = [];
    await withSession(port, async (conn, session) => {
      for (let k = 0; k < 2; k++) await rpc(conn, session, toolCall(nextId(), 'toggle_tool', {}));
      probeIds.push(session.id);
    });
    for (let i = 0; i < 16 && !(await expiredAll(probeIds)); i++) await sleep(500);
    await sleep(1200);
    afterBroadcast = rssKb(srv.pid);
  }
  const stillServes = await echoProbe(port, await withSession(port, async (_c, s) => s));

  figure('sessions opened', `${opened.ids.length}/${N} in ${ms(openMs)} (${Math.round(opened.ids.length / (openMs / 1000))}/s, ${WIDTH} connections), errors ${opened.errors.length}`);
  figure('RSS baseline / peak while opening / after opening', `${mb(baseline)} / ${mb(peak)} / ${mb(afterOpen)}`);
  figure('RSS after expiry', `${mb(afterExpiry)} ${returnedMs !== null ? `(within bound ${ms(returnedMs)} after the last initialize)` : `(not within bound; flat at ${ms(waitedMs)} after the last initialize)`}; bound ${mb(bound)} = max(baseline + 25 %, baseline + 4 MB)`);
  figure('RSS series after opening (0.5 s steps)', series.map((k) => (k / 1024).toFixed(1)).join(' '));
  figure('second burst of 10,000: RSS after opening / after expiry', `${mb(afterOpen2)} / ${mb(afterExpiry2)}: ${afterExpiry2 - afterExpiry >= 0 ? '+' : ''}${mb(afterExpiry2 - afterExpiry)} over the first burst's, ${perSession} bytes per abandoned session`);
  if (afterBroadcast !== null)
    figure('diagnosis: after a tools/list_changed broadcast and one more expiry sweep', `${mb(afterBroadcast)} (the broadcast drops the dispatcher's weak references to ended sessions)`);
  expect(opened.errors.length === 0 && opened2.errors.length === 0, `initialize errors: ${[...new Set([...opened.errors, ...opened2.errors])].slice(0, 3).join('; ')}`);
  expect(
    afterExpiry2 - afterExpiry <= 2048,
    `RSS after a second burst of ${N} expired sessions grew by ${mb(afterExpiry2 - afterExpiry)} (${perSession} bytes per session): memory of expired sessions is still held`
  );
  expect(expired, 'sessions did not expire (a sample still answered other than 404)');
  expect(returnedMs !== null, `RSS did not return within ${mb(bound)} after the sessions expired (last ${mb(afterExpiry)}, baseline ${mb(baseline)})`);
  expect(stillServes === null, `echo on a new session afterwards: ${stillServes}`);
  const stop = await stopServer(srv);
  expect(stop.code === 0, `exit code ${stop.code} signal ${stop.signal}`);
}

// ---------------------------------------------------------------------------------------------
// 5. Soak

async function scenarioSoak() {
  const SECONDS = SOAK_SECONDS;
  const WARMUP = Math.max(3, Math.floor(SECONDS / 4));
  const stateful = await launch('s5-soak-sessions', { MCP_TRANSPORT_SESSION_TIMEOUT_SECONDS: '2' });
  const stateless = await launch('s5-soak-stateless', { ARCADE_SERVER_STATELESS: 'true' });
  const st = { stop: false, counts: { requests: 0, sessions: 0, deleted: 0 }, errors: [] };
  const check = (res, id, expected) => {
    st.counts.requests++;
    const problem = expected === undefined ? (res.status === 200 && replyOf(res, id) ? null : `HTTP ${res.status}`) : checkToolResult(res, id, expected);
    if (problem) st.errors.push(problem);
  };

  const sessionWorker = async (w) => {
    let conn = await Conn.open(stateful.port);
    for (let round = 0; !st.stop; round++) {
      try {
        const session = await openSession(conn);
        st.counts.sessions++;
        st.counts.requests += 2;
        let id = nextId();
        let res = await conn.request({ headers: mcpHeaders(session), body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/list' }) });
        check(res, id);
        for (let k = 0; k < 3; k++) {
          id = nextId();
          res = await conn.request({ headers: mcpHeaders(session), body: JSON.stringify(toolCall(id, 'echo', { message: `w${w}r${round}k${k}` })) });
          check(res, id, `w${w}r${round}k${k}`);
        }
        id = nextId();
        res = await conn.request({ headers: mcpHeaders(session), body: JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' }) });
        check(res, id);
        if (round % 2 === 0) {
          res = await conn.request({ method: 'DELETE', headers: mcpHeaders(session) });
          st.counts.requests++;
          if (res.status !== 200) st.errors.push(`DELETE: HTTP ${res.status}`);
          else st.counts.deleted++;
        }
      } catch (err) {
        st.errors.push(err.message);
        conn.close();
        if (st.stop) break;
        conn = await Conn.open(stateful.port);
      }
    }
    conn.close();
  };
  const statelessWorker = async (w) => {
    let conn = await Conn.open(stateless.port);
    for (let round = 0; !st.stop; round++) {
      try {
        let id = nextId();
        let res = await conn.request({ headers: mcpHeaders(null), body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/list' }) });
        check(res, id);
        id = nextId();
        res = await conn.request({ headers: mcpHeaders(null), body: JSON.stringify(toolCall(id, 'echo', { message: `s${w}r${round}` })) });
        check(res, id, `s${w}r${round}`);
        id = nextId();
        res = await conn.request({ headers: mcpHeaders(null), body: JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' }) });
        check(res, id);
      } catch (err) {
        st.errors.push(err.message);
        conn.close();
        if (st.stop) break;
        conn = await Conn.open(stateless.port);
      }
    }
    conn.close();
  };

  const samples = { sessions: [], stateless: [] };
  const workers = [...range(6).map((w) => sessionWorker(w)), ...range(3).map((w) => statelessWorker(w))];
  const t0 = now();
  for (let s = 1; s <= SECONDS; s++) {
    await sleep(Math.max(0, t0 + s * 1000 - now()));
    samples.sessions.push(rssKb(stateful.pid));
    samples.stateless.push(rssKb(stateless.pid));
  }
  st.stop = true;
  await within(Promise.all(workers), 15000);
  const elapsed = (now() - t0) / 1000;

  figure('load', `${st.counts.requests} requests in ${elapsed.toFixed(1)} s (${Math.round(st.counts.requests / elapsed)}/s), ${st.counts.sessions} sessions (${st.counts.deleted} deleted, the rest abandoned, 2 s timeout), errors ${st.errors.length}`);
  expect(st.errors.length === 0, `soak errors: ${[...new Set(st.errors)].slice(0, 3).join('; ')}`);
  for (const [name, series] of Object.entries(samples)) {
    const warm = series.slice(WARMUP);
    const first = warm[0];
    const last = warm[warm.length - 1];
    const min = Math.min(...warm);
    const max = Math.max(...warm);
    // Growth after warm-up: the last three samples against the first three.
    const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const growth = avg(warm.slice(-3)) - avg(warm.slice(0, 3));
    const tolerance = Math.max(2048, Math.round(first * 0.1));
    figure(`RSS ${name} server (after ${WARMUP} s warm-up)`, `first ${mb(first)} last ${mb(last)} min ${mb(min)} max ${mb(max)}; growth ${mb(growth)} (tolerance ${mb(tolerance)})`);
    figure(`RSS ${name} series (MB, 1 s)`, series.map((k) => (k / 1024).toFixed(1)).join(' '));
    expect(growth <= tolerance, `RSS of the ${name} server grew by ${mb(growth)} after warm-up (tolerance ${mb(tolerance)})`);
  }
  for (const srv of [stateful, stateless]) {
    const stop = await stopServer(srv);
    expect(stop.code === 0 && !stop.forced, `${srv.name}: exit code ${stop.code} signal ${stop.signal}`);
  }
}

// ---------------------------------------------------------------------------------------------

const scenarios = [
  [1, 'SIGTERM under load', scenarioSigterm],
  [2, 'disconnects mid-request and mid-stream', scenarioDisconnects],
  [3, 'tools that throw, hang, allocate', scenarioToolFaults],
  [4, '10,000 abandoned sessions', scenarioAbandonedSessions],
  [5, `soak (${SOAK_SECONDS} s)`, scenarioSoak],
];

async function main() {
  if (!existsSync(BINARY)) {
    console.error(`fault-server binary not found: ${BINARY} (pass --binary <build>/bin/fault-server)`);
    process.exit(2);
  }
  console.log(`fault tests: ${BINARY}; server logs in ${WORK_DIR}`);
  const started = now();
  for (const [n, title, fn] of scenarios) {
    if (!ONLY.includes(n)) continue;
    scenarioName = `${n}`;
    console.log(`\n== ${n}. ${title}`);
    const t = now();
    try {
      await fn();
    } catch (err) {
      expect(false, `scenario threw: ${err.stack ?? err}`);
    }
    const leftover = killAll();
    if (leftover) {
      console.log(`  (killed ${leftover} server(s) the scenario left running)`);
      await sleep(200);
    }
    figure('duration', `${((now() - t) / 1000).toFixed(1)} s`);
  }
  console.log('\n== summary');
  const width = Math.max(...summary.map((r) => r.figure.length));
  for (const r of summary) console.log(`${r.scenario.padEnd(2)} ${r.figure.padEnd(width)}  ${r.value.length > 140 ? r.value.slice(0, 137) + '...' : r.value}`);
  console.log(`total ${((now() - started) / 1000).toFixed(1)} s`);
  if (failures.length) {
    console.log(`\n${failures.length} expectation(s) violated:`);
    for (const f of failures) console.log(`  ${f}`);
    process.exit(1);
  }
  console.log('\nall fault expectations held');
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
