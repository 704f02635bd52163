// Fault scenario 6 (tests/fault/fault.mjs): MCP tasks over the 2026-07-28 wire (docs/tasks.md).
//   a. 10,000 quick tasks created and abandoned with a 1 s TTL: RSS at baseline, after creating,
//      after expiry (back within the bound of scenario 4); an early id answers -32602. Diagnosis: a
//      session left to expire (its sweep calls malloc_trim) tells held memory from kept memory.
//   b. a handler that ignores cancellation: tasks/cancel makes the task `cancelled` at once, the
//      server keeps answering meanwhile, and the status stays `cancelled` after the handler returns.
//   c. SIGTERM with 20 tasks running on a Redis task store (more than the 16 task threads; every
//      create answered at once): a second server on the same Redis finds every task `failed` or
//      `cancelled` (none `working`, none missing).
import { Conn, now } from './http1.mjs';
import { haveRedis, rssKb, sleep, startRedis, stopServer, waitExit } from './server.mjs';
import { checkToolResult, mcpHeaders, modernRpc, nextId, toolCall } from './mcp.mjs';
import { WORK_DIR, figure, expect, mb, ms, latencySummary, range, within, rssBound } from './harness.mjs';
import { launch, withSession } from './harness.mjs';

const INVALID_PARAMS = -32602;
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** A keep-alive connection for 2026-07-28 requests; reopened when the server closed it. */
class ModernClient {
  constructor(port) {
    this.port = port;
    this.conn = null;
  }

