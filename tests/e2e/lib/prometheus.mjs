// Prometheus for the observability tests: the real Prometheus server (Debian's /usr/bin/prometheus,
// or PROMETHEUS_BIN) started as a child process on 127.0.0.1 with a temp config scraping one
// target and a temp TSDB folder, queried through its HTTP API and stopped by PID; `promtool check
// metrics` (PROMTOOL_BIN, default /usr/bin/promtool) on an exposition text; a small parser of the
// text format 0.0.4 and a bounded GET of a /metrics page.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { httpRequest } from './http.mjs';
import { freePort } from './oidc.mjs';
import { stopChild, trackPid } from './process.mjs';

const KEEP = 64 * 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Path of a Prometheus tool; throws a message naming how to install it when missing. */
export function prometheusTool(name) {
  const variable = name === 'prometheus' ? 'PROMETHEUS_BIN' : 'PROMTOOL_BIN';
  const bin = process.env[variable] || `/usr/bin/${name}`;
  if (!existsSync(bin)) {
    throw new Error(
      `${bin} not found: the observability tests need Prometheus 2.x (${name}); install it with ` +
        `scripts/install-deps.sh --with-e2e (Debian package "prometheus") or set ${variable}`
    );
  }
  return bin;
}

/**
 * Starts Prometheus scraping http://<target>/metrics every `scrapeInterval` as job `job`.
 * Resolves { port, origin, pid, query(expr), stderr(), stop() } once /-/ready answers 200
 * (within startTimeoutMs). stop() ends it by PID and removes the temp folder.
 */
export async function startPrometheus({ target, job = 'arcade', scrapeInterval = '1s', startTimeoutMs = 20000 }) {
  const bin = prometheusTool('prometheus');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'arcade-e2e-prometheus-'));
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      `  scrape_interval: ${scrapeInterval}`,
      `  scrape_timeout: ${scrapeInterval}`,
      `  evaluation_interval: ${scrapeInterval}`,
      'scrape_configs:',
      `  - job_name: ${JSON.stringify(job)}`,
      '    static_configs:',
      `      - targets: [${JSON.stringify(target)}]`,
      '',
    ].join('\n')
  );
  const port = await freePort();
  const child = spawn(
    bin,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] }
  );
  trackPid(child.pid);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-KEEP);
  });
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    const result = await stopChild(child, { graceMs: 5000 });
    rmSync(dir, { recursive: true, force: true });
    return result;
  };
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`prometheus exited (code ${child.exitCode}, signal ${child.signalCode}); stderr:\n${stderr}`);
    }
    const ready = await httpRequest(`${origin}/-/ready`, { method: 'GET', timeoutMs: 2000 }).catch(() => null);
    if (ready?.status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready within ${startTimeoutMs} ms; stderr:\n${stderr}`);
    }
    await sleep(100);
  }
  return {
    port,
    origin,
    pid: child.pid,
    stderr: () => stderr,
    stop,
    /** An instant query; resolves data.result (the vector), throws on a non-success answer. */
    async query(expr) {
      const response = await httpRequest(`${origin}/api/v1/query?query=${encodeURIComponent(expr)}`, {
        method: 'GET',
        timeoutMs: 5000,
      });
      const body = JSON.parse(response.text);
      if (response.status !== 200 || body.status !== 'success') {
        throw new Error(`query ${expr}: HTTP ${response.status} ${response.text.slice(0, 500)}`);
      }
      return body.data.result;
    },
  };
}

/** Runs `promtool check metrics` with `text` on stdin; resolves { code, output } (20 s limit). */
export function promtoolCheckMetrics(text) {
  const child = spawn(prometheusTool('promtool'), ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  trackPid(child.pid);
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  child.stdin.on('error', () => {});
  child.stdin.end(text);
  return new Promise((resolve) => {
    const timer = setTimeout(async () => {
      await stopChild(child, { signal: 'SIGKILL', graceMs: 1000 });
      resolve({ code: null, output: `${output}\n(promtool did not finish within 20 s)` });
    }, 20000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      // Let the pipes drain before reporting.
      setImmediate(() => resolve({ code, output }));
    });
  });
}

/** GET http://127.0.0.1:<port><path>; resolves { status, headers, text }. */
export function fetchMetrics(port, { path: urlPath = '/metrics', timeoutMs = 5000 } = {}) {
  return httpRequest(`http://127.0.0.1:${port}${urlPath}`, { method: 'GET', timeoutMs });
}

/** Polls GET /metrics on `port` until it answers 200 (resolves the response) or timeoutMs passes (throws). */
export async function waitForMetrics(port, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  for (;;) {
    last = await fetchMetrics(port, { timeoutMs: 2000 }).catch((err) => err);
    if (last?.status === 200) return last;
    if (Date.now() > deadline) {
      throw new Error(`no 200 from http://127.0.0.1:${port}/metrics within ${timeoutMs} ms; last: ${last?.status ?? last}`);
    }
    await sleep(100);
  }
}

function parseLabels(text, line) {
  const labels = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0 || text[eq + 1] !== '"') throw new Error(`bad labels in ${JSON.stringify(line)}`);
    const name = text.slice(i, eq).trim();
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        value += next === 'n' ? '\n' : next;
      } else {
        value += text[j];
      }
    }
    if (j >= text.length) throw new Error(`unterminated label value in ${JSON.stringify(line)}`);
    labels[name] = value;
    i = j + 1;
    while (i < text.length && (text[i] === ',' || text[i] === ' ')) i++;
  }
  return labels;
}

/** The samples of an exposition text: [{ name, labels, value }] (comments and blank lines skipped). */
export function parseExposition(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/.exec(line);
    if (!match) throw new Error(`unparsable exposition line ${JSON.stringify(line)}`);
    samples.push({ name: match[1], labels: match[2] ? parseLabels(match[2], line) : {}, value: Number(match[3]) });
  }
  return samples;
}

/** Sum of the values of metric `name` whose labels include every entry of `where`. */
export function sumOf(samples, name, where = {}) {
  let sum = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(where).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}
