// BENCH_ONLY=observe (issue 17): what metrics and tracing cost. Four arcade-eval-ref servers, the
// same command as `ours` plus each variant's environment, driven with tools/call Echo at 32
// connections (wrk, as BENCH_ONLY=auth does), cfg.seconds per run, OBSERVE_ROUNDS rounds that run
// the variants in turn (off, metrics, trace100, trace10, off, …) so that a slow patch of a shared
// machine hits all of them:
//   off       observability off (as `ours` in the other modes)
//   metrics   ARCADE_METRICS_PORT set; during its runs a scraper GETs /metrics every second, as
//             Prometheus would (each scrape must answer 200)
//   trace100  tracing only: OTEL_EXPORTER_OTLP_ENDPOINT at a local sink (bench/lib/otlp_sink.mjs),
//             OTEL_TRACES_SAMPLER=always_on, OTEL_BSP_SCHEDULE_DELAY=1000, other OTEL_* defaults
//   trace10   the same with OTEL_TRACES_SAMPLER=traceidratio, OTEL_TRACES_SAMPLER_ARG=0.1
// The cost of a variant is the throughput it loses next to off in the same round,
// 1 − req/s(variant) / req/s(off), median of the rounds; wanted: metrics < 3 %, trace10 < 10 %
// (trace100 has no target). The sink's span count per call (about 2 at 100 %: the request span and
// the tool's; about a tenth of that at 10 %) and the scrapes' answers show that the feature really
// ran. Results: observe-<date>-<host>.json and .md.
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from './client.mjs';
import { memKb, sleep } from './proc.mjs';
import { startOtlpSinkProcess } from './otlp_sink.mjs';

const OBSERVE_ROUNDS = Number(process.env.BENCH_OBSERVE_ROUNDS || 7);
const CONNS = 32;
/** After each run: the exporter's last batch (schedule delay 1 s) lands before the next run starts. */
const SETTLE_MS = 1500;
/** Most throughput (in % of off's) a variant may lose. */
export const OBSERVE_TARGETS = { metrics: 3, trace10: 10 };

const VARIANTS = [
  { key: 'off', label: 'off' },
  { key: 'metrics', label: 'metrics, scraped every 1 s' },
  { key: 'trace100', label: 'tracing, 100 % sampled', sampler: { OTEL_TRACES_SAMPLER: 'always_on' } },
  {
    key: 'trace10',
    label: 'tracing, 10 % sampled',
    sampler: { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
  },
];

/** One GET of http://127.0.0.1:<port>/metrics: { status, body, ms } or { error }. Bounded. */
function getMetrics(port, agent = false) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/metrics', agent, timeout: 5000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
      res.on('error', (err) => resolve({ error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (err) => resolve({ error: err.message }));
  });
}

/** The sum of the arcade_mcp_tool_calls_total samples of an exposition (every tool, outcome). */
const toolCalls = (body) =>
  body.split('\n').filter((l) => l.startsWith('arcade_mcp_tool_calls_total{')).reduce((a, l) => a + Number(l.split(' ').pop()), 0);

/** Scrapes /metrics every second (one at a time, on one kept-alive connection) until stop(). */
function startScraper(port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const st = { scrapes: 0, ok: 0, failed: [], skipped: 0, max_ms: 0, bytes: 0 };
  let inFlight = null;
  const timer = setInterval(() => {
    if (inFlight) return void ++st.skipped;
    inFlight = getMetrics(port, agent).then((r) => {
      ++st.scrapes;
      if (r.status === 200) {
        ++st.ok;
        st.bytes = r.body.length;
        st.max_ms = Math.max(st.max_ms, r.ms);
      } else if (st.failed.length < 5) st.failed.push(r.error ?? `HTTP ${r.status}`);
      inFlight = null;
    });
  }, 1000);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      agent.destroy();
      return st;
    },
  };
}