  /** One request; resolves the JSON-RPC reply (result or error), throws on transport failures. */
  async call(method, params, options) {
    if (!this.conn || this.conn.closed || this.conn.peerEnded) this.conn = await Conn.open(this.port);
    try {
      const { res, reply } = await modernRpc(this.conn, method, params, options);
      if (!res.keepAlive) this.close();
      return reply;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  close() {
    this.conn?.close();
    this.conn = null;
  }
}

/** tools/call with the tasks extension; resolves the CreateTaskResult or throws with the reply. */
async function createTask(client, tool, args, options) {
  const reply = await client.call('tools/call', { name: tool, arguments: args }, options);
  const r = reply.result;
  if (r?.resultType !== 'task' || typeof r.taskId !== 'string') {
    throw new Error(`${tool}: not a task: ${JSON.stringify(reply).slice(0, 300)}`);
  }
  return r;
}

const getTask = (client, taskId) => client.call('tasks/get', { taskId });
const statusOf = (reply) => reply.result?.status ?? `error ${reply.error?.code}`;
const short = (x) => String(JSON.stringify(x)).slice(0, 300);
const noTasks = () => ({ ids: [], errors: ['did not finish in 60 s'], statuses: [], latencies: [] });
const tally = (values) => {
  const out = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
};
const tallyText = (t) =>
  Object.entries(t)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ') || 'none';

/** Polls tasks/get until the task is terminal or `limitMs` passed; resolves the last reply. */
async function untilTerminal(client, taskId, limitMs) {
  const deadline = now() + limitMs;
  for (;;) {
    const reply = await getTask(client, taskId);
    if (TERMINAL.has(reply.result?.status) || reply.error || now() > deadline) return reply;
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------------
// a. 10,000 tasks created and abandoned

async function tasksAbandoned() {
  const N = 10000;
  const TTL_S = 1;
  const WIDTH = 8;
  const srv = await launch('s6a-tasks-ttl', {
    ARCADE_TASK_DEFAULT_TTL_SECONDS: String(TTL_S),
    ARCADE_TASK_MAX_TOTAL: '20000',
    ARCADE_TASK_MAX_PER_CALLER: '20000',
    MCP_TRANSPORT_SESSION_TIMEOUT_SECONDS: '2', // the diagnosis below lets one session expire
  });
  const port = srv.port;

  // n quick tasks (task_sleep 0 ms) over WIDTH keep-alive connections; ids in answer order.
  const create = async (n) => {
    const out = { ids: [], errors: [], statuses: [], latencies: [] };
    let next = 0;
    await Promise.all(
      range(WIDTH).map(async () => {
        const client = new ModernClient(port);
        while (next < n) {
          next++;
          const t = now();
          try {
            const made = await createTask(client, 'task_sleep', { ms: 0 });
            out.latencies.push(now() - t);
            out.ids.push(made.taskId);
            out.statuses.push(made.status);
          } catch (err) {
            out.errors.push(err.message);
          }
        }
        client.close();
      })
    );
    return out;
  };
  // Whether a sample of 20 ids (spread over the list) all answer -32602 (expired and swept).
  const goneAll = async (ids) => {
    const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 20)) === 0).slice(0, 20);
    const client = new ModernClient(port);
    try {
      for (const id of sample) if ((await getTask(client, id)).error?.code !== INVALID_PARAMS) return false;
      return true;
    } finally {
      client.close();
    }
  };

  // Warm-up: 500 tasks, expired, so that the task pool's threads and what a first burst leaves
  // are in the baseline (as scenario 4 does with sessions).
  const warm = await create(500);
  for (let i = 0; i < 20 && !(await goneAll(warm.ids)); i++) await sleep(250);
  await sleep(1200);
  const baseline = rssKb(srv.pid);
  const bound = rssBound(baseline);

  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKb(srv.pid) ?? 0)), 100);
  const t0 = now();
  const made = await within(create(N), 60000, noTasks());
  const createMs = now() - t0;
  clearInterval(sampler);
  const afterCreate = rssKb(srv.pid);
  peak = Math.max(peak, afterCreate);

  // Past the TTL, one more task makes the store sweep the expired ones; then RSS is sampled.
  await sleep(TTL_S * 1000 + 500);
  const t1 = now();
  const sweepErrors = [];
  const sweeper = new ModernClient(port);
  await createTask(sweeper, 'task_sleep', { ms: 0 }).catch((err) => sweepErrors.push(err.message));
  let afterExpiry = null;
  let returnedMs = null;
  const series = [];
  while (now() - t1 < 10000) {
    await sleep(500);
    afterExpiry = rssKb(srv.pid);
    series.push(afterExpiry);
    if (afterExpiry <= bound) {
      returnedMs = now() - t1;
      break;
    }
    if (series.length >= 7 && series.slice(-7).every((x) => x === afterExpiry)) break; // flat for 3 s
  }
  const early = made.ids.length ? await getTask(sweeper, made.ids[0]) : null;
  const gone = await goneAll(made.ids);

  // Diagnosis: is the memory still held by something, or free but kept by the allocator? A session
  // left to expire makes the session sweep call malloc_trim(0), which hands free memory back to
  // the OS; what stays above the bound after that is held (a leak).
  const probe = await withSession(port, async (_c, s) => s);
  const sessionGone = async () => {
    const conn = await Conn.open(port);
    try {
      const body = JSON.stringify({ jsonrpc: '2.0', id: nextId(), method: 'ping' });
      return (await conn.request({ headers: mcpHeaders(probe), body })).status === 404;
    } finally {
      conn.close();
    }
  };
  // 2 s idle timeout, swept every second; a ping to a live session restarts its idle time.
  let expiredSession = false;
  for (let i = 0; i < 3 && !expiredSession; i++) {
    await sleep(3200);
    expiredSession = await sessionGone();
  }
  await sleep(300);
  const afterTrim = rssKb(srv.pid);
  const perTask = Math.round(((afterTrim - baseline) * 1024) / N);

  // Still serving tasks: a new one runs to completed with its result inlined.
  const last = await createTask(sweeper, 'task_sleep', { ms: 10 })
    .then((t) => untilTerminal(sweeper, t.taskId, 5000))
    .catch((err) => ({ error: { message: err.message } }));
  sweeper.close();

  const rate = Math.round(made.ids.length / (createMs / 1000));
  figure(
    'a. tasks created (task_sleep 0 ms, TTL 1 s)',
    `${made.ids.length}/${N} in ${ms(createMs)} (${rate}/s, ${WIDTH} connections), errors ${made.errors.length}; ` +
      `status in the answer: ${tallyText(tally(made.statuses))}`
  );
  figure('a. create latency', latencySummary(made.latencies));
  figure('a. RSS baseline / peak while creating / after creating', [baseline, peak, afterCreate].map(mb).join(' / '));
  figure(
    'a. RSS after expiry',
    `${mb(afterExpiry)} ` +
      (returnedMs !== null ? `(within bound ${ms(returnedMs)} after the sweeping create)` : '(not within bound)') +
      `; bound ${mb(bound)} = max(baseline + 25 %, baseline + 4 MB)`
  );
  figure('a. RSS series after the sweeping create (0.5 s steps)', series.map((k) => (k / 1024).toFixed(1)).join(' '));
  const earlyText = early?.error
    ? `error ${early.error.code} ${early.error.message}`
    : `result ${short(early?.result)}`;
  figure('a. tasks/get of the first task after expiry', early ? earlyText : 'no task');
  figure(
    'a. diagnosis: RSS after a session expired (its sweep calls malloc_trim)',
    `${expiredSession ? mb(afterTrim) : 'the session did not expire'}; ${perTask} bytes per abandoned task over ` +
      `the baseline (${afterTrim <= bound ? 'free memory the allocator kept' : 'still held'})`
  );
  const lastText = last.result?.result?.content?.[0]?.text;
  const lastStatus = last.result ? `${last.result.status}: ${lastText ?? '-'}` : `error ${short(last.error)}`;
  figure('a. a new task afterwards', lastStatus);

  const allErrors = [...warm.errors, ...made.errors, ...sweepErrors];
  const someErrors = [...new Set(allErrors)].slice(0, 3).join('; ');
  expect(allErrors.length === 0, `task creation errors (${allErrors.length}): ${someErrors}`);
  expect(made.ids.length === N, `only ${made.ids.length} of ${N} tasks were created`);
  expect(
    returnedMs !== null,
    `RSS did not return within ${mb(bound)} after the tasks expired (last ${mb(afterExpiry)}, baseline ${mb(baseline)})`
  );
  expect(early?.error?.code === INVALID_PARAMS, `tasks/get of the first task after expiry: ${short(early)}`);
  expect(gone, 'a sample of 20 expired tasks: some still answered other than -32602');
  expect(expiredSession, 'diagnosis: the probe session did not expire within 10 s');
  expect(
    afterTrim <= bound,
    `RSS after malloc_trim still ${mb(afterTrim)} (bound ${mb(bound)}; ${perTask} bytes per task): ` +
      'memory of expired tasks is still held'
  );
  expect(last.result?.status === 'completed' && lastText === 'slept', `a new task afterwards: ${short(last)}`);
  const stop = await stopServer(srv);
  expect(stop.code === 0, `s6a: exit code ${stop.code} signal ${stop.signal}`);
}

