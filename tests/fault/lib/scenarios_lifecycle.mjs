// Fault scenarios 1 and 2 (tests/fault/fault.mjs): SIGTERM under load, and clients that
// disconnect mid-request and mid-stream.
import net from 'node:net';
import { Conn, now } from './http1.mjs';
import { stopServer, waitExit, rssKb, sleep } from './server.mjs';
import { checkToolResult, mcpHeaders, nextId, openSession, toolCall } from './mcp.mjs';
import { figure, expect, mb, ms, range, pool, within, rssBound, launch, echoProbe } from './harness.mjs';

// ---------------------------------------------------------------------------------------------
// 1. SIGTERM under load

export async function scenarioSigterm() {
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

export async function scenarioDisconnects() {
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
