// The benchmark run behind bench/run.sh (which installs, builds and then starts this with
// --tmp <dir>): starts arcade-eval-ref and the peers on free 127.0.0.1 ports, drives them with
// wrk and the same Lua scripts, reads CPU and memory from /proc, and writes the results (JSON,
// Markdown, PNG chart) into bench/results/<date>-<host>.*. Every child is stopped by PID.
//
// Peers: nginx with a fixed body (the ceiling of the load generator); the TypeScript MCP SDK 1.x
// (bench/peers/ts-sdk: ts-stateful, ts-stateless, stdio ts-sdk) and the TypeScript MCP SDK v2
// (bench/peers/ts-sdk-v2, @modelcontextprotocol/server + /node: ts-sdk-v2-stateful,
// ts-sdk-v2-stateless, stdio ts-sdk-v2), each stateful and stateless, each run through every
// workload the other TypeScript peer runs. All of them speak 2025-11-25 here (v2 also serves
// 2026-07-28 on the same endpoint; no workload of this harness sends it).
//
// ours-auth is arcade-eval-ref with front-door OAuth (MCP_RESOURCE_SERVER_CANONICAL_URL and
// MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS): bench/lib/oauth.mjs serves an RSA key's JWK Set on
// 127.0.0.1 and mints one RS256 token for the server's URL, which every request to it carries
// (client.mjs setBearer; the Lua scripts through BENCH_BEARER). It runs Echo at 1 and 32
// connections next to ours; the report shows the auth/unauth rate (the issue wants ≥ 0.85 at 32).
//
// Settings (environment; defaults in parentheses):
//   BENCH_SECONDS (10)          duration of each main workload run, at 1 and 32 connections
//   BENCH_SWEEP_SECONDS (5)     duration of each point of the connection and size sweeps
//   BENCH_SWEEP_CONNS (1 2 4 … 1024)   connection counts of the sweep
//   BENCH_SIZES (10 1024 10240 102400 1048576)  Echo message sizes in bytes
//   BENCH_SIZE_CONNS (1)        connections for the size sweep
//   BENCH_STDIO_SECONDS (5)     stdio round trips per server
//   BENCH_SESSIONS (1000)       sessions opened for RSS per session
//   BENCH_START_TRIALS (5)      fresh starts per server for start to first answer
//   BENCH_SOAK_SECONDS (60)     Echo at 32 connections on ours, RSS sampled each second (0: skip)
//   BENCH_TIMEOUT (5)           wrk --timeout in seconds (a slower answer counts as an error)
//   BENCH_MICRO_MIN_TIME (0.1)  --benchmark_min_time of the micro-benchmarks (BENCH_MICRO=0: skip)
//   BENCH_ALLOC_CALLS (20000)   heap allocations per call (issue #15): Echo calls measured on a
//                               separate arcade-eval-ref with bench/alloc/alloc_count.c preloaded
//                               (build/release/bench/alloc_count.so), per path: 2025 session,
//                               2025 stateless, 2026-07-28 (0: skip)
//   BENCH_ALLOC_WARMUP (2000)   Echo calls sent before the first reading
//   BENCH_ALLOC_CONNS (32)      requests in flight (kept-alive connections) for those calls
//   BENCH_ALLOC_WRK_SECONDS (5) the same measured with wrk -c<BENCH_ALLOC_CONNS> for that long
//                               on the 2025 session and stateless paths, as a cross-check (0: skip)
//   BENCH_ONLY=allocs           only the allocation figures: the micro-benchmarks' tools/call
//                               ones and the server's (about a minute); results go to the temp
//                               dir unless BENCH_RESULTS_DIR is set. Needs arcade-eval-ref,
//                               micro_bench and alloc_count built:
//                                 BENCH_ONLY=allocs node bench/harness.mjs
//   BENCH_ONLY=auth             only ours and ours-auth: Echo at 32, then 1 connection(s), BENCH_SECONDS
//                               each, the two servers alternated 3 times (ours, auth, ours, …) to
//                               even out the noise of a shared VM; prints req/s, p50, p99 and CPU µs
//                               per request (medians of the 3 runs) and the median auth/unauth rate
//                               (about 2 minutes; results go to the temp dir unless BENCH_RESULTS_DIR):
//                                 BENCH_SKIP_BUILD=1 BENCH_ONLY=auth node bench/harness.mjs
//   BENCH_ONLY=observe          only the cost of observability (issue 17; bench/lib/observe_bench.mjs):
//                               four arcade-eval-ref servers, Echo at 32 connections, BENCH_SECONDS
//                               each, BENCH_OBSERVE_ROUNDS (7) rounds of off, metrics
//                               (ARCADE_METRICS_PORT, /metrics scraped every second), trace100 and
//                               trace10 (OTLP/HTTP JSON to bench/lib/otlp_sink.mjs on 127.0.0.1,
//                               sampler always_on / traceidratio 0.1); prints req/s, CPU µs per
//                               request, p99 (medians) and each variant's median cost vs off in the
//                               same round against the targets (metrics < 3 %, trace10 < 10 %);
//                               writes observe-<date>-<host>.json and .md (about 6 minutes; results
//                               go to the temp dir unless BENCH_RESULTS_DIR):
//                                 BENCH_SKIP_BUILD=1 BENCH_ONLY=observe node bench/harness.mjs
//   BENCH_QUICK=1               a short smoke run (results go to the temp dir unless
//                               BENCH_RESULTS_DIR is set)
//   node bench/harness.mjs --render bench/results/<file>.json rewrites the .md, .png (and with
//   BENCH_UPDATE_README=1 the README block) from saved results without running anything.
//   BENCH_RESULTS_DIR (bench/results), BENCH_BUILD_DIR (build/release), BENCH_NOTE (free text
//   added to the notes), BENCH_UPDATE_README=1 (rewrite the marked block of README's
//   Performance section with this run's table)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, closeSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CLK_TCK, ProcessSet, cpuTicks, machineTicks, memKb, sleep } from './lib/proc.mjs';
import { echoCall, firstAnswerMs, freePort, mintWorkerToken, openSession, percentile, stdioRoundTrips } from './lib/client.mjs';
import { INITIALIZE, MCP_HEADERS, request, setBearer } from './lib/client.mjs';
import { startAuthServer } from './lib/oauth.mjs';
import { observeOnly } from './lib/observe_bench.mjs';
import { MODERN_HEADERS, driveCalls, keepAliveAgent, legacyHeaders, modernEchoCall, readAllocCount } from './lib/allocs.mjs';
import { renderAllocsConsole, renderAuthConsole, renderConsole, renderMarkdown, renderChart, updateReadme }
  from './lib/report.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(BENCH_DIR, '..');
const env = process.env;
const argv = process.argv.slice(2);
const argOf = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};

