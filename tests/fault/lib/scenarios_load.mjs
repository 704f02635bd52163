// Fault scenarios 3 to 5 (tests/fault/fault.mjs): tools that throw, hang and allocate, 10,000
// abandoned sessions, and the soak.
import { Conn, now } from './http1.mjs';
import { stopServer, rssKb, sleep } from './server.mjs';
import { checkToolResult, mcpHeaders, nextId, openSession, replyOf, rpc, toolCall, toolText, initializeMessage } from './mcp.mjs';
import { SOAK_SECONDS, figure, expect, mb, ms, latencySummary, range, pool, within, rssBound, launch, withSession, echoProbe } from './harness.mjs';

export async function scenarioToolFaults() {
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
  expect(thrown.isError && /An unhandled std::runtime_error was raised by the tool/.test(thrown.text ?? ''), `throws: expected an isError result, got ${JSON.stringify(thrown)}`);

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

  // As many hung handlers as worker threads, each ignoring its stop token past the limit: until
  // the limit other calls wait for a thread; past it, spare threads stand in for the stuck ones,
  // so echo is served again while the handlers still hang (asserted on that window).
  const SAT_HANG_S = 5;
  const tSat = now();
  const saturateP = Promise.all(range(THREADS).map(() => call('hangs', { seconds: SAT_HANG_S })));
  await sleep(SAT_HANG_S * 1000 - 500);
  const tSatEnd = now();
  const saturate = await saturateP;
  const satEcho = echoBetween(tSat, tSatEnd);
  const satProblems = echoProblems(tSat, tSatEnd);
  const pastLimit = echoBetween(tSat + LIMIT_S * 1000 + 300, tSatEnd);
  figure(
    `${THREADS} hung handlers = worker threads, hanging ${SAT_HANG_S} s past a ${LIMIT_S} s limit`,
    `callers answered in ${saturate.map((r) => ms(r.ms)).join(', ')}; echo meanwhile ${latencySummary(satEcho)}, ` +
      `after the limit ${latencySummary(pastLimit)}; ${satProblems.length} answered with an error: ` +
      `${[...new Set(satProblems)].map((p) => p.slice(0, 120)).join('; ') || '-'}`
  );
  expect(pastLimit.length > 0, 'echo calls were answered while the handlers hung past their limit');
  expect(pastLimit.every((x) => x < 1000), `past the limit an echo call took ${Math.max(...pastLimit).toFixed(0)} ms (spare threads should serve it)`);

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

export async function scenarioAbandonedSessions() {
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

export async function scenarioSoak() {
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
