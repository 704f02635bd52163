// Observability of arcade-eval-ref from the outside: Prometheus metrics on their own listener
// (ARCADE_METRICS_PORT) scraped by the real Prometheus server and linted by promtool, /metrics
// absent from the main port unless ARCADE_METRICS_ON_MAIN_PORT=true, bounded label cardinality
// under 10,000 calls to random unknown tools; OTLP/HTTP JSON traces received by the test's own
// collector (lib/otlp_receiver.mjs) with the client side made by the OpenTelemetry JS SDK
// (lib/otel_client.mjs): the server span under the client's span (traceparent header or
// params._meta.traceparent), the RunTool span under it, the trace id on the "tool call" log
// line; sampling off; a collector that is down or slow never failing or slowing tool calls
// (spans dropped and counted instead).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { call, checkBadArgument, onlyText } from './lib/expect.mjs';
import { MCP_ACCEPT } from './lib/http.mjs';
import { freePort } from './lib/oidc.mjs';
import { startClientTracer, tracingFetch } from './lib/otel_client.mjs';
import { startOtlpReceiver } from './lib/otlp_receiver.mjs';
import {
  fetchMetrics,
  parseExposition,
  promtoolCheckMetrics,
  prometheusTool,
  startPrometheus,
  sumOf,
  waitForMetrics,
} from './lib/prometheus.mjs';
import { connectHttp } from './lib/sdk.mjs';
import { startHttpServer } from './lib/server.mjs';

const SERVICE = 'arcade-eval-ref-e2e';
const CLIENT_SERVICE = 'arcade-mcp-cpp-e2e-client';
/** The tools as tools/list names them (MCP) and as the metrics label them (fully qualified). */
const ECHO = { mcp: 'ArcadeEvalRef_Echo', fqn: 'ArcadeEvalRef.Echo' };
const ADD = { mcp: 'ArcadeEvalRef_Add', fqn: 'ArcadeEvalRef.Add' };
const SERVED_FQNS = ['ArcadeEvalRef.Add', 'ArcadeEvalRef.Echo', 'ArcadeEvalRef.Whoami'];
const TOOL_CALLS = 'arcade_mcp_tool_calls_total';
const DROPPED = 'arcade_mcp_trace_spans_dropped_total';
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Environment entries that unset every OTEL_* variable of the caller's shell for a spawned server. */
function withoutOtel() {
  const env = {};
  for (const key of Object.keys(process.env)) if (key.startsWith('OTEL_')) env[key] = undefined;
  return env;
}

/** Starts arcade-eval-ref over HTTP with metrics on a free port; resolves { server, metricsPort }. */
async function startObserved(env = {}) {
  const metricsPort = await freePort();
  const server = await startHttpServer({ env: { ...withoutOtel(), ARCADE_METRICS_PORT: String(metricsPort), ...env } });
  try {
    await waitForMetrics(metricsPort);
  } catch (err) {
    await server.stop();
    err.message += `\nserver stderr:\n${server.stderr()}`;
    throw err;
  }
  return { server, metricsPort };
}

/** Current samples of a metrics port's /metrics. */
async function scrape(metricsPort) {
  const response = await fetchMetrics(metricsPort);
  assert.equal(response.status, 200, `GET /metrics: ${response.status} ${response.text.slice(0, 500)}`);
  return parseExposition(response.text);
}

/** Polls `probe` every intervalMs until it returns a truthy value or timeoutMs passes; resolves the last value. */
async function pollUntil(probe, { timeoutMs, intervalMs = 250 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value.done || Date.now() > deadline) return value;
    await sleep(intervalMs);
  }
}

async function echo(client, message, name = ECHO.mcp) {
  const result = await call(client, name, { message });
  assert.ok(!result.isError, `Echo failed: ${JSON.stringify(result)}`);
  assert.equal(onlyText(result), message);
  return result;
}

async function unknownTool(client, name) {
  await assert.rejects(call(client, name, {}), (err) => {
    assert.ok(err instanceof McpError, `expected McpError, got ${err?.stack ?? err}`);
    assert.equal(err.code, -32602, `expected -32602, got ${err.code}: ${err.message}`);
    return true;
  });
}