const quick = env.BENCH_QUICK === '1';
const num = (name, def) => (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : def);
const list = (name, def) => (env[name] ? env[name].split(/[\s,]+/).filter(Boolean).map(Number) : def);
const cfg = {
  quick,
  seconds: num('BENCH_SECONDS', quick ? 2 : 10),
  sweepSeconds: num('BENCH_SWEEP_SECONDS', quick ? 1 : 5),
  sweepConns: list('BENCH_SWEEP_CONNS', quick ? [1, 32, 256] : [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]),
  sizes: list('BENCH_SIZES', [10, 1024, 10240, 102400, 1048576]),
  sizeConns: num('BENCH_SIZE_CONNS', 1),
  stdioSeconds: num('BENCH_STDIO_SECONDS', quick ? 1 : 5),
  sessions: num('BENCH_SESSIONS', quick ? 100 : 1000),
  startTrials: num('BENCH_START_TRIALS', quick ? 2 : 5),
  soakSeconds: num('BENCH_SOAK_SECONDS', quick ? 3 : 60),
  timeout: num('BENCH_TIMEOUT', 5),
  micro: env.BENCH_MICRO !== '0',
  microMinTime: env.BENCH_MICRO_MIN_TIME || (quick ? '0.01' : '0.1'),
  allocCalls: num('BENCH_ALLOC_CALLS', quick ? 5000 : 20000),
  allocWarmup: num('BENCH_ALLOC_WARMUP', 2000),
  allocConns: num('BENCH_ALLOC_CONNS', 32),
  allocWrkSeconds: num('BENCH_ALLOC_WRK_SECONDS', quick ? 2 : 5),
  only: env.BENCH_ONLY || '',
  note: env.BENCH_NOTE || '',
};

const tmp = argOf('tmp') || path.join(os.tmpdir(), `arcade-bench-${process.pid}`);
mkdirSync(tmp, { recursive: true });
const runStarted = Number(argOf('started')) || Math.floor(Date.now() / 1000);
const buildDir = path.resolve(REPO, env.BENCH_BUILD_DIR || 'build/release');
const bin = (name) => path.join(buildDir, 'bin', name);
const resultsDir = path.resolve(REPO, env.BENCH_RESULTS_DIR || (quick || cfg.only ? path.join(tmp, 'results') : 'bench/results'));
const tsDir = path.join(BENCH_DIR, 'peers', 'ts-sdk');
const tsV2Dir = path.join(BENCH_DIR, 'peers', 'ts-sdk-v2');
/** The Node peers (1.x and v2 SDK): one server.mjs each, same command line (--mode, --port). */
const nodePeer = (dir, mode, port) => ({
  cmd: process.execPath,
  args: [path.join(dir, 'server.mjs'), '--mode', mode, ...(port === undefined ? [] : ['--port', String(port)])],
  env: cleanEnv({ ARCADE_USER_ID: 'bench-user' }),
  cwd: dir,
});
const luaDir = path.join(BENCH_DIR, 'lua');
const nginxBin = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'].find(existsSync) || 'nginx';

const procs = new ProcessSet(path.join(tmp, 'pids'));
let stopping = false;
/** Thrown between steps once a signal asked the run to stop: nothing is written then. */
class Stopped extends Error {}
const checkStop = () => {
  if (stopping) throw new Stopped('stopped by a signal');
};
const shutdown = async (code) => {
  if (stopping) return;
  stopping = true;
  await procs.stopAll();
  await authServer?.close();
  process.exit(code);
};
process.on('SIGINT', () => shutdown(130));
process.on('SIGTERM', () => shutdown(143));
process.on('exit', () => procs.killAllSync());

const log = (msg) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
/** Output of a short command (stdout, else stderr: `nginx -v` writes there), or null. Bounded. */
const sh = (cmd, args, opts = {}) => {
  try {
    const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000, ...opts });
    if (r.error) return null;
    return (r.stdout || '').trim() || (r.stderr || '').trim() || null;
  } catch {
    return null;
  }
};

// ---- the servers -----------------------------------------------------------------------------

const workerSecret = randomBytes(24).toString('hex');
const jwt = mintWorkerToken(workerSecret);
/** Limits raised so that the load generator is never refused (defaults: docs/security.md). */
const OURS_BENCH_ENV = {
  ARCADE_SERVER_MAX_CONNECTIONS: '4096', // default 1024: the sweep's 1,024 connections plus the harness's own
  ARCADE_SERVER_MAX_REQUESTS_PER_SESSION: '4096', // default 32: up to 1,024 connections share one session
  ARCADE_SERVER_MAX_BODY_BYTES: String(8 << 20), // default 1 MiB: the size sweep sends 1 MB messages
  ARCADE_SERVER_MAX_STRING_BYTES: String(8 << 20), // default 1 MiB: same
};

/** The caller's environment without ARCADE_* / MCP_TRANSPORT_* / MCP_RESOURCE_SERVER_* / OTEL_* settings. */
function cleanEnv(extra = {}) {
  const out = {};
  const ours = /^(ARCADE_|MCP_TRANSPORT_|MCP_RESOURCE_SERVER_|BENCH_|OTEL_)/;
  for (const [k, v] of Object.entries(env)) if (!ours.test(k)) out[k] = v;
  return { ...out, ...extra };
}

/** ours-auth's authorization server (bench/lib/oauth.mjs), started on first use, closed by shutdown(). */
let authServer = null;
const mcpUrl = (port) => `http://127.0.0.1:${port}/mcp`;

function nginxConfig(port, dir) {
  mkdirSync(dir, { recursive: true });
  const body = '{"id":"w1","jsonrpc":"2.0","result":{"content":[{"text":"hello","type":"text"}],"isError":false,"structuredContent":{"result":"hello"}}}';
  // Workers run as the current user: `user` only matters (and is only allowed) when started as root.
  const user = process.getuid() === 0 ? 'user root root;\n' : '';
  const conf = `# generated by bench/harness.mjs: 1 worker, fixed JSON body (the Echo answer of arcade-eval-ref)
daemon off;
master_process on;
worker_processes 1;
${user}pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  client_max_body_size 8m;
  server {
    listen 127.0.0.1:${port};
    default_type application/json;
    location / { return 200 '${body}'; }
  }
}
`;
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  return conf;
}

