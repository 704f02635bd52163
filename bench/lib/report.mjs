// Turns the results object of bench/harness.mjs into the console table, the Markdown copy, the
// gnuplot chart and (on request) the marked block of README's Performance section.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SERVER_ORDER = ['ours', 'ours-auth', 'ours-stateless', 'nginx', 'ts-stateful', 'ts-stateless',
  'ts-sdk-v2-stateful', 'ts-sdk-v2-stateless'];
const LABELS = {
  ours: 'arcade-eval-ref',
  'ours-auth': 'arcade-eval-ref + OAuth bearer',
  'ours-stateless': 'arcade-eval-ref stateless',
  nginx: 'nginx, fixed body',
  'ts-stateful': 'TS SDK stateful',
  'ts-stateless': 'TS SDK stateless',
  'ts-sdk': 'TS SDK',
  'ts-sdk-v2-stateful': 'TS SDK v2 stateful',
  'ts-sdk-v2-stateless': 'TS SDK v2 stateless',
  'ts-sdk-v2': 'TS SDK v2',
};
/** The TypeScript peers compared in the ratios: [stateful key, stateless key, name]. */
const TS_PEERS = [
  ['ts-stateful', 'ts-stateless', 'TS SDK'],
  ['ts-sdk-v2-stateful', 'ts-sdk-v2-stateless', 'TS SDK v2'],
];
const WORKLOAD_ORDER = ['echo', 'echo-stateless', 'list', 'initialize', 'worker', 'echo-nolua'];
const WORKLOAD_TITLES = {
  echo: 'tools/call Echo (session)',
  'echo-stateless': 'tools/call Echo (stateless)',
  list: 'tools/list',
  initialize: 'initialize',
  worker: 'worker invoke + JWT',
  'echo-nolua': 'fixed POST, no Lua check',
};