/** The latency (ms) of each of `count` sequential Echo calls, after `warmup` unmeasured ones. */
async function echoLatencies(client, count, warmup = 20) {
  for (let i = 0; i < warmup; i++) await echo(client, `warm ${i}`);
  const out = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await echo(client, `timed ${i}`);
    out.push(performance.now() - start);
  }
  return out;
}

function p99(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}

/** JSON-RPC messages of a fetch answer (JSON or text/event-stream). */
function answerMessages(contentType, text) {
  if (contentType.startsWith('text/event-stream')) {
    return text
      .split(/\r?\n\r?\n/)
      .map((event) => event.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n'))
      .filter(Boolean)
      .map((data) => JSON.parse(data));
  }
  if (!text) return [];
  const parsed = JSON.parse(text);
  return Array.isArray(parsed) ? parsed : [parsed];
}

/**
 * A 2025-11-25 session over node:http with a keep-alive agent of `sockets` connections (much
 * cheaper per request than fetch). Resolves { sessionId, post(message) -> { status, messages,
 * text }, close() }; close() destroys the agent's sockets.
 */
async function rawSession(url, { sockets = 8 } = {}) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const base = { 'Content-Type': 'application/json', Accept: MCP_ACCEPT };
  const post = (message, headers) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify(message);
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('error', reject);
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode, headers: res.headers, messages: answerMessages(res.headers['content-type'] ?? '', text), text });
            } catch (err) {
              reject(err);
            }
          });
        }
      );
      req.setTimeout(10000, () => req.destroy(new Error(`${message.method}: no answer within 10 s`)));
      req.on('error', reject);
      req.end(body);
    });
  try {
    const init = await post(
      { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e-cardinality', version: '0' } } },
      base
    );
    assert.equal(init.status, 200, `initialize: ${init.status} ${init.text}`);
    const sessionId = init.headers['mcp-session-id'];
    assert.ok(sessionId, 'initialize answered without Mcp-Session-Id');
    const headers = { ...base, 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' };
    const ack = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
    assert.equal(ack.status, 202, `notifications/initialized: ${ack.status} ${ack.text}`);
    return { sessionId, post: (message) => post(message, headers), close: () => agent.destroy() };
  } catch (err) {
    agent.destroy();
    throw err;
  }
}

/** A random sampled W3C traceparent: { traceId, spanId, traceparent }. */
function randomTraceparent() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** Spans the server exported (its service name). */
const serverSpans = (spans) => spans.filter((s) => s.service === SERVICE);

describe('observability: Prometheus metrics', { timeout: 180000 }, () => {
  test('Prometheus 2.x scrapes the metrics listener: exact tool-call counts by tool and outcome', { timeout: 60000 }, async (t) => {
    prometheusTool('prometheus'); // a clear failure when Prometheus is not installed
    const { server, metricsPort } = await startObserved();
    t.after(() => server.stop());
    const job = 'arcade-eval-ref-e2e';
    const prometheus = await startPrometheus({ target: `127.0.0.1:${metricsPort}`, job });
    t.after(() => prometheus.stop());
    const conn = await connectHttp(server);
    t.after(() => conn.close());

    for (let i = 0; i < 7; i++) await echo(conn.client, `hello ${i}`);
    for (let i = 0; i < 3; i++) {
      const result = await call(conn.client, ADD.mcp, { a: i, b: 10 });
      assert.ok(!result.isError, JSON.stringify(result));
      assert.equal(onlyText(result), String(i + 10));
    }
    await checkBadArgument(conn.client, { a: 'x', b: 3 }, '/a');
    await checkBadArgument(conn.client, { a: 1 }, '/b');
    for (let i = 0; i < 4; i++) await unknownTool(conn.client, `NoSuchToolkit_Nope${i}`);

    const expected = {
      [`${ECHO.fqn}/ok`]: 7,
      [`${ADD.fqn}/ok`]: 3,
      [`${ADD.fqn}/bad_arguments`]: 2,
      '_unknown/unknown_tool': 4,
    };
    const queries = {
      calls: 'sum by (tool, outcome) (arcade_mcp_tool_calls_total)',
      echoDurations: `sum(arcade_mcp_tool_call_duration_seconds_count{tool="${ECHO.fqn}"})`,
      toolsCallRequests: 'sum(arcade_mcp_requests_total{method="tools/call"})',
      up: `up{job="${job}"}`,
    };
    // Scrapes lag the calls by up to a scrape interval (1 s): poll until every figure is there.
    const last = await pollUntil(
      async () => {
        const got = {};
        for (const [key, expr] of Object.entries(queries)) got[key] = await prometheus.query(expr);
        const calls = {};
        for (const s of got.calls) {
          // Series of served tools that count nothing yet may be exposed at 0; only counts matter.
          if (Number(s.value[1]) !== 0) calls[`${s.metric.tool}/${s.metric.outcome}`] = Number(s.value[1]);
        }
        const single = (r) => (r.length === 1 ? Number(r[0].value[1]) : null);
        const value = {
          calls,
          echoDurations: single(got.echoDurations),
          toolsCallRequests: single(got.toolsCallRequests),
          up: got.up.map((s) => Number(s.value[1])),
        };
        value.done =
          JSON.stringify(Object.entries(calls).sort()) === JSON.stringify(Object.entries(expected).sort()) &&
          value.echoDurations === 7 &&
          value.toolsCallRequests === 16 &&
          value.up.length === 1 &&
          value.up[0] === 1;
        return value;
      },
      { timeoutMs: 30000 }
    );
    const context = `\nPrometheus stderr:\n${prometheus.stderr()}\n/metrics now:\n${(await fetchMetrics(metricsPort)).text
      .split('\n')
      .filter((l) => l.startsWith('arcade_mcp_tool_calls_total') || l.startsWith('arcade_mcp_requests_total'))
      .join('\n')}`;
    assert.deepEqual(last.calls, expected, `sum by (tool, outcome) (arcade_mcp_tool_calls_total) in Prometheus${context}`);
    assert.deepEqual(last.up, [1], `up{job="${job}"}${context}`);
    assert.equal(last.echoDurations, 7, `Echo's latency histogram count${context}`);
    assert.equal(last.toolsCallRequests, 16, `arcade_mcp_requests_total{method="tools/call"}${context}`);
  });

  test('GET /metrics: text format 0.0.4 that `promtool check metrics` accepts', { timeout: 30000 }, async (t) => {
    prometheusTool('promtool');
    const { server, metricsPort } = await startObserved();
    t.after(() => server.stop());
    const conn = await connectHttp(server);
    t.after(() => conn.close());
    await echo(conn.client, 'lint me');
    await checkBadArgument(conn.client, { a: 1 }, '/b');
    await unknownTool(conn.client, 'Nope');

    const response = await fetchMetrics(metricsPort);
    assert.equal(response.status, 200);
    assert.match(response.headers['content-type'] ?? '', /^text\/plain; version=0\.0\.4(;|$)/);
    const samples = parseExposition(response.text);
    const names = new Set(samples.map((s) => s.name));
    for (const name of [
      'arcade_mcp_build_info',
      'arcade_mcp_tool_calls_total',
      'arcade_mcp_tool_call_duration_seconds_bucket',
      'arcade_mcp_tool_call_duration_seconds_sum',
      'arcade_mcp_tool_call_duration_seconds_count',
      'arcade_mcp_requests_total',
      'arcade_mcp_http_requests_total',
      'arcade_mcp_sessions_open',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
    ]) {
      assert.ok(names.has(name), `${name} missing from /metrics:\n${response.text}`);
    }
    assert.equal(sumOf(samples, 'arcade_mcp_sessions_open'), 1, 'one session is open');
    assert.ok(sumOf(samples, 'arcade_mcp_http_requests_total', { route: '/mcp' }) >= 4, 'POSTs to /mcp counted');
    const { code, output } = await promtoolCheckMetrics(response.text);
    assert.equal(code, 0, `promtool check metrics failed (exit ${code}):\n${output}`);
  });

  test('/metrics is not on the main port unless ARCADE_METRICS_ON_MAIN_PORT=true', { timeout: 30000 }, async (t) => {
    const { server, metricsPort } = await startObserved();
    t.after(() => server.stop());
    assert.equal((await fetchMetrics(server.port)).status, 404, 'main port with ARCADE_METRICS_PORT only');
    assert.equal((await fetchMetrics(metricsPort)).status, 200);

    const plain = await startHttpServer({ env: withoutOtel() });
    t.after(() => plain.stop());
    assert.equal((await fetchMetrics(plain.port)).status, 404, 'main port without any metrics setting');

    const onMain = await startHttpServer({ env: { ...withoutOtel(), ARCADE_METRICS_ON_MAIN_PORT: 'true' } });
    t.after(() => onMain.stop());
    const response = await fetchMetrics(onMain.port);
    assert.equal(response.status, 200, `ARCADE_METRICS_ON_MAIN_PORT=true: ${response.status}\n${onMain.stderr()}`);
    assert.match(response.headers['content-type'] ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(response.text, /^arcade_mcp_build_info\{/m);
  });

  test('10,000 calls to random unknown tools add no label values; all count under _unknown', { timeout: 90000 }, async (t) => {
    const { server, metricsPort } = await startObserved();
    t.after(() => server.stop());
    const session = await rawSession(server.url, { sockets: 8 });
    t.after(() => session.close());
    const total = 10000;
    const inFlight = 8;
    const deadline = Date.now() + 60000;
    let next = 0;
    const failures = [];
    const started = performance.now();
    const worker = async () => {
      while (next < total && Date.now() < deadline && failures.length < 5) {
        const id = ++next;
        const name = `Random_${randomBytes(8).toString('hex')}`;
        const answer = await session.post({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });
        const reply = answer.messages.find((m) => m.id === id);
        if (answer.status !== 200 || reply?.error?.code !== -32602) failures.push(`${name}: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    console.log(`cardinality: ${next} unknown-tool calls in ${Math.round(performance.now() - started)} ms`);
    assert.deepEqual(failures, []);
    assert.equal(next, total, 'the calls did not finish within 60 s');

    const text = (await fetchMetrics(metricsPort)).text;
    const samples = parseExposition(text);
    // Every tool label value of every family (calls, latency histogram, anything else labelled by tool).
    const toolLabels = new Set(samples.filter((s) => s.labels.tool !== undefined).map((s) => s.labels.tool));
    const allowed = new Set([...SERVED_FQNS, '_unknown']);
    assert.ok(
      toolLabels.size <= allowed.size && [...toolLabels].every((v) => allowed.has(v)),
      `tool label values: ${JSON.stringify([...toolLabels])}`
    );
    assert.equal(sumOf(samples, TOOL_CALLS, { tool: '_unknown', outcome: 'unknown_tool' }), total);
    assert.equal(sumOf(samples, TOOL_CALLS, { tool: '_unknown' }), total);
    assert.ok(samples.length < 2000, `/metrics has ${samples.length} series`);
  });
});

describe('observability: OTLP traces', { timeout: 180000 }, () => {
  test('client span -> server span "tools/call <name>" -> RunTool, one trace; trace_id on the log line', { timeout: 30000 }, async (t) => {
    const receiver = await startOtlpReceiver();
    t.after(() => receiver.close());
    const server = await startHttpServer({
      env: { ...withoutOtel(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_SERVICE_NAME: SERVICE },
    });
    t.after(() => server.stop());
    const otel = startClientTracer({ url: `${receiver.origin}/v1/traces`, serviceName: CLIENT_SERVICE });
    t.after(() => otel.shutdown());
    let inject = null;
    const fetchWithTrace = tracingFetch(() => inject);
    const conn = await connectHttp(server, { fetch: fetchWithTrace });
    t.after(() => conn.close());

    // 1. traceparent header on the tools/call POST.
    const span = otel.tracer.startSpan('e2e tools/call', { kind: SpanKind.CLIENT });
    inject = otel.headersOf(span);
    try {
      await echo(conn.client, 'traced');
    } finally {
      inject = null;
      span.end();
    }
    await otel.flush();
    const { traceId, spanId } = span.spanContext();
    const sent = fetchWithTrace.sent.at(-1);
    assert.equal(sent.headers.traceparent, `00-${traceId}-${spanId}-01`);

    const serverName = `tools/call ${ECHO.mcp}`;
    const findServer = (spans) => serverSpans(spans).find((s) => s.traceId === traceId && s.kind === 2);
    const findRunTool = (spans, parent) => serverSpans(spans).find((s) => s.name === 'RunTool' && s.parentSpanId === parent?.spanId);
    await receiver.waitFor((spans) => {
      const serverSpan = findServer(spans);
      return spans.some((s) => s.spanId === spanId && s.service === CLIENT_SERVICE) && serverSpan && findRunTool(spans, serverSpan);
    });
    const clientSpan = receiver.spans.find((s) => s.spanId === spanId);
    assert.equal(clientSpan.traceId, traceId);
    assert.equal(clientSpan.kind, 3, 'the JS client span is SPAN_KIND_CLIENT');

    const serverSpan = findServer(receiver.spans);
    const all = JSON.stringify(serverSpans(receiver.spans), null, 1);
    assert.equal(serverSpan.name, serverName, all);
    assert.equal(serverSpan.parentSpanId, spanId, 'the server span is a child of the client span');
    assert.match(serverSpan.spanId, HEX16);
    assert.match(serverSpan.traceId, HEX32);
    assert.equal(serverSpan.resource['service.name'], SERVICE);
    assert.match(serverSpan.startTimeUnixNano, /^\d+$/);
    assert.match(serverSpan.endTimeUnixNano, /^\d+$/);
    assert.ok(BigInt(serverSpan.endTimeUnixNano) >= BigInt(serverSpan.startTimeUnixNano));
    const attrs = serverSpan.attrs;
    assert.equal(attrs['mcp.method.name'], 'tools/call', JSON.stringify(attrs));
    assert.equal(String(attrs['jsonrpc.request.id']), String(sent.id), JSON.stringify(attrs));
    assert.equal(attrs['gen_ai.tool.name'], ECHO.mcp, JSON.stringify(attrs));
    assert.equal(attrs['gen_ai.operation.name'], 'execute_tool', JSON.stringify(attrs));
    assert.equal(attrs['mcp.session.id'], conn.transport.sessionId, JSON.stringify(attrs));

    const runTool = findRunTool(receiver.spans, serverSpan);
    assert.equal(runTool.kind, 1, 'RunTool is SPAN_KIND_INTERNAL');
    assert.equal(runTool.traceId, traceId);
    assert.match(runTool.spanId, HEX16);
    assert.equal(runTool.attrs.tool_name, 'Echo', JSON.stringify(runTool.attrs));
    assert.equal(runTool.attrs.toolkit_name, 'ArcadeEvalRef', JSON.stringify(runTool.attrs));
    assert.equal(runTool.attrs['gen_ai.tool.name'], ECHO.fqn, JSON.stringify(runTool.attrs));
    assert.equal(receiver.rejected, 0, 'the JS exporter sent something other than JSON');

    const logLine = server
      .stderr()
      .split('\n')
      .find((line) => line.includes('tool call') && line.includes(`trace_id=${traceId}`));
    assert.ok(logLine, `no "tool call" log line with trace_id=${traceId}:\n${server.stderr()}`);

    // 2. params._meta.traceparent, no header; the fully qualified name is accepted as well.
    const parent = randomTraceparent();
    const result = await conn.client.callTool(
      { name: ECHO.fqn, arguments: { message: 'meta' }, _meta: { traceparent: parent.traceparent } },
      undefined,
      { timeout: 10000 }
    );
    assert.equal(onlyText(result), 'meta');
    assert.equal(fetchWithTrace.sent.at(-1).headers.traceparent, undefined);
    await receiver.waitFor((spans) => serverSpans(spans).some((s) => s.traceId === parent.traceId && s.kind === 2));
    const metaSpan = serverSpans(receiver.spans).find((s) => s.traceId === parent.traceId && s.kind === 2);
    assert.equal(metaSpan.parentSpanId, parent.spanId);
    assert.equal(metaSpan.name, `tools/call ${ECHO.fqn}`);
  });

  test('OTEL_TRACES_SAMPLER=always_off: no spans, even under a sampled parent', { timeout: 30000 }, async (t) => {
    const receiver = await startOtlpReceiver();
    t.after(() => receiver.close());
    const server = await startHttpServer({
      env: {
        ...withoutOtel(),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_SERVICE_NAME: SERVICE,
        OTEL_TRACES_SAMPLER: 'always_off',
      },
    });
    t.after(() => server.stop());
    const conn = await connectHttp(server);
    t.after(() => conn.close());
    for (let i = 0; i < 9; i++) await echo(conn.client, `unsampled ${i}`);
    const parent = randomTraceparent();
    const result = await conn.client.callTool(
      { name: ECHO.mcp, arguments: { message: 'x' }, _meta: { traceparent: parent.traceparent } },
      undefined,
      { timeout: 10000 }
    );
    assert.equal(onlyText(result), 'x');
    await sleep(1000);
    assert.deepEqual(serverSpans(receiver.spans).map((s) => s.name), []);
    // Not vacuous: tracing is on, so the unsampled request still carries its parent's trace id in the logs.
    const logLine = server
      .stderr()
      .split('\n')
      .find((line) => line.includes('tool call') && line.includes(`trace_id=${parent.traceId}`));
    assert.ok(logLine, `no "tool call" log line with trace_id=${parent.traceId}:\n${server.stderr()}`);
  });

  test('collector down: every call succeeds, failed exports counted as dropped (export_failed)', { timeout: 30000 }, async (t) => {
    const closedPort = await freePort();
    const { server, metricsPort } = await startObserved({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closedPort}`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_SERVICE_NAME: SERVICE,
    });
    t.after(() => server.stop());
    const conn = await connectHttp(server);
    t.after(() => conn.close());
    for (let i = 0; i < 200; i++) await echo(conn.client, `down ${i}`);
    const last = await pollUntil(
      async () => {
        const samples = await scrape(metricsPort);
        const failed = sumOf(samples, DROPPED, { reason: 'export_failed' });
        return { done: failed > 0, failed, samples };
      },
      { timeoutMs: 10000 }
    );
    assert.ok(last.failed > 0, `${DROPPED}{reason="export_failed"} = ${last.failed}`);
    assert.equal(sumOf(last.samples, 'arcade_mcp_trace_spans_exported_total'), 0);
    assert.equal(sumOf(last.samples, TOOL_CALLS, { tool: ECHO.fqn, outcome: 'ok' }), 200);
  });

  test('slow collector (5 s per export): calls not slowed, queue_full drops counted', { timeout: 60000 }, async (t) => {
    // Baseline: the same calls against a server without tracing.
    const baseline = await startHttpServer({ env: withoutOtel() });
    let baselineP99;
    try {
      const conn = await connectHttp(baseline);
      try {
        baselineP99 = p99(await echoLatencies(conn.client, 300));
      } finally {
        await conn.close();
      }
    } finally {
      await baseline.stop();
    }

    const receiver = await startOtlpReceiver({ holdMs: 5000 });
    let server;
    t.after(async () => {
      await receiver.close(); // first, so that the server's pending export fails at once
      await server?.stop();
    });
    let metricsPort;
    ({ server, metricsPort } = await startObserved({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_BSP_MAX_QUEUE_SIZE: '20',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
      OTEL_EXPORTER_OTLP_TIMEOUT: '3000',
      OTEL_SERVICE_NAME: SERVICE,
    }));
    const conn = await connectHttp(server);
    t.after(() => conn.close());
    const slowP99 = p99(await echoLatencies(conn.client, 300));
    console.log(`Echo p99 over 300 sequential calls: baseline ${baselineP99.toFixed(2)} ms, slow collector ${slowP99.toFixed(2)} ms`);
    assert.ok(receiver.requests > 0, 'the server never tried to export');
    const last = await pollUntil(
      async () => {
        const samples = await scrape(metricsPort);
        const full = sumOf(samples, DROPPED, { reason: 'queue_full' });
        return { done: full > 0, full, samples };
      },
      { timeoutMs: 5000 }
    );
    assert.ok(last.full > 0, `${DROPPED}{reason="queue_full"} = ${last.full}`);
    assert.equal(sumOf(last.samples, TOOL_CALLS, { tool: ECHO.fqn, outcome: 'ok' }), 320);
    const bound = Math.max(3 * baselineP99, baselineP99 + 25);
    assert.ok(slowP99 < bound, `p99 with a slow collector ${slowP99.toFixed(2)} ms >= ${bound.toFixed(2)} ms (baseline ${baselineP99.toFixed(2)} ms)`);
  });
});