const SERVERS = {
  ours: {
    label: 'arcade-eval-ref',
    kind: 'mcp',
    stateful: true,
    command: (port, extra = {}) => ({
      cmd: bin('arcade-eval-ref'),
      args: [],
      env: cleanEnv({
        ARCADE_SERVER_TRANSPORT: 'http',
        ARCADE_SERVER_HOST: '127.0.0.1',
        ARCADE_SERVER_PORT: String(port),
        ARCADE_USER_ID: 'bench-user',
        ARCADE_WORKER_SECRET: workerSecret,
        ...OURS_BENCH_ENV,
        ...extra,
      }),
    }),
  },
  'ours-stateless': {
    label: 'arcade-eval-ref stateless',
    kind: 'mcp',
    stateful: false,
    command: (port, extra = {}) => SERVERS.ours.command(port, { ARCADE_SERVER_STATELESS: '1', ...extra }),
  },
  'ours-auth': {
    label: 'arcade-eval-ref + OAuth bearer',
    kind: 'mcp',
    stateful: true,
    oauth: true,
    // The canonical URL (the tokens' audience) names the server's own port.
    command: (port, extra = {}) => SERVERS.ours.command(port, { ...authServer.envFor(mcpUrl(port)), ...extra }),
    bearer: (port) => authServer.mint(mcpUrl(port), 7200),
  },
  nginx: {
    label: 'nginx (fixed body, 1 worker)',
    kind: 'fixed',
    stateful: false,
    command: (port) => {
      const dir = path.join(tmp, `nginx-${port}`);
      nginxConfig(port, dir);
      return { cmd: nginxBin, args: ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], env: cleanEnv() };
    },
  },
  'ts-stateful': {
    label: 'TS SDK stateful',
    kind: 'mcp',
    stateful: true,
    command: (port) => nodePeer(tsDir, 'stateful', port),
  },
  'ts-stateless': {
    label: 'TS SDK stateless',
    kind: 'mcp',
    stateful: false,
    command: (port) => nodePeer(tsDir, 'stateless', port),
  },
  'ts-sdk-v2-stateful': {
    label: 'TS SDK v2 stateful',
    kind: 'mcp',
    stateful: true,
    command: (port) => nodePeer(tsV2Dir, 'stateful', port),
  },
  'ts-sdk-v2-stateless': {
    label: 'TS SDK v2 stateless',
    kind: 'mcp',
    stateful: false,
    command: (port) => nodePeer(tsV2Dir, 'stateless', port),
  },
};
/** The stateful and stateless keys of the TypeScript peers (1.x, v2), in table order. */
const TS_STATEFUL = ['ts-stateful', 'ts-sdk-v2-stateful'];
const TS_STATELESS = ['ts-stateless', 'ts-sdk-v2-stateless'];