const label = (k) => LABELS[k] || k;
const int = (x) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const ms = (x) => (x === null || x === undefined ? 'n/a' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US'));
const mb = (kb) => (kb === null || kb === undefined ? 'n/a' : (kb / 1024).toFixed(1));
const fixed = (x, d = 3) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(a / b < 10 ? 2 : 1)}×` : 'n/a');

function errorsText(r) {
  if (r.failed) return `FAILED`;
  if (!r.errors) return '0';
  const parts = [];
  if (r.wrong) parts.push(`${r.wrong} wrong`);
  for (const k of ['connect', 'read', 'write', 'timeout']) if (r.socket_errors?.[k]) parts.push(`${r.socket_errors[k]} ${k}`);
  return `${r.errors} (${parts.join(', ')})`;
}

export function find(results, server, workload, conns, phase = 'main') {
  return results.runs.find((r) => r.server === server && r.workload === workload && r.conns === conns && r.phase === phase && !r.failed);
}

function mainRows(results) {
  const rows = results.runs.filter((r) => r.phase === 'main');
  return rows.sort(
    (a, b) =>
      WORKLOAD_ORDER.indexOf(a.workload) - WORKLOAD_ORDER.indexOf(b.workload) ||
      a.conns - b.conns ||
      SERVER_ORDER.indexOf(a.server) - SERVER_ORDER.indexOf(b.server),
  );
}

/** The issue's bound for OAuth: authenticated Echo at 32 connections keeps ≥ 85 % of the rate without. */
export const AUTH_MIN_RATE = 0.85;
/** Rate of ours-auth over ours (same workload and connections) in the main phase, or null. */
function authRate(results, workload, conns) {
  const a = find(results, 'ours-auth', workload, conns);
  const u = find(results, 'ours', workload, conns);
  return a && u ? a.rps / u.rps : null;
}
/** The server cell: ours-auth's label carries its auth/unauth rate. */
function serverCell(results, r) {
  if (r.server !== 'ours-auth') return label(r.server);
  const rate = authRate(results, r.workload, r.conns);
  return `${label(r.server)} (auth/unauth rate ${rate == null ? 'n/a' : `${rate.toFixed(2)}×`})`;
}

const MAIN_HEAD = ['workload', 'server', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'CPU s/10k req', 'RSS max MB'];
function mainCells(r, results) {
  return [WORKLOAD_TITLES[r.workload] || r.workload, serverCell(results, r), String(r.conns), int(r.rps),
    ms(r.p50_ms), ms(r.p99_ms), ms(r.max_ms), errorsText(r), fixed(r.cpu_s_per_10k), mb(r.rss_max_kb)];
}

const FOOT_HEAD = ['server', 'start to first answer ms (median, min)', 'RSS idle MB', 'RSS peak MB', 'RSS per open session KB'];
function footprintRows(results) {
  return SERVER_ORDER.filter((k) => results.servers[k]).map((k) => {
    const s = results.servers[k];
    const st = results.startup[k];
    const start = st?.median_ms != null ? `${ms(st.median_ms)} (${ms(st.min_ms)})` : `${ms(s.start_ms)} (1 start)`;
    const sess = results.sessions[k];
    return [label(k), start, mb(s.rss_idle_kb), mb(s.rss_peak_kb), sess ? fixed(sess.per_session_kb, 2) : '—'];
  });
}

export function ratios(results) {
  const out = [];
  const add = (what, a, b) => out.push({ what, value: a && b ? a / b : null });
  // A peer absent from the results (older runs have no v2) adds no lines rather than n/a ones.
  const peers = TS_PEERS.filter(([sf, sl]) => results.servers?.[sf] || results.servers?.[sl] || results.runs.some((r) => r.server === sf || r.server === sl));
  for (const c of [1, 32]) {
    const ours = find(results, 'ours', 'echo', c);
    add(`Echo req/s at ${c} conn, ours / nginx`, ours?.rps, find(results, 'nginx', 'echo', c)?.rps);
    for (const [sf, , name] of peers) {
      add(`Echo req/s at ${c} conn, ours / ${name} stateful`, ours?.rps, find(results, sf, 'echo', c)?.rps);
      add(`Echo p99 at ${c} conn, ${name} stateful / ours`, find(results, sf, 'echo', c)?.p99_ms, ours?.p99_ms);
    }
  }
  for (const c of [1, 32]) {
    if (!find(results, 'ours-auth', 'echo', c)) continue; // runs before the OAuth row have none
    const wanted = c === 32 ? `; wanted ≥ ${AUTH_MIN_RATE}` : '';
    add(`Echo req/s at ${c} conn, auth/unauth rate (OAuth bearer / none${wanted})`,
      find(results, 'ours-auth', 'echo', c)?.rps, find(results, 'ours', 'echo', c)?.rps);
  }
  for (const [, sl, name] of peers) add(`stateless Echo req/s at 32 conn, ours / ${name} stateless`, find(results, 'ours-stateless', 'echo-stateless', 32)?.rps, find(results, sl, 'echo-stateless', 32)?.rps);
  for (const [sf, , name] of peers) add(`tools/list req/s at 32 conn, ours / ${name} stateful`, find(results, 'ours', 'list', 32)?.rps, find(results, sf, 'list', 32)?.rps);
  for (const [sf, , name] of peers) add(`initialize req/s at 32 conn, ours / ${name} stateful`, find(results, 'ours', 'initialize', 32)?.rps, find(results, sf, 'initialize', 32)?.rps);
  add('worker invoke req/s at 32 conn, ours / nginx', find(results, 'ours', 'worker', 32)?.rps, find(results, 'nginx', 'echo', 32)?.rps);
  add('CPU per request at 32 conn, ours / nginx', find(results, 'ours', 'echo', 32)?.cpu_s_per_10k, find(results, 'nginx', 'echo', 32)?.cpu_s_per_10k);
  for (const [sf, , name] of peers) add(`CPU per request at 32 conn, ours / ${name} stateful`, find(results, 'ours', 'echo', 32)?.cpu_s_per_10k, find(results, sf, 'echo', 32)?.cpu_s_per_10k);
  add('RSS idle, ours / nginx', results.servers.ours?.rss_idle_kb, results.servers.nginx?.rss_idle_kb);
  for (const [sf, , name] of peers) add(`RSS idle, ours / ${name} stateful`, results.servers.ours?.rss_idle_kb, results.servers[sf]?.rss_idle_kb);
  add('start to first answer, ours / nginx', results.startup.ours?.median_ms, results.startup.nginx?.median_ms);
  for (const [sf, , name] of peers) add(`start to first answer, ours / ${name} stateful`, results.startup.ours?.median_ms, results.startup[sf]?.median_ms);
  // v2 against 1.x, both measured in this run: > 1 means v2 is faster (req/s) or larger (RSS).
  if (peers.length === TS_PEERS.length) {
    add('Echo req/s at 32 conn, TS SDK v2 stateful / TS SDK stateful', find(results, 'ts-sdk-v2-stateful', 'echo', 32)?.rps, find(results, 'ts-stateful', 'echo', 32)?.rps);
    add('stateless Echo req/s at 32 conn, TS SDK v2 stateless / TS SDK stateless', find(results, 'ts-sdk-v2-stateless', 'echo-stateless', 32)?.rps, find(results, 'ts-stateless', 'echo-stateless', 32)?.rps);
    add('RSS idle, TS SDK v2 stateful / TS SDK stateful', results.servers['ts-sdk-v2-stateful']?.rss_idle_kb, results.servers['ts-stateful']?.rss_idle_kb);
  }
  return out;
}

/** The issue's targets, each with the measured figure: { what, target, measured, met }. */
export function targets(results) {
  const t = [];
  const echo32 = find(results, 'ours', 'echo', 32);
  const nginx32 = find(results, 'nginx', 'echo', 32);
  const ts32 = find(results, 'ts-stateful', 'echo', 32);
  const worker32 = find(results, 'ours', 'worker', 32);
  const push = (what, target, measured, met) => t.push({ what, target, measured, met: measured === 'n/a' ? null : met });
  push('Echo at 32 conn vs nginx', '≥ 50%', echo32 && nginx32 ? `${((echo32.rps / nginx32.rps) * 100).toFixed(0)}%` : 'n/a', echo32 && nginx32 && echo32.rps >= 0.5 * nginx32.rps);
  push('Echo at 32 conn vs TS SDK stateful', '≥ 30×', echo32 && ts32 ? `${(echo32.rps / ts32.rps).toFixed(1)}×` : 'n/a', echo32 && ts32 && echo32.rps >= 30 * ts32.rps);
  push('Echo p99 at 32 conn', '< 2 ms', echo32 ? `${ms(echo32.p99_ms)} ms` : 'n/a', echo32 && echo32.p99_ms < 2);
  push('worker invoke at 32 conn vs nginx', '≥ 40%', worker32 && nginx32 ? `${((worker32.rps / nginx32.rps) * 100).toFixed(0)}%` : 'n/a', worker32 && nginx32 && worker32.rps >= 0.4 * nginx32.rps);
  const idle = results.servers.ours?.rss_idle_kb;
  push('RSS idle', '< 10 MB', idle ? `${mb(idle)} MB` : 'n/a', idle && idle < 10 * 1024);
  const soak = results.runs.find((r) => r.phase === 'soak' && !r.failed && r.rss_series?.length);
  if (soak) {
    const warm = soak.rss_series.find((p) => p.t >= Math.min(10, soak.seconds / 3)) || soak.rss_series[0];
    const last = soak.rss_series[soak.rss_series.length - 1];
    const growth = last.rss_kb - warm.rss_kb;
    push(`RSS flat under ${soak.seconds} s of load (after ${warm.t.toFixed(0)} s warm-up)`, 'no growth', `${mb(warm.rss_kb)} → ${mb(last.rss_kb)} MB (${growth >= 0 ? '+' : ''}${growth} KB)`, growth <= 256);
  } else push('RSS flat under load', 'no growth', 'n/a', null);
  const sess = results.sessions.ours?.per_session_kb;
  push('RSS per idle session', '< 4 KB', sess != null ? `${sess.toFixed(2)} KB` : 'n/a', sess != null && sess < 4);
  const start = results.startup.ours?.median_ms;
  push('start to first correct answer', '< 20 ms', start != null ? `${ms(start)} ms` : 'n/a', start != null && start < 20);
  return t;
}

function notes(results) {
  const n = [];
  const main = results.runs.filter((r) => !r.failed && r.other_cpu_pct != null);
  if (main.length) {
    const avg = main.reduce((a, r) => a + r.other_cpu_pct, 0) / main.length;
    const max = Math.max(...main.map((r) => r.other_cpu_pct));
    n.push(`CPU used by other processes during the wrk runs (machine busy time minus server and wrk): ${avg.toFixed(0)}% of the machine on average, ${max.toFixed(0)}% at most. Figures taken while other work ran are lower than on an idle machine.`);
  }
  n.push(`Load average before: ${results.load_before.loadavg}${results.load_before.busy_processes.length ? `; busy processes: ${results.load_before.busy_processes.join(', ')}` : ''}. After: ${results.load_after?.loadavg ?? 'n/a'}${results.load_after?.busy_processes?.length ? `; busy: ${results.load_after.busy_processes.join(', ')}` : ''}.`);
  const nolua = find(results, 'nginx', 'echo-nolua', 32);
  const lua = find(results, 'nginx', 'echo', 32);
  if (nolua && lua) {
    const cost = nolua.rps > lua.rps * 1.1 ? ` (the checking costs the load generator ${Math.round((1 - lua.rps / nolua.rps) * 100)}% of nginx's rate)` : ' (no cost of the checking visible in this run)';
    n.push(`Against nginx at 32 connections wrk (one thread) reaches ${int(lua.rps)} req/s with the checking Lua script and ${int(nolua.rps)} req/s with a static request and no checks${cost}. wrk and the servers share the ${results.machine.cores} cores.`);
  }
  n.push('Every answer of every checked run is checked by the Lua script (status, echoed text, no JSON-RPC error); "errors" counts wrong answers plus socket errors (connect, read, write, timeouts after the wrk --timeout).');
  if (results.machine?.ts_sdk_v2_server) {
    n.push("The TS SDK stateful peers (1.x and v2) keep every session until it is deleted, as the SDK's simpleStreamableHttp example does: their peak RSS includes the sessions the initialize workload opened (one per request).");
    n.push('arcade-eval-ref runs with its default log level (info: one line per tool call, to a file); the TS SDK peers log nothing; nginx has access_log off.');
  } else {
    n.push("The TS SDK stateful peer keeps every session until it is deleted, as the SDK's simpleStreamableHttp example does: its peak RSS includes the sessions the initialize workload opened (one per request).");
    n.push('arcade-eval-ref runs with its default log level (info: one line per tool call, to a file); the TS SDK peer logs nothing; nginx has access_log off.');
  }
  if (results.servers?.['ours-auth']) {
    n.push('arcade-eval-ref + OAuth bearer: the same server with front-door OAuth (MCP_RESOURCE_SERVER_CANONICAL_URL, '
      + 'MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS) against a local JWK Set (bench/lib/oauth.mjs, RSA-2048); every '
      + 'request carries the same RS256 bearer token, verified once and then found in the server\'s token cache.');
  }
  if (results.config.quick) n.push('BENCH_QUICK=1: a short smoke run, not representative.');
  if (results.config.note) n.push(results.config.note);
  return n;
}