// ---------------------------------------------------------------------------------------------
// b. A handler that ignores cancellation

async function tasksStubborn() {
  const HANDLER_MS = 3000;
  const srv = await launch('s6b-stubborn', { ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN: '1' });
  const port = srv.port;
  const session = await withSession(port, async (_c, s) => s);

  // Echo calls on a 2025-11-25 session for the whole part.
  const echo = { stop: false, samples: [], errors: [] };
  const echoLoop = (async () => {
    const conn = await Conn.open(port);
    while (!echo.stop) {
      const id = nextId();
      const text = `e${id}`;
      const t = now();
      try {
        const body = JSON.stringify(toolCall(id, 'echo', { message: text }));
        const res = await conn.request({ headers: mcpHeaders(session), body, timeoutMs: 5000 });
        echo.samples.push({ at: t, ms: now() - t, problem: checkToolResult(res, id, text) });
      } catch (err) {
        echo.errors.push(err.message);
        break;
      }
      await sleep(20);
    }
    conn.close();
  })();

  const client = new ModernClient(port);
  const other = new ModernClient(port);
  await sleep(300);
  const tCreate = now();
  const made = await createTask(client, 'task_stubborn', { ms: HANDLER_MS });
  const id = made.taskId;
  await sleep(300);
  const before = await getTask(client, id);
  const tCancel = now();
  const cancelled = await client.call('tasks/cancel', { taskId: id });
  const cancelMs = now() - tCancel;
  const right = await getTask(client, id);
  const rightMs = now() - tCancel;

  // Meanwhile (the handler still sleeps): another task runs to completed on the task pool.
  const tOther = now();
  const otherEnd = await createTask(other, 'task_sleep', { ms: 100 })
    .then((t) => untilTerminal(other, t.taskId, 5000))
    .catch((err) => ({ error: { message: err.message } }));
  const otherMs = now() - tOther;
  const midway = await getTask(client, id);
  const midwayAt = now() - tCreate;

  // The handler's end: its access-log line (info), or HANDLER_MS + 1.5 s after the create.
  let handlerMs = null;
  while (now() < tCreate + HANDLER_MS + 1500) {
    const m = /tool call tool=task_stubborn .*duration_ms=([\d.]+)/.exec(srv.log());
    if (m) {
      handlerMs = Number(m[1]);
      break;
    }
    await sleep(100);
  }
  if (handlerMs !== null) await sleep(200); // its outcome is stored right after the log line
  const after = await getTask(client, id);
  const afterAt = now() - tCreate;
  echo.stop = true;
  await within(echoLoop, 8000);
  client.close();
  other.close();

  const echoMs = echo.samples.filter((s) => s.at >= tCreate).map((s) => s.ms);
  const echoProblems = echo.samples.filter((s) => s.problem).map((s) => s.problem);
  figure('b. task_stubborn 3000 ms before cancel', `${statusOf(before)} (created as ${made.status})`);
  const cancelText = cancelled.error ? `error ${short(cancelled.error)}` : `resultType ${cancelled.result?.resultType}`;
  figure(
    'b. tasks/cancel',
    `${cancelText} in ${ms(cancelMs)}; tasks/get right after: ${statusOf(right)} ` +
      `(${ms(rightMs)} after the cancel was sent)`
  );
  figure(
    'b. meanwhile: another task (task_sleep 100 ms)',
    `${statusOf(otherEnd)} in ${ms(otherMs)}; the stubborn task at ${ms(midwayAt)}: ${statusOf(midway)}`
  );
  figure(
    'b. stubborn handler returned',
    handlerMs === null
      ? `no access-log line within ${HANDLER_MS + 1500} ms`
      : `after ${ms(handlerMs)} (its stop token ignored)`
  );
  figure(
    'b. tasks/get after the handler returned',
    `${statusOf(after)} at ${ms(afterAt)} after the create; result inlined: ${after.result?.result ? 'yes' : 'no'}`
  );
  const echoErrors = [...echo.errors, ...echoProblems];
  figure('b. echo during the stubborn task', `${latencySummary(echoMs)}; errors ${echoErrors.length}`);

  expect(statusOf(before) === 'working', `the stubborn task before cancel: ${short(before)}`);
  expect(cancelled.result?.resultType === 'complete', `tasks/cancel: ${short(cancelled)}`);
  expect(cancelMs < 1000, `tasks/cancel took ${ms(cancelMs)} (it must not wait for a handler ignoring its stop)`);
  expect(statusOf(right) === 'cancelled', `tasks/get right after cancel: ${short(right)}`);
  expect(statusOf(midway) === 'cancelled', `tasks/get while the handler still ran: ${short(midway)}`);
  expect(statusOf(otherEnd) === 'completed', `another task meanwhile: ${short(otherEnd)}`);
  expect(handlerMs !== null && handlerMs >= HANDLER_MS - 50, `the stubborn handler's log line: ${handlerMs}`);
  const afterOk = statusOf(after) === 'cancelled' && !after.result?.result;
  expect(afterOk, `tasks/get after the handler returned: ${short(after)}`);
  expect(echoMs.length >= 20, `only ${echoMs.length} echo calls during the stubborn task`);
  expect(echoMs.every((x) => x < 1000), `an echo call took ${ms(Math.max(...echoMs))} during the stubborn task`);
  expect(echoErrors.length === 0, `echo: ${[...new Set(echoErrors)].slice(0, 3).join('; ')}`);
  const stop = await stopServer(srv);
  expect(stop.code === 0, `s6b: exit code ${stop.code} signal ${stop.signal}`);
}