let logSeq = 0;
/** Starts a server on a free port and waits for its first correct answer (bounded). */
async function startServer(key, extraEnv = {}) {
  const def = SERVERS[key];
  if (def.oauth) authServer ??= await startAuthServer();
  let lastErr;
  for (let attempt = 0; attempt < 3; ++attempt) {
    const port = await freePort();
    const c = def.command(port, extraEnv);
    const bearer = def.bearer?.(port) ?? null;
    setBearer(port, bearer);
    const logPath = path.join(tmp, `${key}-${++logSeq}.log`);
    const fd = openSync(logPath, 'a');
    const t0 = performance.now();
    const child = await procs.spawn(key, c.cmd, c.args, { env: c.env, cwd: c.cwd || tmp, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    try {
      const startMs = await firstAnswerMs(port, def.kind, t0, child, 20000);
      if (def.oauth) await checkRefusesAnonymous(port);
      return { key, def, child, pid: child.pid, port, startMs, logPath, bearer };
    } catch (err) {
      lastErr = new Error(`${key}: ${err.message}; log: ${tail(logPath)}`);
      setBearer(port, null);
      await procs.stop(child);
    }
  }
  throw lastErr;
}

/** An OAuth server must refuse initialize without a token (401): else the build ignores the env. */
async function checkRefusesAnonymous(port) {
  const r = await request(port, { headers: MCP_HEADERS, body: INITIALIZE, auth: false, timeoutMs: 5000 });
  if (r.status !== 401) {
    throw new Error(`HTTP ${r.status} without a bearer token, 401 expected (no front-door OAuth in this build?)`);
  }
}

function tail(file, bytes = 600) {
  try {
    const text = readFileSync(file, 'utf8');
    return text.slice(-bytes).trim();
  } catch {
    return '';
  }
}

/** Keeps request logs from filling the disk between runs (the servers append; O_APPEND). */
function trimLog(server) {
  try {
    if (statSync(server.logPath).size > 16 << 20) truncateSync(server.logPath, 0);
  } catch {}
}

// ---- one wrk run -----------------------------------------------------------------------------

const WORKLOADS = {
  echo: { script: 'tools_call_echo.lua', session: true, title: 'tools/call Echo, session' },
  'echo-stateless': { script: 'tools_call_echo.lua', session: false, title: 'tools/call Echo, stateless' },
  list: { script: 'tools_list.lua', session: true, title: 'tools/list' },
  initialize: { script: 'initialize.lua', session: false, title: 'initialize' },
  worker: { script: 'worker_invoke.lua', session: false, path: '/worker/tools/invoke', title: 'worker invoke (JWT)' },
  'echo-nolua': { script: 'static_post.lua', session: false, title: 'fixed POST, answers unchecked' },
};

let wrkSeq = 0;
async function runWrk(server, workloadKey, conns, seconds, { phase, messageBytes, seriesEveryMs } = {}) {
  const w = WORKLOADS[workloadKey];
  const rec = {
    phase,
    server: server.key,
    workload: workloadKey,
    conns,
    seconds,
    message_bytes: messageBytes ?? null,
  };
  if (server.child.exited) return { ...rec, failed: `server exited earlier (${JSON.stringify(server.child.exitInfo)})` };
  let sid = null;
  try {
    if (w.session && server.def.stateful) sid = await openSession(server.port);
  } catch (err) {
    return { ...rec, failed: `session: ${err.message}` };
  }
  const n = ++wrkSeq;
  const out = path.join(tmp, `wrk-${n}.json`);
  const txt = path.join(tmp, `wrk-${n}.txt`);
  const wenv = cleanEnv({
    BENCH_WRK_OUT: out,
    MCP_SESSION: sid ?? '',
    BENCH_MESSAGE_BYTES: messageBytes === undefined ? '' : String(messageBytes),
    BENCH_JWT: jwt,
    BENCH_BEARER: server.bearer ?? '', // ours-auth only: bench.mcp_headers() adds Authorization
    BENCH_EXPECT_SESSION: workloadKey === 'initialize' && server.def.stateful ? '1' : '0',
  });
  const args = ['-t1', `-c${conns}`, `-d${seconds}s`, '--latency', '--timeout', `${cfg.timeout}s`, '-s', path.join(luaDir, w.script), `http://127.0.0.1:${server.port}${w.path || '/mcp'}`];
  const ticks0 = cpuTicks(server.pid);
  const m0 = machineTicks();
  const rss0 = memKb(server.pid);
  let rssMax = rss0;
  let wrkTicks = 0;
  const series = [];
  const t0 = performance.now();
  const fd = openSync(txt, 'w');
  const wrk = await procs.spawn('wrk', 'wrk', args, { env: wenv, cwd: tmp, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let lastSeries = 0;
  const sampler = setInterval(() => {
    const r = memKb(server.pid);
    if (r > rssMax) rssMax = r;
    const wt = cpuTicks(wrk.pid);
    if (wt > wrkTicks) wrkTicks = wt;
    if (seriesEveryMs && performance.now() - lastSeries >= seriesEveryMs) {
      lastSeries = performance.now();
      series.push({ t: Math.round(lastSeries - t0) / 1000, rss_kb: r });
    }
  }, 100);
  const finished = await procs.waitExit(wrk, seconds * 1000 + 60000);
  clearInterval(sampler);
  if (!finished) await procs.stop(wrk);
  else procs.forget(wrk);
  const wall = (performance.now() - t0) / 1000;
  const ticks1 = cpuTicks(server.pid);
  const m1 = machineTicks();
  const rss1 = memKb(server.pid);
  if (rss1 > rssMax) rssMax = rss1;
  trimLog(server);
  if (!finished) return { ...rec, failed: `wrk did not finish in time (killed): ${tail(txt, 300)}` };
  let s;
  try {
    s = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    return { ...rec, failed: `wrk wrote no summary: ${tail(txt, 400)}` };
  }
  const serverTicks = ticks1 - ticks0;
  const machineBusy = m1.busy - m0.busy;
  const machineTotal = m1.total - m0.total;
  const secs = s.duration_us / 1e6;
  const socketErrors = s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout;
  Object.assign(rec, {
    requests: s.requests,
    rps: s.requests / secs,
    mb_per_s: s.bytes / secs / 1e6,
    p50_ms: s.latency_us.p50 / 1000,
    p90_ms: s.latency_us.p90 / 1000,
    p99_ms: s.latency_us.p99 / 1000,
    max_ms: s.latency_us.max / 1000,
    checked: s.checked,
    wrong: s.bad,
    socket_errors: s.errors,
    errors: s.bad + socketErrors,
    first_wrong: s.first_bad || null,
    server_cpu_s: serverTicks / CLK_TCK,
    cpu_s_per_10k: s.requests ? (serverTicks / CLK_TCK / s.requests) * 10000 : null,
    wrk_cpu_s: wrkTicks / CLK_TCK,
    other_cpu_pct: machineTotal ? Math.max(0, ((machineBusy - serverTicks - wrkTicks) / machineTotal) * 100) : null,
    rss_start_kb: rss0,
    rss_end_kb: rss1,
    rss_max_kb: rssMax,
    wall_s: wall,
  });
  if (series.length) rec.rss_series = series;
  if (server.child.exited) rec.failed = `server exited during the run (${JSON.stringify(server.child.exitInfo)}); log: ${tail(server.logPath)}`;
  const flag = rec.errors ? `  ERRORS ${rec.errors}${rec.first_wrong ? ` (first wrong: ${rec.first_wrong.slice(0, 120)})` : ''}` : '';
  log(`${server.key.padEnd(19)} ${workloadKey.padEnd(14)} c=${String(conns).padEnd(4)}${messageBytes !== undefined ? ` ${messageBytes} B` : ''} ${Math.round(rec.rps)} req/s p50 ${rec.p50_ms.toFixed(2)} ms p99 ${rec.p99_ms.toFixed(2)} ms cpu/10k ${rec.cpu_s_per_10k?.toFixed(3)} s${flag}`);
  await sleep(300);
  return rec;
}

// ---- phases ----------------------------------------------------------------------------------

function machineInfo() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
  const mem = /^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
  let compiler = null;
  try {
    const cache = readFileSync(path.join(buildDir, 'CMakeCache.txt'), 'utf8');
    const cxx = /^CMAKE_CXX_COMPILER:\w+=(.+)$/m.exec(cache)?.[1];
    const flags = /^CMAKE_CXX_FLAGS_RELEASE:\w+=(.*)$/m.exec(cache)?.[1];
    const type = /^CMAKE_BUILD_TYPE:\w+=(.*)$/m.exec(cache)?.[1];
    compiler = `${(sh(cxx, ['--version']) || cxx).split('\n')[0]} (${type}, ${flags})`;
  } catch {}
  const lock = JSON.parse(readFileSync(path.join(tsDir, 'package-lock.json'), 'utf8'));
  const lockV2 = JSON.parse(readFileSync(path.join(tsV2Dir, 'package-lock.json'), 'utf8'));
  const gitHead = sh('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD']);
  const dirty = (sh('git', ['-C', REPO, 'status', '--porcelain', '--untracked-files=no']) || '').length > 0;
  return {
    host: os.hostname().split('.')[0],
    cpu_model: model,
    cores: os.cpus().length,
    memory_gb: mem ? Math.round(Number(mem) / 1048576 * 10) / 10 : null,
    kernel: `${os.type()} ${os.release()}`,
    os: /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readText('/etc/os-release') || '')?.[1] ?? null,
    compiler,
    node: process.version,
    nginx: (sh(nginxBin, ['-v']) || '').replace(/^nginx version: /, ''),
    wrk: (sh('wrk', ['-v']) || '').split('\n')[0].replace(/\s*Copyright.*$/, ''),
    ts_sdk: lock.packages['node_modules/@modelcontextprotocol/sdk']?.version,
    express: lock.packages['node_modules/express']?.version,
    ts_sdk_v2_server: lockV2.packages['node_modules/@modelcontextprotocol/server']?.version,
    ts_sdk_v2_node: lockV2.packages['node_modules/@modelcontextprotocol/node']?.version,
    git: gitHead ? `${gitHead}${dirty ? ' (working tree has uncommitted changes)' : ''}` : null,
  };
}

function readText(p) {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

function loadSnapshot() {
  const load = (readText('/proc/loadavg') || '').split(' ').slice(0, 3).join(' ');
  const top = (sh('ps', ['-eo', 'pid,pcpu,etimes,comm', '--sort=-pcpu', '--no-headers']) || '')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4 && Number(f[1]) >= 5 && Number(f[0]) !== process.pid)
    .slice(0, 6)
    .map((f) => `${f.slice(3).join(' ')} (${f[1]}%)`);
  return { loadavg: load, busy_processes: top };
}

function sizes() {
  const binary = bin('arcade-eval-ref');
  const out = { binary_bytes: null, binary_stripped_bytes: null, image: null };
  try {
    out.binary_bytes = statSync(binary).size;
    const stripped = path.join(tmp, 'arcade-eval-ref.stripped');
    sh('strip', ['-o', stripped, binary]);
    out.binary_stripped_bytes = statSync(stripped).size;
  } catch {}
  // The container image, if one was built here (deploy/docker/README.md): buildah's private store
  // of deploy/docker/test-image.sh, then a Docker daemon. Otherwise n/a.
  const cache = env.ARCADE_IMAGE_TEST_CACHE || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'arcade-mcp-cpp');
  if (existsSync(path.join(cache, 'containers', 'storage'))) {
    const r = sh('buildah', ['--root', path.join(cache, 'containers', 'storage'), '--runroot', path.join(cache, 'containers', 'run'), '--storage-driver', 'vfs',
      'images', '--json', 'arcade-eval-ref:test'], { timeout: 30000 });
    try {
      const img = JSON.parse(r)[0];
      if (img?.size) out.image = { size: img.size, created: img.createdatraw || img.createdat, source: 'buildah store of deploy/docker/test-image.sh, arcade-eval-ref:test' };
    } catch {
      // no such image, or no buildah
    }
  }
  if (!out.image) {
    const r = sh('docker', ['image', 'inspect', '--format', '{{.Size}}|{{.Created}}', 'arcade-eval-ref'], { timeout: 10000 });
    if (r && /^\d+\|/.test(r)) {
      const [size, created] = r.split('|');
      out.image = { size: `${(Number(size) / 1e6).toFixed(1)} MB`, created, source: 'docker image arcade-eval-ref' };
    }
  }
  return out;
}