// ---- heap allocations per call (issue #15) ----------------------------------------------------

/** What micro_bench's tools/call benchmarks measure (names without BM_ and /real_time). */
const MICRO_CALLS = {
  ToolsCallLegacySessionEcho: 'Echo, 2025-11-25 session (dispatcher, in-process, log off)',
  ToolsCallLegacySession: 'Add, 2025-11-25 session (dispatcher, in-process, log off)',
  DispatcherToolsCall: 'Add, 2025-11-25 session (dispatcher, in-process, access log on)',
  ToolsCallModernRequestEcho: 'Echo, 2026-07-28 request (dispatcher, in-process, log off)',
  ToolsCallModernRequest: 'Add, 2026-07-28 request (dispatcher, in-process, log off)',
  AllocCounterCalibration: 'calibration: 1 operator new + 1 malloc (must read 2)',
};
export const ALLOC_TARGET = 15;
const ALLOC_HEAD = ['path', 'measured', 'calls', 'allocations', 'per call', 'bytes per call'];
const perCall = (x) => (x === null || x === undefined ? 'n/a' : x < 100 ? x.toFixed(2) : x.toFixed(1));

/** Rows of the allocation table: the server's figures (node client, wrk), then micro_bench's. */
function allocRows(results) {
  const rows = [];
  const a = results.allocs;
  for (const p of a?.paths ?? []) {
    rows.push([p.title, `server under load (${a.conns} in flight${p.connections_opened ? `, ${p.connections_opened} new connections` : ''}${p.wrong ? `, ${p.wrong} WRONG` : ''})`, int(p.requests), int(p.allocations), perCall(p.per_call), 'n/a']);
  }
  for (const w of a?.wrk ?? []) {
    rows.push([w.title, `server under load (wrk -c${w.conns}, ${w.seconds} s${w.errors ? `, ${w.errors} errors` : ''})`, int(w.requests), int(w.allocations), perCall(w.per_call), 'n/a']);
  }
  const micro = (results.micro?.benchmarks ?? []).filter((b) => b.allocs_per_call != null && MICRO_CALLS[b.name.replace(/^BM_/, '').replace(/\/real_time$/, '')]);
  for (const b of micro) {
    const key = b.name.replace(/^BM_/, '').replace(/\/real_time$/, '');
    rows.push([MICRO_CALLS[key], `micro_bench ${b.name}`, int(b.iterations), 'n/a', perCall(b.allocs_per_call), int(b.alloc_bytes_per_call)]);
  }
  return rows;
}