// ---------------------------------------------------------------------------------------------
// c. SIGTERM with tasks running, on a Redis task store

async function tasksShutdown() {
  const N = 20;
  const SLEEP_MS = 60000;
  const GRACE_S = 1;
  if (!expect(haveRedis(), 'c. redis-server not found (Debian package redis-server): part c not run')) return;
  const redis = await startRedis({ workDir: WORK_DIR, name: 's6c-redis' });
  try {
    const env = {
      ARCADE_TASK_STORE: `redis://127.0.0.1:${redis.port}/0`,
      ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN: String(GRACE_S),
      ARCADE_USER_ID: 'fault-tasks@example.com', // the same caller on both servers
    };
    const first = await launch('s6c-redis-first', env);
    // N creates at once, each on its own connection; a create is answered at once (docs/tasks.md),
    // so CREATE_LIMIT_MS is generous. With 16 task threads, 4 handlers wait for a thread.
    const CREATE_LIMIT_MS = 5000;
    const created = await Promise.all(
      range(N).map(async () => {
        const one = new ModernClient(first.port);
        const t = now();
        try {
          const made = await createTask(one, 'task_sleep', { ms: SLEEP_MS }, { timeoutMs: CREATE_LIMIT_MS });
          return { id: made.taskId, ms: now() - t };
        } catch (err) {
          return { error: err.message, ms: now() - t };
        } finally {
          one.close();
        }
      })
    );
    const ids = created.filter((c) => c.id).map((c) => c.id);
    const errors = created.filter((c) => c.error).map((c) => c.error);
    const createMs = created.filter((c) => c.id).map((c) => c.ms);
    await sleep(500); // the handlers start
    const client = new ModernClient(first.port);
    const before = [];
    for (const id of ids) {
      before.push(statusOf(await getTask(client, id).catch((err) => ({ error: { code: err.message } }))));
    }
    client.close();

    const tSig = now();
    first.kill('SIGTERM');
    const exit = await waitExit(first, (GRACE_S + 8) * 1000);
    const exitMs = exit ? exit.at - tSig : null;
    if (!exit) await stopServer(first, { graceMs: 100 });

    const second = await launch('s6c-redis-second', env);
    const reader = new ModernClient(second.port);
    const tRead = now();
    const after = [];
    const reasons = [];
    for (const id of ids) {
      const reply = await getTask(reader, id).catch((err) => ({ error: { code: 'transport', message: err.message } }));
      after.push(statusOf(reply));
      const why = reply.result?.error?.message ?? reply.result?.statusMessage ?? reply.error?.message;
      if (why) reasons.push(why);
    }
    const readMs = now() - tRead;
    const readAt = now() - tSig;
    reader.close();

    const afterTally = tally(after);
    figure(
      'c. tasks created on the first server (task_sleep 60 s, Redis store)',
      `${ids.length}/${N} (answered in ${latencySummary(createMs)}), errors ${errors.length}; ` +
        `status before SIGTERM: ${tallyText(tally(before))}`
    );
    const exitText = exit ? `code ${exit.code} signal ${exit.signal} after ${ms(exitMs)}` : 'did not exit (killed)';
    figure(`c. first server after SIGTERM (grace ${GRACE_S} s)`, exitText);
    // Read well within ARCADE_TASK_STALE_SECONDS (10 s): no reader has failed a task left working yet.
    figure(
      'c. second server, tasks/get of every id',
      `${tallyText(afterTally)} (read ${ms(readAt)} after SIGTERM, in ${ms(readMs)}: before the 10 s stale limit)`
    );
    figure('c. reasons', tallyText(tally(reasons)));

    const someErrors = [...new Set(errors)].slice(0, 3).join('; ');
    expect(errors.length === 0 && ids.length === N, `creating ${N} tasks: ${ids.length} created, ${someErrors}`);
    expect(before.every((s) => s === 'working'), `status before SIGTERM: ${tallyText(tally(before))}`);
    expect(exit && exit.code === 0, `first server after SIGTERM: ${exitText}`);
    expect(
      exitMs !== null && exitMs <= (GRACE_S + 4) * 1000,
      `first server exited ${exitMs === null ? 'never' : ms(exitMs)} after SIGTERM (grace ${GRACE_S} s)`
    );
    const bad = after.filter((s) => s !== 'failed' && s !== 'cancelled');
    expect(bad.length === 0, `after the restart, tasks not failed/cancelled: ${tallyText(tally(bad))}`);
    const stop = await stopServer(second);
    expect(stop.code === 0, `s6c second server: exit code ${stop.code} signal ${stop.signal}`);
  } finally {
    const stop = await stopServer(redis, { graceMs: 3000 });
    expect(stop.code === 0 && !stop.forced, `redis-server: exit code ${stop.code} signal ${stop.signal}`);
  }
}

export async function scenarioTasks() {
  await tasksAbandoned();
  await tasksStubborn();
  await tasksShutdown();
}