/** The micro-benchmarks (all, or those matching `filter`), with their allocation counters. */
async function microBenchmarks(filter) {
  const exe = bin('micro_bench');
  if (!cfg.micro) return { skipped: 'BENCH_MICRO=0' };
  if (!existsSync(exe)) return { skipped: `${exe} not built` };
  const out = path.join(tmp, 'micro.json');
  const fd = openSync(path.join(tmp, 'micro.log'), 'w');
  const args = [`--benchmark_min_time=${cfg.microMinTime}`, `--benchmark_out=${out}`, '--benchmark_out_format=json', ...(filter ? [`--benchmark_filter=${filter}`] : [])];
  const child = await procs.spawn('micro_bench', exe, args, { cwd: tmp, stdio: ['ignore', 'ignore', fd] });
  closeSync(fd);
  const done = await procs.waitExit(child, 600000);
  if (!done) {
    await procs.stop(child);
    return { skipped: 'micro_bench did not finish within 600 s' };
  }
  procs.forget(child);
  try {
    const j = JSON.parse(readFileSync(out, 'utf8'));
    return {
      min_time: cfg.microMinTime,
      filter: filter ?? null,
      benchmarks: j.benchmarks.map((b) => ({
        name: b.name,
        real_ns: b.time_unit === 'ns' ? b.real_time : b.time_unit === 'us' ? b.real_time * 1e3 : b.time_unit === 'ms' ? b.real_time * 1e6 : b.real_time,
        cpu_ns: b.time_unit === 'ns' ? b.cpu_time : b.time_unit === 'us' ? b.cpu_time * 1e3 : b.time_unit === 'ms' ? b.cpu_time * 1e6 : b.cpu_time,
        iterations: b.iterations,
        bytes_per_second: b.bytes_per_second ?? null,
        // Heap allocations per iteration (bench/alloc_counter.hpp); absent from older builds.
        allocs_per_call: b.allocs_per_call ?? null,
        alloc_bytes_per_call: b.alloc_bytes_per_call ?? null,
        malloc_per_call: b.malloc_per_call ?? null,
        error: b.error_message ?? null,
      })),
    };
  } catch (err) {
    return { skipped: `micro_bench wrote no results (exit ${JSON.stringify(child.exitInfo)}): ${tail(path.join(tmp, 'micro.log'), 300)}` };
  }
}

async function startupTrials(results) {
  for (const key of ['ours', 'nginx', ...TS_STATEFUL, ...TS_STATELESS]) {
    const ms = [];
    for (let i = 0; i < cfg.startTrials; ++i) {
      try {
        const s = await startServer(key);
        ms.push(s.startMs);
        await procs.stop(s.child);
      } catch (err) {
        results.failures.push(`start ${key}: ${err.message}`);
        break;
      }
    }
    const sorted = [...ms].sort((a, b) => a - b);
    results.startup[key] = { trials_ms: ms, median_ms: percentile(sorted, 50), min_ms: sorted[0] ?? null };
    log(`start to first answer ${key}: ${ms.map((x) => x.toFixed(1)).join(', ')} ms`);
  }
}

async function stdioPhase(results) {
  const defs = {
    ours: { cmd: bin('arcade-eval-ref'), args: [], env: cleanEnv({ ARCADE_SERVER_TRANSPORT: 'stdio', ARCADE_USER_ID: 'bench-user' }), cwd: tmp },
    'ts-sdk': nodePeer(tsDir, 'stdio'),
    'ts-sdk-v2': nodePeer(tsV2Dir, 'stdio'),
  };
  for (const [key, d] of Object.entries(defs)) {
    const logPath = path.join(tmp, `stdio-${key}.log`);
    const fd = openSync(logPath, 'a');
    const t0 = performance.now();
    let child;
    try {
      child = await procs.spawn(`stdio-${key}`, d.cmd, d.args, { env: d.env, cwd: d.cwd, stdio: ['pipe', 'pipe', fd] });
      closeSync(fd);
      child.stdin.on('error', () => {});
      const cpu0 = cpuTicks(child.pid);
      const r = await Promise.race([
        stdioRoundTrips(child, t0, cfg.stdioSeconds),
        sleep((cfg.stdioSeconds + 60) * 1000).then(() => {
          throw new Error('stdio run did not finish in time');
        }),
      ]);
      const cpu = (cpuTicks(child.pid) - cpu0) / CLK_TCK;
      const sorted = r.latenciesUs.sort((a, b) => a - b);
      results.stdio[key] = {
        start_ms: r.startMs,
        round_trips: r.roundTrips,
        per_s: r.roundTrips / r.seconds,
        p50_us: percentile(sorted, 50),
        p99_us: percentile(sorted, 99),
        max_us: sorted[sorted.length - 1],
        wrong: r.wrong,
        cpu_s_per_10k: r.roundTrips ? (cpu / r.roundTrips) * 10000 : null,
        rss_kb: memKb(child.pid),
      };
      log(`stdio ${key}: ${Math.round(results.stdio[key].per_s)} round trips/s, p50 ${(results.stdio[key].p50_us / 1000).toFixed(3)} ms, wrong ${r.wrong}, start ${r.startMs.toFixed(1)} ms`);
    } catch (err) {
      try {
        closeSync(fd);
      } catch {}
      results.failures.push(`stdio ${key}: ${err.message}; log: ${tail(logPath)}`);
    } finally {
      if (child) {
        child.stdin.end();
        await procs.stop(child);
      }
    }
  }
}