/** The issue's target against the server's 2025 session Echo figure (else the micro one). */
function allocTarget(results) {
  const server = results.allocs?.paths?.find((p) => p.path === 'echo');
  const micro = results.micro?.benchmarks?.find((b) => b.name.startsWith('BM_ToolsCallLegacySessionEcho'));
  const measured = server ? server.per_call : micro?.allocs_per_call;
  if (measured == null) return null;
  const where = server ? 'server under load' : 'micro_bench, in-process';
  return { what: `heap allocations per Echo tools/call, 2025-11-25 session (${where})`, target: `≤ ${ALLOC_TARGET}`, measured: perCall(measured), met: measured <= ALLOC_TARGET };
}

function allocNotes(results) {
  const a = results.allocs;
  const n = [];
  if (a?.skipped) n.push(`Server figures not measured: ${a.skipped}.`);
  if (a?.paths?.length) {
    n.push(`Server: a separate arcade-eval-ref (and a stateless one) with ${a.shim} preloaded (LD_PRELOAD), which counts ${a.counts}; read with SIGUSR2 before and after ${int(a.calls)} Echo calls ("hello") sent after ${int(a.warmup)} warm-up calls over the same kept-alive connections (${a.client}). Default log level (info: one access-log line per call), as in the load runs. Not subtracted: allocations of idle background work, ${a.paths.map((p) => `${p.path} ${p.idle_allocs_per_s}/s`).join(', ')} measured over 1 s after each run.`);
  }
  if (a?.wrk?.length) n.push('wrk cross-check: counted from before the session is opened to 300 ms after wrk ends, divided by the answers wrk counted (up to one request per connection may be cut off at the end).');
  if ((results.micro?.benchmarks ?? []).some((b) => b.allocs_per_call != null)) {
    n.push('micro_bench: every operator new plus every direct malloc-family call of one iteration, on every thread (bench/alloc_counter.cpp): parse the request text, dispatch (the handler runs inline), serialize the reply. No HTTP, no session table, no event stream.');
  }
  return n;
}

/** The allocation section alone (console; BENCH_ONLY=allocs prints just this). */
export function renderAllocsConsole(results) {
  const out = [];
  const rows = allocRows(results);
  out.push(`heap allocations per call (issue #15), ${results.started_at.slice(0, 10)}${results.machine ? `, ${results.machine.host}` : ''}:`);
  out.push(rows.length ? textTable(ALLOC_HEAD, rows) : '  none measured');
  const t = allocTarget(results);
  if (t) out.push(`target (issue #15): ${t.met ? 'MET ' : 'MISS'}  ${t.what}: ${t.measured} (target ${t.target})`);
  for (const n of allocNotes(results)) out.push(`note: ${n}`);
  if (results.only && results.failures?.length) out.push(`failures: ${results.failures.join(' | ')}`);
  return out.join('\n');
}