const median = (xs) => {
  const v = xs.filter((x) => x != null && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

/**
 * Runs the mode. `h` is the harness: { cfg, log, checkStop, startServer, runWrk, stopServer,
 * machineInfo, loadSnapshot, resultsDir, runStarted, oursEnv }.
 */
export async function observeOnly(h) {
  const results = {
    schema: 'arcade-mcp-cpp bench 1',
    only: 'observe',
    started_at: new Date(h.runStarted * 1000).toISOString(),
    config: { ...h.cfg, rounds: OBSERVE_ROUNDS, conns: CONNS, settle_ms: SETTLE_MS, targets_pct: OBSERVE_TARGETS, ours_env: h.oursEnv },
    machine: h.machineInfo(),
    load_before: h.loadSnapshot(),
    variants: {},
    runs: [],
    failures: [],
  };
  const busy = results.load_before.busy_processes;
  h.log(`load ${results.load_before.loadavg}${busy.length ? `; busy processes: ${busy.join(', ')}` : ''}`);

  const servers = {};
  const sinks = {};
  try {
    for (const v of VARIANTS) {
      let env = {};
      if (v.key === 'metrics') env = { ARCADE_METRICS_PORT: String(await freePort()) };
      if (v.sampler) {
        sinks[v.key] = await startOtlpSinkProcess();
        env = { OTEL_EXPORTER_OTLP_ENDPOINT: sinks[v.key].endpoint, ...v.sampler, OTEL_BSP_SCHEDULE_DELAY: '1000' };
      }
      const s = await h.startServer('ours', env); // a failure ends the run
      s.key = `ours/${v.key}`; // runWrk's records and log lines name the variant
      servers[v.key] = s;
      results.variants[v.key] = { label: v.label, env, port: s.port, start_ms: s.startMs };
      if (v.key === 'metrics') {
        const first = await getMetrics(Number(env.ARCADE_METRICS_PORT));
        if (first.status !== 200 || !first.body.includes('arcade_mcp_build_info')) {
          throw new Error(`GET /metrics on ARCADE_METRICS_PORT: ${first.error ?? `HTTP ${first.status}`} (no metrics listener in this build?)`);
        }
      }
    }
    h.log(`Echo at ${CONNS} connections, ${h.cfg.seconds} s per run, ${OBSERVE_ROUNDS} rounds of ${VARIANTS.map((v) => v.key).join(', ')}`);
    for (let round = 1; round <= OBSERVE_ROUNDS; ++round) {
      for (const v of VARIANTS) {
        h.checkStop();
        const sink = sinks[v.key];
        const spans0 = sink ? (await sink.stats()).spans : 0;
        const scraper = v.key === 'metrics' ? startScraper(Number(results.variants.metrics.env.ARCADE_METRICS_PORT)) : null;
        const cpu0 = process.cpuUsage();
        const r = await h.runWrk(servers[v.key], 'echo', CONNS, h.cfg.seconds, { phase: 'observe' });
        if (scraper) r.scrape = await scraper.stop();
        await sleep(SETTLE_MS);
        const cpu = process.cpuUsage(cpu0);
        r.harness_cpu_s = (cpu.user + cpu.system) / 1e6; // the scraper runs in the harness; the sink apart
        r.variant = v.key;
        r.round = round;
        if (sink) {
          r.spans = (await sink.stats()).spans - spans0;
          r.spans_per_call = r.requests ? r.spans / r.requests : null;
          if (!r.failed && !r.spans) results.failures.push(`${v.key} round ${round}: no spans reached the sink`);
        }
        if (r.scrape && r.scrape.ok !== r.scrape.scrapes) {
          results.failures.push(`${v.key} round ${round}: ${r.scrape.scrapes - r.scrape.ok} of ${r.scrape.scrapes} scrapes failed (${r.scrape.failed.join('; ')})`);
        }
        if (r.failed) results.failures.push(`${v.key} round ${round}: ${r.failed}`);
        results.runs.push(r);
      }
    }
    const last = await getMetrics(Number(results.variants.metrics.env.ARCADE_METRICS_PORT));
    results.variants.metrics.tool_calls_counted = last.status === 200 ? toolCalls(last.body) : null;
    results.variants.metrics.echo_answers = results.runs.filter((r) => r.variant === 'metrics').reduce((a, r) => a + (r.requests ?? 0), 0);
  } finally {
    for (const [key, s] of Object.entries(servers)) {
      results.variants[key].rss_end_kb = memKb(s.pid);
      if (s.child.exited) results.failures.push(`${key} exited during the run: ${JSON.stringify(s.child.exitInfo)}`);
      await h.stopServer(s); // SIGTERM: the trace exporters flush what is queued
    }
    for (const [key, sink] of Object.entries(sinks)) {
      (results.variants[key] ??= {}).sink = await sink.stats();
      await sink.close();
    }
  }
  results.load_after = h.loadSnapshot();
  results.finished_at = new Date().toISOString();
  results.summary = summarize(results);
  mkdirSync(h.resultsDir, { recursive: true });
  const base = path.join(h.resultsDir, `observe-${results.started_at.slice(0, 10)}-${results.machine.host}`);
  const md = renderObserve(results);
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${base}.md`, `${md}\n`);
  process.stdout.write(`\n${md}\n\nresults: ${base}.json\n         ${base}.md\n`);
}

/** Medians per variant, the per-round costs next to off, and the verdicts. */
export function summarize(results) {
  const ok = results.runs.filter((r) => !r.failed);
  const of = (key) => ok.filter((r) => r.variant === key);
  const rounds = [...new Set(ok.map((r) => r.round))];
  const out = {};
  for (const v of VARIANTS) {
    const rs = of(v.key);
    const cost = [];
    const cpuCost = [];
    for (const round of rounds) {
      const base = of('off').find((r) => r.round === round);
      const run = rs.find((r) => r.round === round);
      cost.push(base && run ? (1 - run.rps / base.rps) * 100 : null);
      cpuCost.push(base && run ? (run.cpu_s_per_10k / base.cpu_s_per_10k - 1) * 100 : null);
    }
    const target = OBSERVE_TARGETS[v.key] ?? null;
    const costMedian = v.key === 'off' ? null : median(cost);
    out[v.key] = {
      rps: median(rs.map((r) => r.rps)),
      rps_per_round: rs.map((r) => r.rps),
      cpu_us_per_req: median(rs.map((r) => r.cpu_s_per_10k * 100)),
      p50_ms: median(rs.map((r) => r.p50_ms)),
      p99_ms: median(rs.map((r) => r.p99_ms)),
      errors: rs.reduce((a, r) => a + r.errors, 0),
      cost_pct_per_round: v.key === 'off' ? null : cost,
      cost_pct: costMedian,
      cpu_per_req_pct: v.key === 'off' ? null : median(cpuCost),
      target_pct: target,
      verdict: target == null || costMedian == null ? null : costMedian < target ? 'PASS' : 'FAIL',
      spans_per_call: v.sampler ? median(rs.map((r) => r.spans_per_call)) : null,
      scrapes: v.key === 'metrics' ? rs.reduce((a, r) => a + (r.scrape?.scrapes ?? 0), 0) : null,
      scrapes_ok: v.key === 'metrics' ? rs.reduce((a, r) => a + (r.scrape?.ok ?? 0), 0) : null,
      harness_cpu_pct: median(rs.map((r) => (r.harness_cpu_s / (r.wall_s + SETTLE_MS / 1000)) * 100)),
      other_cpu_pct: median(rs.map((r) => r.other_cpu_pct)),
    };
  }
  return out;
}

const int = (x) => (x == null ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const fixed = (x, d = 2) => (x == null ? 'n/a' : x.toFixed(d));
const pct = (x) => (x == null ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)} %`);
const costText = (x) => (x == null ? '—' : `${x < 0 ? '−' : ''}${Math.abs(x).toFixed(1)} %`);

function mdTable(head, rows) {
  const esc = (c) => String(c).replace(/\|/g, '\\|');
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

/** The Markdown report (also printed on the console). */
export function renderObserve(results) {
  const s = results.summary;
  const m = results.machine;
  const c = results.config;
  const check = (key) => {
    const x = s[key];
    if (key === 'metrics') return `${x.scrapes_ok}/${x.scrapes} scrapes 200`;
    if (x.spans_per_call != null) return `${fixed(x.spans_per_call, 3)} spans/call`;
    return '';
  };
  const rows = VARIANTS.map((v) => {
    const x = s[v.key];
    return [v.key, v.label, int(x.rps), x.rps_per_round.map(int).join(' '), fixed(x.cpu_us_per_req, 1), fixed(x.p50_ms, 3),
      fixed(x.p99_ms, 3), costText(x.cost_pct), pct(x.cpu_per_req_pct),
      x.target_pct == null ? '—' : `< ${x.target_pct} %`, x.verdict ?? '—', check(v.key), String(x.errors)];
  });
  const out = [];
  out.push(`# Observability cost: tools/call Echo at ${c.conns} connections, ${results.started_at.slice(0, 10)}, ${m.host}`);
  out.push('');
  out.push(`${m.cpu_model}, ${m.cores} cores, ${m.kernel}; git ${m.git}. wrk -t1 -c${c.conns}, ${c.seconds} s per run, `
    + `${c.rounds} rounds running the variants in turn (off, metrics, trace100, trace10); medians of the rounds. `
    + 'Command: `BENCH_SKIP_BUILD=1 BENCH_ONLY=observe node bench/harness.mjs`.');
  out.push('');
  out.push(mdTable(['variant', 'what', 'req/s', 'req/s per round', 'CPU µs/req', 'p50 ms', 'p99 ms', 'cost vs off',
    'CPU/req vs off', 'target', 'verdict', 'check', 'errors'], rows));
  out.push('');
  out.push('Cost vs off: the throughput lost next to off in the same round, 1 − req/s(variant) / req/s(off), median of '
    + 'the rounds; CPU/req vs off likewise for the server\'s CPU time per request. Per round, with the share of the '
    + 'machine\'s CPU that other processes (the harness included) used during each run, off / metrics / trace100 / trace10:');
  out.push('');
  const rounds = [...new Set(results.runs.map((r) => r.round))];
  const roundRows = rounds.map((round) => {
    const runs = VARIANTS.map((v) => results.runs.find((r) => r.variant === v.key && r.round === round));
    const base = runs[0];
    const vs = (run, f) => (base && run && !base.failed && !run.failed ? f(run, base) : null);
    return [String(round), ...runs.slice(1).map((run) => costText(vs(run, (x, b) => (1 - x.rps / b.rps) * 100))),
      ...runs.slice(1).map((run) => pct(vs(run, (x, b) => (x.cpu_s_per_10k / b.cpu_s_per_10k - 1) * 100))),
      runs.map((run) => (run?.other_cpu_pct == null ? 'n/a' : run.other_cpu_pct.toFixed(0))).join(' / ')];
  });
  out.push(mdTable(['round', 'cost metrics', 'cost trace100', 'cost trace10', 'CPU/req metrics', 'CPU/req trace100',
    'CPU/req trace10', 'other CPU %'], roundRows));
  out.push('');
  const mv = results.variants.metrics;
  out.push(`Metrics: ${s.metrics.scrapes_ok} of ${s.metrics.scrapes} scrapes answered 200 (last body ${int(results.runs.findLast((r) => r.scrape)?.scrape.bytes)} bytes); `
    + `arcade_mcp_tool_calls_total at the end: ${int(mv.tool_calls_counted)}, Echo answers counted by wrk: ${int(mv.echo_answers)}.`);
  for (const key of ['trace100', 'trace10']) {
    const sink = results.variants[key].sink;
    const names = Object.entries(sink?.by_name ?? {}).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([n, k]) => `${n} ${int(k)}`).join(', ');
    out.push(`Traces, ${key}: the sink received ${int(sink?.spans)} spans in ${int(sink?.posts)} POSTs `
      + `(${fixed((sink?.bytes ?? 0) / 1e6, 1)} MB; ${sink?.refused ?? 0} refused, ${sink?.unparsable ?? 0} unparsable) for `
      + `${int(results.runs.filter((r) => r.variant === key).reduce((a, r) => a + (r.requests ?? 0), 0))} Echo answers; by name: ${names}.`);
  }
  out.push('');
  out.push(`The scraper runs in the harness's node process (the OTLP sink in a child process of its own): the harness used ${VARIANTS.map((v) => `${v.key} ${fixed(s[v.key].harness_cpu_pct, 1)} %`).join(', ')} `
    + 'of one core during those runs, CPU the server under test does not get on this machine. '
    + `CPU of other processes (the harness included): ${VARIANTS.map((v) => `${v.key} ${fixed(s[v.key].other_cpu_pct, 0)} %`).join(', ')} of the machine.`);
  out.push(`Load before: ${results.load_before.loadavg}; after: ${results.load_after?.loadavg ?? 'n/a'}.`);
  if (c.note) out.push(`\nNote: ${c.note}`);
  if (results.failures.length) out.push(`\nFailures: ${results.failures.join(' | ')}`);
  return out.join('\n');
}