async function sessionsPhase(results) {
  const n = cfg.sessions;
  for (const key of ['ours', ...TS_STATEFUL]) {
    let s;
    try {
      s = await startServer(key, { MCP_TRANSPORT_MAX_SESSIONS: String(n + 100), MCP_TRANSPORT_MAX_SESSIONS_PER_CLIENT: String(n + 100) });
      await sleep(500);
      const before = memKb(s.pid);
      const t0 = performance.now();
      const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
      const ids = new Set();
      for (let i = 0; i < n; i += 8) {
        const batch = [];
        for (let j = i; j < Math.min(n, i + 8); ++j) batch.push(openSession(s.port, { agent }));
        for (const id of await Promise.all(batch)) ids.add(id);
      }
      agent.destroy();
      const openMs = performance.now() - t0;
      await sleep(1000);
      const after = memKb(s.pid);
      results.sessions[key] = { sessions: ids.size, rss_before_kb: before, rss_after_kb: after, per_session_kb: (after - before) / ids.size, open_ms: openMs };
      log(`RSS per session ${key}: ${((after - before) / ids.size).toFixed(2)} KB (${ids.size} sessions, ${before} -> ${after} KB)`);
    } catch (err) {
      results.failures.push(`sessions ${key}: ${err.message}`);
    } finally {
      if (s) await procs.stop(s.child);
    }
  }
}

// ---- heap allocations per call on the server (issue #15) -------------------------------------

/** The paths measured: the server instance each runs on, and its wrk workload for the cross-check. */
const ALLOC_PATHS = [
  { key: 'echo', server: 'ours', title: 'tools/call Echo, 2025-11-25 session', session: true, wrk: 'echo' },
  { key: 'echo-stateless', server: 'ours-stateless', title: 'tools/call Echo, 2025-11-25 stateless', wrk: 'echo-stateless' },
  { key: 'echo-2026', server: 'ours', title: 'tools/call Echo, 2026-07-28 request', modern: true },
];

/**
 * Starts arcade-eval-ref (and a stateless one) with bench/alloc/alloc_count.c preloaded, separate
 * from the throughput instances; per path: BENCH_ALLOC_WARMUP Echo calls, a reading (SIGUSR2),
 * BENCH_ALLOC_CALLS Echo calls with BENCH_ALLOC_CONNS in flight over connections opened during
 * the warm-up, a reading; allocations per call = difference / calls. Then 1 s idle and a third
 * reading (background allocations, not subtracted), and the wrk cross-check. Every wait is bounded.
 */
async function allocsPhase() {
  const shim = path.join(buildDir, 'bench', 'alloc_count.so');
  if (cfg.allocCalls <= 0) return { skipped: 'BENCH_ALLOC_CALLS=0' };
  if (!existsSync(shim)) return { skipped: `${shim} not built (cmake --build --preset release --target alloc_count)` };
  const res = {
    shim: path.relative(REPO, shim).startsWith('..') ? shim : path.relative(REPO, shim),
    counts: 'malloc, calloc, realloc, aligned_alloc, posix_memalign, memalign, valloc, pvalloc calls (operator new included), every thread',
    calls: cfg.allocCalls,
    warmup: cfg.allocWarmup,
    conns: cfg.allocConns,
    client: `node:http, keep-alive, ${cfg.allocConns} requests in flight, every answer checked`,
    paths: [],
    wrk: [],
    failures: [],
  };
  const wrkThere = sh('wrk', ['-v']) !== null;
  for (const serverKey of ['ours', 'ours-stateless']) {
    checkStop();
    const file = path.join(tmp, `allocs-${serverKey}.txt`);
    let s;
    try {
      s = await startServer(serverKey, { LD_PRELOAD: shim, ALLOC_COUNT_FILE: file });
      await readAllocCount(s.pid, file);
      for (const p of ALLOC_PATHS.filter((x) => x.server === serverKey)) {
        checkStop();
        const agent = keepAliveAgent(cfg.allocConns);
        try {
          const sid = p.session ? await openSession(s.port) : null;
          const make = p.modern ? (id) => ({ headers: MODERN_HEADERS, body: modernEchoCall(id) }) : (id) => ({ headers: legacyHeaders(sid), body: echoCall(id) });
          const warm = await driveCalls(s.port, { total: cfg.allocWarmup, conns: cfg.allocConns, agent, make, idPrefix: 'warm' });
          await sleep(200); // the logger's batch and other tails of the warm-up
          const c1 = await readAllocCount(s.pid, file);
          const openedBefore = agent.opened;
          const run = await driveCalls(s.port, { total: cfg.allocCalls, conns: cfg.allocConns, agent, make, idPrefix: 'm' });
          await sleep(200);
          const c2 = await readAllocCount(s.pid, file);
          await sleep(1000);
          const c3 = await readAllocCount(s.pid, file);
          const rec = {
            path: p.key,
            title: p.title,
            server: serverKey,
            requests: run.requests,
            allocations: c2 - c1,
            per_call: (c2 - c1) / run.requests,
            seconds: run.seconds,
            rps: run.requests / run.seconds,
            wrong: run.wrong + warm.wrong,
            first_wrong: run.first_wrong ?? warm.first_wrong,
            connections_opened: agent.opened - openedBefore,
            idle_allocs_per_s: c3 - c2,
          };
          res.paths.push(rec);
          log(`allocations ${p.key.padEnd(15)} ${rec.per_call.toFixed(1)} per call (${rec.allocations} for ${rec.requests} calls, ${Math.round(rec.rps)} req/s, wrong ${rec.wrong}, new connections ${rec.connections_opened}, idle ${rec.idle_allocs_per_s}/s)`);
          if (rec.wrong) res.failures.push(`allocs ${p.key}: ${rec.wrong} wrong answers; first: ${rec.first_wrong}`);
        } catch (err) {
          if (err instanceof Stopped) throw err;
          res.failures.push(`allocs ${p.key}: ${err.message}`);
          log(`FAILED allocations ${p.key}: ${err.message}`);
        } finally {
          agent.destroy();
        }
      }
      for (const p of ALLOC_PATHS.filter((x) => x.server === serverKey && x.wrk)) {
        if (cfg.allocWrkSeconds <= 0 || !wrkThere) break;
        checkStop();
        try {
          const c1 = await readAllocCount(s.pid, file);
          const r = await runWrk(s, p.wrk, cfg.allocConns, cfg.allocWrkSeconds, { phase: 'allocs' }); // ends with 300 ms of rest
          const c2 = await readAllocCount(s.pid, file);
          if (r.failed) throw new Error(r.failed);
          res.wrk.push({ path: p.key, title: p.title, server: serverKey, conns: cfg.allocConns, seconds: cfg.allocWrkSeconds, requests: r.requests, allocations: c2 - c1, per_call: (c2 - c1) / r.requests, rps: r.rps, errors: r.errors });
          log(`allocations ${p.key.padEnd(15)} ${((c2 - c1) / r.requests).toFixed(1)} per call with wrk -c${cfg.allocConns} (${c2 - c1} for ${r.requests} requests, errors ${r.errors})`);
        } catch (err) {
          if (err instanceof Stopped) throw err;
          res.failures.push(`allocs wrk ${p.key}: ${err.message}`);
        }
      }
    } catch (err) {
      if (err instanceof Stopped) throw err;
      res.failures.push(`allocs ${serverKey}: ${err.message}`);
      log(`FAILED allocations on ${serverKey}: ${err.message}`);
    } finally {
      if (s) {
        if (s.child.exited) res.failures.push(`allocs: ${serverKey} exited: ${JSON.stringify(s.child.exitInfo)}; log: ${tail(s.logPath)}`);
        await procs.stop(s.child);
      }
    }
  }
  return res;
}

