// The fault tests' harness (tests/fault/fault.mjs): command-line settings, the figures and
// failed expectations of the running scenario, small statistics, bounded concurrency and waits,
// and starting fault-server with a session and an echo probe.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Conn } from './http1.mjs';
import { startServer } from './server.mjs';
import { checkToolResult, mcpHeaders, nextId, openSession, toolCall } from './mcp.mjs';

const args = process.argv.slice(2);
const argValue = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
export const BINARY = path.resolve(argValue('--binary') ?? '');
export const ONLY = (argValue('--only') ?? '1,2,3,4,5,6').split(',').map((s) => Number(s.trim()));
export const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 20);
export const WORK_DIR = process.env.FAULT_WORK_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'fault-'));

export const summary = []; // { scenario, figure, value }
export const failures = []; // strings
let scenarioName = '';
/** Names the scenario whose figures and failures follow. */
export function setScenario(name) {
  scenarioName = name;
}

export function figure(name, value) {
  summary.push({ scenario: scenarioName, figure: name, value: String(value) });
  console.log(`  ${name}: ${value}`);
}
export function expect(cond, message) {
  if (!cond) {
    failures.push(`[${scenarioName}] ${message}`);
    console.log(`  FAIL: ${message}`);
  }
  return cond;
}
export const mb = (kb) => (kb === null || kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(1)} MB`);
export const ms = (x) => `${Math.round(x)} ms`;
export function pct(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
export function latencySummary(values) {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return 'none';
  return `n=${s.length} p50=${pct(s, 50).toFixed(1)} p99=${pct(s, 99).toFixed(1)} max=${s[s.length - 1].toFixed(1)} ms`;
}
export const range = (n) => Array.from({ length: n }, (_, i) => i);
/** Runs task(i) for i < n with at most `width` at a time. */
export async function pool(n, width, task) {
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
export function within(promise, ms, fallback = 'timeout') {
  let timer;
  return Promise.race([promise, new Promise((r) => (timer = setTimeout(() => r(fallback), ms)))]).finally(() => clearTimeout(timer));
}
/** Memory bound used throughout: baseline + 25 % or + 4 MB, whichever is larger. */
export function rssBound(baselineKb) {
  return Math.max(Math.round(baselineKb * 1.25), baselineKb + 4096);
}

export async function launch(name, env) {
  return startServer({ binary: BINARY, workDir: WORK_DIR, name, env });
}

/** Opens a connection and a session, runs fn(conn, session), closes. */
export async function withSession(port, fn) {
  const conn = await Conn.open(port);
  try {
    return await fn(conn, await openSession(conn));
  } finally {
    conn.close();
  }
}

/** One echo on a fresh connection: resolves null when it answered correctly, else the reason. */
export async function echoProbe(port, session, text = 'probe') {
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
