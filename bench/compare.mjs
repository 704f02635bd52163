#!/usr/bin/env node
// Issue #15's figures from two bench runs side by side: `node bench/compare.mjs <before.json>
// <after.json>` prints a Markdown table (before, after, target) read from the JSON results that
// bench/run.sh writes. Figures a run lacks (an older harness) print as "n/a".
import fs from 'node:fs';

const [beforePath, afterPath] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error('usage: node bench/compare.mjs <before.json> <after.json>');
  process.exit(2);
}
const before = JSON.parse(fs.readFileSync(beforePath, 'utf8'));
const after = JSON.parse(fs.readFileSync(afterPath, 'utf8'));

const run = (r, server, workload, conns, bytes) =>
  r.runs?.find((x) => x.phase === (bytes ? 'size-sweep' : 'main') && x.server === server && x.workload === workload &&
    x.conns === conns && (bytes ? x.message_bytes === bytes : true));
const fmt = (v, digits = 1, unit = '') => (v === undefined || v === null || Number.isNaN(v) ? 'n/a' : `${v.toFixed(digits)}${unit}`);
const share = (r, server, workload, peer = 'nginx', peerWorkload = 'echo') => {
  const a = run(r, server, workload, 32);
  const b = run(r, peer, peerWorkload, 32);
  return a && b ? (100 * a.rps) / b.rps : undefined;
};
const cpuPerRequest = (r, server, workload) => {
  const a = run(r, server, workload, 32);
  return a ? a.cpu_s_per_10k * 100 : undefined;  // s per 10k requests -> µs per request
};
const p99 = (r, server, workload) => run(r, server, workload, 32)?.p99_ms;
const allocs = (r, key) => r.allocs?.paths?.find((p) => p.path === key)?.per_call;
const bigEcho = (r) => {
  const ours = run(r, 'ours', 'echo', 1, 1048576);
  const ts = run(r, 'ts-stateful', 'echo', 1, 1048576);
  return ours && ts ? ours.rps / ts.rps : undefined;
};

const rows = [
  ['Echo tools/call on a session, c32, share of nginx', (r) => fmt(share(r, 'ours', 'echo'), 0, ' %'), '≥ 60 %'],
  ['server CPU per Echo request, c32 (session)', (r) => fmt(cpuPerRequest(r, 'ours', 'echo'), 1, ' µs'), '≤ 20 µs'],
  ['server CPU per Echo request, c32 (stateless)', (r) => fmt(cpuPerRequest(r, 'ours-stateless', 'echo-stateless'), 1, ' µs'), '≤ 20 µs'],
  ['Echo p99 at c32, session / stateless',
    (r) => `${fmt(p99(r, 'ours', 'echo'), 2)} / ${fmt(p99(r, 'ours-stateless', 'echo-stateless'), 2)} ms`, '< 1 ms'],
  ['heap allocations per Echo call (session, inline handler)', (r) => fmt(allocs(r, 'echo'), 0), '≤ 15'],
  ['heap allocations per Echo call, 2026-07-28 request / 2025 session',
    (r) => `${fmt(allocs(r, 'echo-2026'), 0)} / ${fmt(allocs(r, 'echo'), 0)}`, 'CPU within 10 %'],
  ['Echo c32 with an OAuth bearer, auth/unauth rate',
    (r) => fmt(share(r, 'ours-auth', 'echo', 'ours'), 0, ' %'), '≥ 85 %'],
  ['worker invoke with JWT, c32, share of nginx', (r) => fmt(share(r, 'ours', 'worker'), 0, ' %'), '≥ 50 %'],
  ['1 MiB argument echo, c1: our rate / TypeScript SDK 1.x', (r) => fmt(bigEcho(r), 2, '×'), '> 1× at every size'],
  ['RSS idle', (r) => fmt((r.servers?.ours?.rss_idle_kb ?? NaN) / 1024, 1, ' MB'), '< 10 MB'],
  ['RSS per idle session', (r) => fmt(r.sessions?.ours?.per_session_kb, 2, ' KB'), '< 4 KB'],
  ['start to first answer (median)', (r) => fmt(r.startup?.ours?.median_ms, 1, ' ms'), '< 20 ms'],
];

const when = (r) => `${r.started_at?.slice(0, 10) ?? '?'} (${r.machine?.host ?? '?'})`;
const out = [`| figure | before: ${when(before)} | after: ${when(after)} | target |`, '|---|---|---|---|'];
for (const [name, get, target] of rows) out.push(`| ${name} | ${get(before)} | ${get(after)} | ${target} |`);
console.log(out.join('\n'));