/** BENCH_ONLY=allocs: the micro-benchmarks' tools/call ones and allocsPhase, nothing else. */
async function allocsOnly() {
  const results = {
    schema: 'arcade-mcp-cpp bench 1',
    only: 'allocs',
    started_at: new Date(runStarted * 1000).toISOString(),
    config: cfg,
    machine: machineInfo(),
    load_before: loadSnapshot(),
    failures: [],
  };
  if (!existsSync(bin('arcade-eval-ref'))) throw new Error(`${bin('arcade-eval-ref')} is missing: build first (cmake --build --preset release)`);
  log('micro-benchmarks: tools/call with allocations per call');
  results.micro = await microBenchmarks('AllocCounter|ToolsCall');
  checkStop();
  log(`heap allocations per call on the server (${cfg.allocCalls} Echo calls per path, ${cfg.allocConns} in flight)`);
  results.allocs = await allocsPhase();
  results.failures.push(...(results.allocs.failures ?? []));
  results.finished_at = new Date().toISOString();
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `allocs-${results.started_at.slice(0, 10)}-${results.machine.host}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${renderAllocsConsole(results)}\n\nresults: ${file}\n`);
}

/**
 * BENCH_ONLY=auth: ours and ours-auth only, Echo at 32 then 1 connection(s), cfg.seconds per run,
 * alternated AUTH_ROUNDS times (ours, ours-auth, ours, ours-auth, …) so that a slow patch of the
 * machine hits both; the table gives the medians and the median of the rounds' auth/unauth rates.
 */
const AUTH_ROUNDS = 3;
async function authOnly() {
  const results = {
    schema: 'arcade-mcp-cpp bench 1',
    only: 'auth',
    started_at: new Date(runStarted * 1000).toISOString(),
    config: { ...cfg, rounds: AUTH_ROUNDS, ours_env: OURS_BENCH_ENV },
    machine: machineInfo(),
    load_before: loadSnapshot(),
    servers: {},
    runs: [],
    failures: [],
  };
  const busy = results.load_before.busy_processes;
  log(`load ${results.load_before.loadavg}${busy.length ? `; busy processes: ${busy.join(', ')}` : ''}`);
  if (!existsSync(bin('arcade-eval-ref'))) throw new Error(`${bin('arcade-eval-ref')} is missing: build first`);
  const servers = {};
  for (const key of ['ours', 'ours-auth']) {
    servers[key] = await startServer(key); // a failure (e.g. no 401 without a token) ends the run
    results.servers[key] = { label: servers[key].def.label, port: servers[key].port, start_ms: servers[key].startMs };
  }
  log(`issuer ${authServer.issuer}; Echo, ${cfg.seconds} s per run, ${AUTH_ROUNDS} rounds of ours then ours-auth`);
  for (const conns of [32, 1]) {
    for (let round = 1; round <= AUTH_ROUNDS; ++round) {
      for (const key of ['ours', 'ours-auth']) {
        checkStop();
        const r = await runWrk(servers[key], 'echo', conns, cfg.seconds, { phase: 'auth' });
        r.round = round;
        if (r.failed) results.failures.push(`${key} echo c=${conns} round ${round}: ${r.failed}`);
        results.runs.push(r);
      }
    }
  }
  for (const [key, s] of Object.entries(servers)) {
    results.servers[key].rss_end_kb = memKb(s.pid);
    if (s.child.exited) results.failures.push(`${key} exited during the run: ${JSON.stringify(s.child.exitInfo)}`);
    await procs.stop(s.child);
  }
  results.load_after = loadSnapshot();
  results.finished_at = new Date().toISOString();
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `auth-${results.started_at.slice(0, 10)}-${results.machine.host}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${renderAuthConsole(results)}\n\nresults: ${file}\n`);
}

// ---- main ------------------------------------------------------------------------------------