/** BENCH_ONLY=auth: medians per server and connections, and the median of the rounds' auth/unauth rates. */
export function renderAuthConsole(results) {
  const median = (xs) => {
    const v = xs.filter((x) => x != null).sort((a, b) => a - b);
    if (!v.length) return null;
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const ok = results.runs.filter((r) => !r.failed);
  const conns = [...new Set(results.runs.map((r) => r.conns))];
  const rows = [];
  const rates = [];
  for (const c of conns) {
    for (const key of ['ours', 'ours-auth']) {
      const rs = ok.filter((r) => r.server === key && r.conns === c);
      rows.push([label(key), String(c), int(median(rs.map((r) => r.rps))), rs.map((r) => int(r.rps)).join(' '),
        fixed(median(rs.map((r) => r.p50_ms))), fixed(median(rs.map((r) => r.p99_ms))),
        fixed(median(rs.map((r) => r.cpu_s_per_10k * 100)), 1), String(rs.reduce((a, r) => a + r.errors, 0))]);
    }
    const perRound = [...new Set(ok.map((r) => r.round))].map((round) => {
      const u = ok.find((r) => r.server === 'ours' && r.conns === c && r.round === round);
      const a = ok.find((r) => r.server === 'ours-auth' && r.conns === c && r.round === round);
      return u && a ? a.rps / u.rps : null;
    });
    rates.push({ conns: c, perRound, median: median(perRound) });
  }
  const x = (v) => (v == null ? 'n/a' : `${v.toFixed(3)}×`);
  const out = [];
  const m = results.machine;
  out.push(`OAuth bearer vs none, tools/call Echo on a session, ${results.started_at.slice(0, 10)}, ${m.host} `
    + `(${m.cores} cores); ${results.config.seconds} s per run, ${results.config.rounds} rounds alternating `
    + 'the servers; medians of the rounds');
  const head = ['server', 'conns', 'req/s', 'req/s per round', 'p50 ms', 'p99 ms', 'CPU µs/req', 'errors'];
  out.push(textTable(head, rows));
  out.push('');
  for (const r of rates) {
    const met = r.median >= AUTH_MIN_RATE ? 'MET' : 'MISS';
    const verdict = r.conns === 32 && r.median != null ? `  ${met} (wanted ≥ ${AUTH_MIN_RATE})` : '';
    const rounds = r.perRound.map(x).join(', ');
    out.push(`auth/unauth rate at ${r.conns} conn: median ${x(r.median)} (rounds: ${rounds})${verdict}`);
  }
  out.push(`load before: ${results.load_before.loadavg}; after: ${results.load_after?.loadavg ?? 'n/a'}`);
  const other = ok.filter((r) => r.other_cpu_pct != null);
  if (other.length) {
    const avg = other.reduce((a, r) => a + r.other_cpu_pct, 0) / other.length;
    out.push(`CPU used by other processes during the runs: ${avg.toFixed(0)}% of the machine on average`);
  }
  if (results.failures.length) out.push(`failures: ${results.failures.join(' | ')}`);
  return out.join('\n');
}

function textTable(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const numeric = head.map((_, i) => rows.every((r) => /^[\d,.×()%\s—n/a-]+$/.test(String(r[i]))));
  const fmt = (r) => r.map((c, i) => (numeric[i] ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

function mdTable(head, rows) {
  const esc = (c) => String(c).replace(/\|/g, '\\|');
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function machineLine(m) {
  return `${m.cpu_model}, ${m.cores} cores, ${m.memory_gb} GB, ${m.kernel}${m.os ? ` (${m.os})` : ''}`;
}

function sizesLine(results) {
  const s = results.sizes;
  const img = s.image ? `${s.image.size} (${s.image.source}, built ${s.image.created})` : 'n/a';
  return `binary ${s.binary_bytes ? `${(s.binary_bytes / 1e6).toFixed(2)} MB (${(s.binary_stripped_bytes / 1e6).toFixed(2)} MB stripped)` : 'n/a'}; container image ${img}`;
}

function stdioRows(results) {
  return Object.entries(results.stdio).map(([k, s]) => [label(k), int(s.per_s), fixed(s.p50_us / 1000, 3), fixed(s.p99_us / 1000, 3), fixed(s.max_us / 1000, 2), String(s.wrong), fixed(s.cpu_s_per_10k), ms(s.start_ms)]);
}
const STDIO_HEAD = ['server (stdio)', 'round trips/s', 'p50 ms', 'p99 ms', 'max ms', 'wrong', 'CPU s/10k', 'start ms'];

export function renderConsole(results) {
  const out = [];
  out.push(`arcade-eval-ref benchmark, ${results.started_at.slice(0, 10)}, ${results.machine.host}: ${machineLine(results.machine)}`);
  out.push('');
  out.push(textTable(MAIN_HEAD, mainRows(results).map((r) => mainCells(r, results))));
  out.push('');
  out.push(textTable(FOOT_HEAD, footprintRows(results)));
  out.push(sizesLine(results));
  if (Object.keys(results.stdio).length) {
    out.push('');
    out.push(textTable(STDIO_HEAD, stdioRows(results)));
  }
  if (results.micro?.benchmarks) {
    out.push('');
    out.push(`micro-benchmarks (ns per operation, real time; --benchmark_min_time=${results.micro.min_time}):`);
    const cells = results.micro.benchmarks.map((b) => `${b.name.replace(/^BM_/, '')} ${b.real_ns < 1000 ? b.real_ns.toFixed(0) : int(b.real_ns)}${b.error ? ' ERROR' : ''}`);
    for (let i = 0; i < cells.length; i += 4) out.push(`  ${cells.slice(i, i + 4).join(' · ')}`);
  } else out.push(`micro-benchmarks: ${results.micro?.skipped ?? 'not run'}`);
  if (results.allocs || results.micro?.benchmarks?.some((b) => b.allocs_per_call != null)) {
    out.push('');
    out.push(renderAllocsConsole(results));
  }
  out.push('');
  out.push('ratios:');
  for (const r of ratios(results)) out.push(`  ${r.what}: ${r.value == null ? 'n/a' : `${r.value.toFixed(r.value < 10 ? 2 : 1)}×`}`);
  out.push('targets (issue #7):');
  for (const t of targets(results)) out.push(`  ${t.met == null ? 'n/a ' : t.met ? 'MET ' : 'MISS'}  ${t.what}: ${t.measured} (target ${t.target})`);
  const errors = results.runs.filter((r) => r.errors || r.failed);
  out.push(`errors: ${errors.length ? errors.map((r) => `${r.server} ${r.workload} c=${r.conns}${r.message_bytes != null ? ` ${r.message_bytes} B` : ''}: ${errorsText(r)}`).join('; ') : 'none'}`);
  if (results.failures.length) out.push(`failures: ${results.failures.join(' | ')}`);
  for (const n of notes(results)) out.push(`note: ${n}`);
  return out.join('\n');
}

function sweepTable(results) {
  const keys = SERVER_ORDER.filter((k) => results.runs.some((r) => r.phase === 'conn-sweep' && r.server === k));
  const conns = [...new Set(results.runs.filter((r) => r.phase === 'conn-sweep').map((r) => r.conns))].sort((a, b) => a - b);
  const rows = conns.map((c) => [
    String(c),
    ...keys.map((k) => {
      const r = results.runs.find((x) => x.phase === 'conn-sweep' && x.server === k && x.conns === c);
      if (!r) return 'n/a';
      if (r.failed) return 'FAILED';
      return `${int(r.rps)} / ${ms(r.p99_ms)}${r.errors ? ` (${r.errors} err)` : ''}`;
    }),
  ]);
  return mdTable(['connections', ...keys.map((k) => `${label(k)}: req/s / p99 ms`)], rows);
}

function sizeTable(results) {
  const runs = results.runs.filter((r) => r.phase === 'size-sweep');
  const keys = SERVER_ORDER.filter((k) => runs.some((r) => r.server === k));
  const sizes = [...new Set(runs.map((r) => r.message_bytes))].sort((a, b) => a - b);
  const rows = sizes.map((s) => [
    s >= 1048576 ? `${s / 1048576} MiB` : s >= 1024 ? `${s / 1024} KiB` : `${s} B`,
    ...keys.map((k) => {
      const r = runs.find((x) => x.server === k && x.message_bytes === s);
      if (!r) return 'n/a';
      if (r.failed) return 'FAILED';
      return `${int(r.rps)} / ${ms(r.p50_ms)} / ${ms(r.p99_ms)} / ${fixed(r.cpu_s_per_10k, 2)}${r.errors ? ` (${r.errors} err)` : ''}`;
    }),
  ]);
  return mdTable(['message', ...keys.map((k) => `${label(k)}: req/s / p50 ms / p99 ms / CPU s/10k`)], rows);
}

function microTable(results) {
  const m = results.micro;
  if (!m?.benchmarks) return `not run: ${m?.skipped ?? 'unknown'}`;
  const rows = m.benchmarks.map((b) => [b.name, b.real_ns < 1e4 ? b.real_ns.toFixed(1) : int(b.real_ns), b.cpu_ns < 1e4 ? b.cpu_ns.toFixed(1) : int(b.cpu_ns), int(b.iterations), b.bytes_per_second ? `${(b.bytes_per_second / 1e6).toFixed(1)} MB/s` : '', perCall(b.allocs_per_call), b.error || '']);
  return mdTable(['benchmark', 'real ns', 'CPU ns', 'iterations', 'throughput', 'allocs/iteration', 'error'], rows);
}

export function renderMarkdown(results, { rel }) {
  const m = results.machine;
  const date = results.started_at.slice(0, 10);
  const o = [];
  o.push(`# Benchmark ${date}, ${m.host}`);
  o.push('');
  o.push(`Produced by \`bench/run.sh\` (${results.runtime_s} s). Raw figures: [${path.basename(results.files.json)}](${path.basename(results.files.json)}).`);
  o.push('');
  o.push(`- Date: ${results.started_at} to ${results.finished_at}`);
  o.push(`- Machine: ${machineLine(m)}`);
  o.push(`- Compiler: ${m.compiler ?? 'n/a'}`);
  o.push(`- Commit: ${m.git ?? 'n/a'}`);
  const v2 = m.ts_sdk_v2_server ? `; TS SDK v2: @modelcontextprotocol/server ${m.ts_sdk_v2_server}, @modelcontextprotocol/node ${m.ts_sdk_v2_node}` : '';
  o.push(`- Peers: nginx ${m.nginx}; Node ${m.node}, @modelcontextprotocol/sdk ${m.ts_sdk}, express ${m.express}${v2}; load generator ${m.wrk}`);
  o.push(`- Load: \`${results.config.wrk}\`; main runs ${results.config.seconds} s, sweeps ${results.config.sweepSeconds} s per point`);
  o.push('');
  o.push('## Notes');
  o.push('');
  for (const n of notes(results)) o.push(`- ${n}`);
  o.push('');
  o.push('## Results');
  o.push('');
  o.push(mdTable(MAIN_HEAD, mainRows(results).map((r) => mainCells(r, results))));
  o.push('');
  o.push(mdTable(FOOT_HEAD, footprintRows(results)));
  o.push('');
  o.push(`Sizes: ${sizesLine(results)}.`);
  o.push('');
  o.push('RSS idle: after the first answer and 1 s of rest. RSS peak: VmHWM at the end of the run (all workloads). RSS per open session: (RSS after − before opening N sessions) / N on a fresh server. nginx figures are master + worker.');
  o.push('');
  if (Object.keys(results.stdio).length) {
    o.push('### stdio, one request at a time through a pipe (Node driver)');
    o.push('');
    o.push(mdTable(STDIO_HEAD, stdioRows(results)));
    o.push('');
  }
  o.push('### Ratios');
  o.push('');
  for (const r of ratios(results)) o.push(`- ${r.what}: ${r.value == null ? 'n/a' : `${r.value.toFixed(r.value < 10 ? 2 : 1)}×`}`);
  o.push('');
  o.push('### Targets of issue #7');
  o.push('');
  o.push(mdTable(['target', 'wanted', 'measured', 'met'], targets(results).map((t) => [t.what, t.target, t.measured, t.met == null ? 'n/a' : t.met ? 'yes' : 'no'])));
  o.push('');
  o.push('## Connection sweep (tools/call Echo)');
  o.push('');
  if (results.files.chart) o.push(`![throughput and p99 against connections](${path.basename(results.files.chart)})`);
  o.push('');
  o.push(sweepTable(results));
  o.push('');
  o.push(`## Argument size sweep (tools/call Echo, ${results.config.sizeConns} connection${results.config.sizeConns === 1 ? '' : 's'})`);
  o.push('');
  o.push(sizeTable(results));
  o.push('');
  const soak = results.runs.find((r) => r.phase === 'soak' && r.rss_series);
  if (soak) {
    o.push(`## Soak: arcade-eval-ref, Echo at 32 connections for ${soak.seconds} s`);
    o.push('');
    o.push(`${int(soak.rps)} req/s, p99 ${ms(soak.p99_ms)} ms, errors ${errorsText(soak)}. RSS (MB) each second: ${soak.rss_series.map((p) => mb(p.rss_kb)).join(' ')}`);
    o.push('');
  }
  if (results.allocs || results.micro?.benchmarks?.some((b) => b.allocs_per_call != null)) {
    o.push('## Heap allocations per call (issue #15)');
    o.push('');
    o.push(mdTable(ALLOC_HEAD, allocRows(results)));
    o.push('');
    const t = allocTarget(results);
    if (t) o.push(`Target of issue #15: ${t.what}: **${t.measured}** (wanted ${t.target}: ${t.met ? 'met' : 'not met'}).`);
    o.push('');
    for (const n of allocNotes(results)) o.push(`- ${n}`);
    o.push('');
  }
  o.push(`## Micro-benchmarks (Google Benchmark, --benchmark_min_time=${results.micro?.min_time ?? 'n/a'})`);
  o.push('');
  o.push(microTable(results));
  o.push('');
  o.push('## Settings');
  o.push('');
  o.push(`- arcade-eval-ref: Release build, HTTP on 127.0.0.1, defaults except the limits raised so the load generator is never refused: ${Object.entries(results.config.ours_env).map(([k, v]) => `\`${k}=${v}\``).join(', ')}; \`ARCADE_WORKER_SECRET\` set (worker routes on). Stateless: \`ARCADE_SERVER_STATELESS=1\`.`);
  o.push('- nginx: generated config in a temp dir, 1 worker, `access_log off`, `keepalive_requests 100000000`, `return 200` with the 136-byte Echo answer of arcade-eval-ref, run as the current user.');
  o.push('- TS SDK: `bench/peers/ts-sdk/server.mjs`, express 5, JSON answers (`enableJsonResponse`), one McpServer per session (stateful) or per request (stateless), as in the SDK\'s examples.');
  if (m.ts_sdk_v2_server) o.push('- TS SDK v2: `bench/peers/ts-sdk-v2/server.mjs`, plain node:http with the SDK\'s Host/Origin guards, JSON answers; each POST is classified by the SDK (`classifyInboundRequest`): 2025-era traffic gets one McpServer and `NodeStreamableHTTPServerTransport` per session (stateful) or per request (stateless), 2026-07-28 traffic goes to `createMcpHandler` (none is sent here).');
  o.push('- CPU s/10k req: utime + stime of the server process(es) from /proc during the run, per 10,000 requests. wrk runs with one thread on the same machine.');
  o.push('');
  const errors = results.runs.filter((r) => r.errors || r.failed);
  o.push('## Errors and failures');
  o.push('');
  if (!errors.length && !results.failures.length) o.push('None.');
  for (const r of errors) o.push(`- ${label(r.server)} ${r.workload} c=${r.conns}${r.message_bytes != null ? ` ${r.message_bytes} B` : ''}: ${r.failed ? r.failed : errorsText(r)}${r.first_wrong ? `; first wrong answer: \`${r.first_wrong.slice(0, 200).replace(/`/g, "'")}\`` : ''}`);
  for (const f of results.failures) if (!errors.some((r) => f.includes(r.failed || '\u0000'))) o.push(`- ${f}`);
  o.push('');
  return o.join('\n');
}

/** gnuplot PNG: req/s and p99 against connections (Echo) for every server. */
export function renderChart(results, pngPath, tmp) {
  const keys = SERVER_ORDER.filter((k) => results.runs.some((r) => r.phase === 'conn-sweep' && r.server === k && !r.failed));
  if (!keys.length) return { ok: false, error: 'no sweep data' };
  const files = keys.map((k) => {
    const f = path.join(tmp, `sweep-${k}.dat`);
    const rows = results.runs
      .filter((r) => r.phase === 'conn-sweep' && r.server === k && !r.failed && r.requests > 0)
      .sort((a, b) => a.conns - b.conns)
      .map((r) => `${r.conns} ${r.rps.toFixed(1)} ${r.p99_ms.toFixed(3)}`);
    writeFileSync(f, `# conns rps p99_ms\n${rows.join('\n')}\n`);
    return f;
  });
  let terminal = 'pngcairo size 1400,620 font "DejaVu Sans,10"';
  try {
    const terms = execFileSync('gnuplot', ['-e', 'set terminal'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
    if (!/pngcairo/.test(terms)) terminal = 'png size 1400,620';
  } catch {
    // gnuplot prints the list on stderr in some builds; keep pngcairo
  }
  const m = results.machine;
  const title = `arcade-eval-ref vs peers, tools/call Echo - ${results.started_at.slice(0, 10)}, ${m.host}: ${m.cpu_model}, ${m.cores} cores - wrk -t1, ${results.config.sweepSeconds} s per point`;
  const q = (s) => `"${String(s).replace(/"/g, "'")}"`;
  const plots = (col) => keys.map((k, i) => `${q(files[i])} using 1:${col} with linespoints lw 2 pt 7 title ${q(label(k))}`).join(', \\\n  ');
  const script = `set terminal ${terminal}
set output ${q(pngPath)}
set multiplot layout 1,2 title ${q(title)}
set logscale x 2
set grid
set key below
set xlabel "connections"
set ylabel "requests/s"
set logscale y 10
set format y "%.0f"
plot ${plots(2)}
set ylabel "p99 latency (ms)"
set format y "%g"
plot ${plots(3)}
unset multiplot
`;
  const scriptPath = path.join(tmp, 'chart.gp');
  writeFileSync(scriptPath, script);
  try {
    execFileSync('gnuplot', [scriptPath], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });
    return { ok: true };
  } catch (err) {
    return { ok: false, error: `gnuplot: ${(err.stderr || err.message || '').toString().slice(0, 300)}` };
  }
}