async function main() {
  const results = {
    schema: 'arcade-mcp-cpp bench 1',
    started_at: new Date(runStarted * 1000).toISOString(),
    config: { ...cfg, ours_env: OURS_BENCH_ENV, wrk: `wrk -t1 -c<N> -d<S>s --latency --timeout ${cfg.timeout}s -s bench/lua/<script>.lua` },
    machine: machineInfo(),
    load_before: loadSnapshot(),
    sizes: sizes(),
    startup: {},
    stdio: {},
    sessions: {},
    servers: {},
    runs: [],
    failures: [],
  };
  log(`machine: ${results.machine.cpu_model}, ${results.machine.cores} cores, ${results.machine.kernel}; load ${results.load_before.loadavg}`);
  if (results.load_before.busy_processes.length) log(`busy processes now: ${results.load_before.busy_processes.join(', ')}`);
  if (!existsSync(bin('arcade-eval-ref'))) throw new Error(`${bin('arcade-eval-ref')} is missing: build first (cmake --build --preset release)`);

  log('micro-benchmarks');
  results.micro = await microBenchmarks();
  checkStop();
  log('heap allocations per call on the server (issue #15)');
  results.allocs = await allocsPhase();
  results.failures.push(...(results.allocs.failures ?? []));
  checkStop();
  log('start to first correct answer');
  await startupTrials(results);
  checkStop();
  log('stdio round trips');
  await stdioPhase(results);
  checkStop();
  log(`RSS per open session (${cfg.sessions} sessions)`);
  await sessionsPhase(results);

  checkStop();
  log('starting the servers for the load runs');
  const servers = {};
  for (const key of Object.keys(SERVERS)) {
    try {
      servers[key] = await startServer(key);
    } catch (err) {
      results.failures.push(`start ${key}: ${err.message}`);
      log(`FAILED to start ${key}: ${err.message}`);
    }
  }
  await sleep(1000);
  for (const [key, s] of Object.entries(servers)) {
    results.servers[key] = { label: s.def.label, pid: s.pid, port: s.port, start_ms: s.startMs, rss_idle_kb: memKb(s.pid) };
  }
  const run = async (key, workload, conns, seconds, opts) => {
    checkStop();
    if (!servers[key]) return;
    const r = await runWrk(servers[key], workload, conns, seconds, opts);
    checkStop();
    if (r.failed) {
      results.failures.push(`${key} ${workload} c=${conns}: ${r.failed}`);
      log(`FAILED ${key} ${workload} c=${conns}: ${r.failed}`);
    }
    results.runs.push(r);
  };

  log(`main workloads (${cfg.seconds} s each, 1 and 32 connections)`);
  for (const conns of [1, 32]) {
    for (const key of ['nginx', 'ours', 'ours-auth', ...TS_STATEFUL]) {
      await run(key, 'echo', conns, cfg.seconds, { phase: 'main' });
    }
    for (const key of ['ours-stateless', ...TS_STATELESS]) await run(key, 'echo-stateless', conns, cfg.seconds, { phase: 'main' });
    for (const key of ['ours', ...TS_STATEFUL]) await run(key, 'list', conns, cfg.seconds, { phase: 'main' });
    await run('ours', 'worker', conns, cfg.seconds, { phase: 'main' });
  }
  await run('nginx', 'echo-nolua', 32, cfg.seconds, { phase: 'main' });

  log(`connection sweep (${cfg.sweepSeconds} s per point)`);
  for (const key of ['nginx', 'ours', 'ours-stateless', ...TS_STATEFUL, ...TS_STATELESS]) {
    for (const conns of cfg.sweepConns) await run(key, key.endsWith('stateless') ? 'echo-stateless' : 'echo', conns, cfg.sweepSeconds, { phase: 'conn-sweep' });
  }

  log(`argument size sweep (${cfg.sweepSeconds} s per point, ${cfg.sizeConns} connections)`);
  for (const key of ['ours', ...TS_STATEFUL]) {
    for (const bytes of cfg.sizes) await run(key, 'echo', cfg.sizeConns, cfg.sweepSeconds, { phase: 'size-sweep', messageBytes: bytes });
  }

  if (cfg.soakSeconds > 0) {
    log(`soak: ours, Echo at 32 connections for ${cfg.soakSeconds} s, RSS each second`);
    await run('ours', 'echo', 32, cfg.soakSeconds, { phase: 'soak', seriesEveryMs: 1000 });
  }

  // Last: initialize opens a session per request on stateful servers (the TS SDKs keep them all).
  log('initialize');
  for (const conns of [1, 32]) {
    for (const key of ['ours', 'ours-stateless', ...TS_STATEFUL, ...TS_STATELESS]) await run(key, 'initialize', conns, cfg.seconds, { phase: 'main' });
  }

  for (const [key, s] of Object.entries(servers)) {
    results.servers[key].rss_peak_kb = memKb(s.pid, 'VmHWM');
    results.servers[key].rss_end_kb = memKb(s.pid);
    if (s.child.exited) results.failures.push(`${key} exited during the run: ${JSON.stringify(s.child.exitInfo)}; log: ${tail(s.logPath)}`);
    await procs.stop(s.child);
  }
  checkStop();
  results.load_after = loadSnapshot();
  results.finished_at = new Date().toISOString();
  results.runtime_s = Math.round(Date.now() / 1000 - runStarted);

  // ---- output --------------------------------------------------------------------------------
  mkdirSync(resultsDir, { recursive: true });
  const date = results.started_at.slice(0, 10);
  const base = path.join(resultsDir, `${date}-${results.machine.host}`);
  results.files = { json: `${base}.json`, markdown: `${base}.md`, chart: `${base}.png` };
  const chart = renderChart(results, base + '.png', tmp);
  if (!chart.ok) {
    results.failures.push(`chart: ${chart.error}`);
    results.files.chart = null;
  }
  const rel = (p) => (p && !path.relative(REPO, p).startsWith('..') ? path.relative(REPO, p) : p);
  writeFileSync(`${base}.md`, renderMarkdown(results, { rel }));
  const saved = { ...results, files: Object.fromEntries(Object.entries(results.files).map(([k, v]) => [k, rel(v)])) };
  writeFileSync(`${base}.json`, `${JSON.stringify(saved, null, 2)}\n`);
  process.stdout.write(`\n${renderConsole(results)}\n`);
  if (env.BENCH_UPDATE_README === '1') {
    const r = updateReadme(path.join(REPO, 'README.md'), results, { rel });
    log(r.ok ? 'README.md: Performance block updated' : `README.md not updated: ${r.error}`);
  }
  process.stdout.write(`\nresults: ${rel(`${base}.json`)}\n         ${rel(`${base}.md`)}\n`);
  process.stdout.write(`chart:   ${results.files.chart ? rel(results.files.chart) : 'not written (see failures)'}\n`);
  process.stdout.write(`runtime: ${results.runtime_s} s\n`);
}

/** --render <results.json>: writes the Markdown, chart and console table again from saved results. */
async function render(file) {
  const results = JSON.parse(readFileSync(file, 'utf8'));
  const base = file.replace(/\.json$/, '');
  results.files = { json: file, markdown: `${base}.md`, chart: results.files?.chart ? `${base}.png` : null };
  const rel = (p) => (p && !path.relative(REPO, p).startsWith('..') ? path.relative(REPO, p) : p);
  const chart = renderChart(results, `${base}.png`, tmp);
  if (!chart.ok) log(`chart: ${chart.error}`);
  writeFileSync(`${base}.md`, renderMarkdown(results, { rel }));
  process.stdout.write(`${renderConsole(results)}\n`);
  if (env.BENCH_UPDATE_README === '1') {
    const r = updateReadme(path.join(REPO, 'README.md'), results, { rel });
    log(r.ok ? 'README.md: Performance block updated' : `README.md not updated: ${r.error}`);
  }
}

/** BENCH_ONLY=observe: bench/lib/observe_bench.mjs, with the harness's servers, wrk runs and readings. */
const observe = () =>
  observeOnly({
    cfg, log, checkStop, startServer, runWrk, machineInfo, loadSnapshot, resultsDir, runStarted,
    stopServer: (server) => procs.stop(server.child),
    oursEnv: OURS_BENCH_ENV,
  });

const ONLY = { allocs: allocsOnly, auth: authOnly, observe };
const job = () => {
  if (argOf('render')) return render(path.resolve(argOf('render')));
  if (!cfg.only) return main();
  if (ONLY[cfg.only]) return ONLY[cfg.only]();
  return Promise.reject(new Error(`BENCH_ONLY=${cfg.only}: only ${Object.keys(ONLY).join(', ')} are known`));
};
job()
  .then(() => shutdown(0))
  .catch(async (err) => {
    if (stopping || err instanceof Stopped) return; // shutdown() exits
    process.stderr.write(`bench failed: ${err.stack || err}\n`);
    await shutdown(1);
  });