const START = '<!-- bench:latest:start -->';
const END = '<!-- bench:latest:end -->';

/** Rewrites the block between the markers in README's Performance section. */
export function updateReadme(readmePath, results, { rel }) {
  let text;
  try {
    text = readFileSync(readmePath, 'utf8');
  } catch (err) {
    return { ok: false, error: err.message };
  }
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return { ok: false, error: 'markers not found' };
  const m = results.machine;
  const rows = [];
  const pick = (server, workload, c) => find(results, server, workload, c);
  const readmeRows = [['nginx', 'echo'], ['ours', 'echo'], ['ours-auth', 'echo'], ['ts-stateful', 'echo'],
    ['ts-sdk-v2-stateful', 'echo'], ['ours-stateless', 'echo-stateless'], ['ts-stateless', 'echo-stateless'],
    ['ts-sdk-v2-stateless', 'echo-stateless'], ['ours', 'worker']];
  for (const [server, workload] of readmeRows) {
    if (!results.servers[server] && !results.runs.some((r) => r.server === server)) continue; // e.g. no v2 peer in older results
    const r1 = pick(server, workload, 1);
    const r32 = pick(server, workload, 32);
    const s = results.servers[server];
    const rates = server === 'ours-auth' ? [1, 32].map((c) => authRate(results, workload, c)) : null;
    const rateOf = (x) => (x == null ? 'n/a' : `${x.toFixed(2)}×`);
    const rateText = rates ? ` (auth/unauth rate ${rates.map(rateOf).join(' / ')} at 1 / 32 conn)` : '';
    rows.push([
      `${label(server)}${workload === 'worker' ? ', worker invoke + JWT' : ''}${rateText}`,
      int(r1?.rps),
      int(r32?.rps),
      r32 ? `${ms(r32.p50_ms)} / ${ms(r32.p99_ms)}` : 'n/a',
      fixed(r32?.cpu_s_per_10k),
      workload === 'worker' ? '″' : s ? `${mb(s.rss_idle_kb)} / ${mb(s.rss_peak_kb)}` : 'n/a',
      workload === 'worker' ? '″' : ms(results.startup[server]?.median_ms ?? s?.start_ms),
    ]);
  }
  const md = rel(results.files.markdown);
  const measured = results.runs.filter((r) => !r.failed && r.other_cpu_pct != null);
  const other = measured.length ? measured.reduce((a, r) => a + r.other_cpu_pct, 0) / measured.length : null;
  const contention = other != null && other >= 10 ? ` Other processes used ${other.toFixed(0)}% of the machine's CPU on average during the load runs, so every figure is below what an idle machine gives.` : '';
  const errs = results.runs.filter((r) => r.errors || r.failed).length;
  const block = [
    START,
    `Latest run: **${results.started_at.slice(0, 10)}** on ${m.host} (${machineLine(m)}; ${m.compiler ?? ''}); full figures, ratios, the issue's targets, notes and errors (${errs ? `${errs} run${errs === 1 ? '' : 's'} with errors` : 'none'}) in [${md}](${md}).${contention}`,
    '',
    mdTable(['server (tools/call Echo)', 'req/s, 1 conn', 'req/s, 32 conn', 'p50 / p99 ms, 32 conn', 'CPU s/10k req', 'RSS idle / peak MB', 'start ms'], rows),
    '',
    results.files.chart ? `![throughput and p99 against connections](${rel(results.files.chart)})` : '',
    END,
  ].join('\n');
  writeFileSync(readmePath, text.slice(0, a) + block + text.slice(b + END.length));
  return { ok: true };
}
