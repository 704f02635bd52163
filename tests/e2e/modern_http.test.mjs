// MCP 2026-07-28 over Streamable HTTP, served on the same /mcp endpoint as the 2025 revisions
// and chosen per request (spec/mcp-server.md §16.9).
// - arcade-eval-ref: a 2025-11-25 client (the TypeScript SDK) and a 2026-07-28 client
//   (lib/modern_client.mjs) call Echo, Add and Whoami at the same time on one port; every answer
//   is correct and in its own era, every message valid against its revision's schema.
// - conformance-server: a tool that elicits works in both eras (a real elicitation/create
//   request in the 2025 session; input_required + retry in 2026-07-28); the 2026-07-28 error
//   paths (tampered requestState, header mismatch, unsupported revision, unknown method, missing
//   client capability), GET/DELETE legacy-only, Mcp-Session-Id ignored on 2026-07-28 POSTs;
//   subscriptions/listen (acknowledgement, list_changed tagged with the listen id, only opted-in
//   types, closing the stream).
// - request state across replicas: two conformance-server processes sharing
//   MCP_REQUEST_STATE_SECRET continue each other's multi-round requests; a different secret
//   refuses the state with -32602.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conformanceServerBinary, DEFAULT_USER_ID } from './lib/config.mjs';
import { call, ClientSide, onlyText } from './lib/conformance.mjs';
import { checkToolList } from './lib/expect.mjs';
import { httpRequest, openStream, RawSession } from './lib/http.mjs';
import {
  answerFrom,
  META_SERVER_INFO,
  META_SUBSCRIPTION_ID,
  MODERN_REVISION,
  ModernHttpClient,
} from './lib/modern_client.mjs';
import { pidAlive } from './lib/process.mjs';
import { MessageRecorder } from './lib/recorder.mjs';
import { connectHttp, REQUEST_OPTIONS } from './lib/sdk.mjs';
import { startHttpServer } from './lib/server.mjs';

const T = { timeout: 30000 };
const LEGACY = '2025-11-25';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fails unless `reply` is a 2026-07-28 "complete" result carrying serverInfo `serverName`. */
function assertModernComplete(reply, serverName) {
  assert.ok(reply.result, `expected a result: ${JSON.stringify(reply)}`);
  assert.equal(reply.result.resultType, 'complete', JSON.stringify(reply));
  assert.equal(reply.result._meta?.[META_SERVER_INFO]?.name, serverName, `serverInfo in result _meta: ${JSON.stringify(reply)}`);
  assert.equal(typeof reply.result._meta[META_SERVER_INFO].version, 'string', JSON.stringify(reply));
}

/** Fails unless an HTTP exchange of the modern client carries a JSON-RPC error `code` with HTTP `status`. */
function assertModernError(http, code, status) {
  const describe = `HTTP ${http.status} ${JSON.stringify(http.headers)} ${http.text.slice(0, 500)}`;
  if (status !== undefined) assert.equal(http.status, status, describe);
  assert.equal(http.messages.length, 1, describe);
  const [message] = http.messages;
  assert.equal(message.error?.code, code, describe);
  assert.equal(typeof message.error.message, 'string', describe);
  assert.ok(!('result' in message), describe);
  assert.equal(http.headers['mcp-session-id'], undefined, `no session header on a ${MODERN_REVISION} answer: ${describe}`);
  return message;
}

/**
 * A fetch for the SDK transport that keeps, per POST, the request body, the response status and
 * the response's Mcp-Session-Id header.
 */
function sessionTappingFetch(exchanges) {
  return async (url, init = {}) => {
    const response = await fetch(url, init);
    if ((init.method ?? 'GET').toUpperCase() === 'POST') {
      exchanges.push({
        body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
        status: response.status,
        sessionHeader: response.headers.get('mcp-session-id'),
      });
    }
    return response;
  };
}

describe(`arcade-eval-ref over HTTP: ${LEGACY} and ${MODERN_REVISION} clients on one port at the same time`, { timeout: 120000 }, () => {
  let server;
  let legacy;
  const legacyExchanges = [];
  const modern = { client: null };
  before(async () => {
    server = await startHttpServer();
    legacy = await connectHttp(server, { fetch: sessionTappingFetch(legacyExchanges) });
    modern.client = new ModernHttpClient(server.url);
  });
  after(async () => {
    await legacy?.close();
    await server?.stop();
  });

  test(`the SDK negotiated ${LEGACY}; server/discover lists both eras`, T, async () => {
    assert.equal(legacy.recorder.revision, LEGACY);
    const { reply, http } = await modern.client.request('server/discover');
    assert.equal(http.status, 200);
    assertModernComplete(reply, 'arcade-eval-ref');
    for (const v of [MODERN_REVISION, LEGACY]) assert.ok(reply.result.supportedVersions.includes(v), JSON.stringify(reply.result));
    assert.ok(reply.result.capabilities?.tools, JSON.stringify(reply.result));
    assert.ok(Number.isInteger(reply.result.ttlMs) && reply.result.ttlMs >= 0, JSON.stringify(reply.result));
    assert.ok(['public', 'private'].includes(reply.result.cacheScope), JSON.stringify(reply.result));
    assert.equal(http.headers['mcp-session-id'], undefined);
  });

  test('tools/list in both eras: the same three tools; only the 2026 answer has resultType and cache hints', T, async () => {
    await checkToolList(legacy.client);
    const { reply } = await modern.client.request('tools/list');
    assertModernComplete(reply, 'arcade-eval-ref');
    assert.deepEqual(
      reply.result.tools.map((t) => t.name),
      ['ArcadeEvalRef_Add', 'ArcadeEvalRef_Echo', 'ArcadeEvalRef_Whoami']
    );
    assert.ok(Number.isInteger(reply.result.ttlMs), JSON.stringify(reply.result));
    const legacyList = legacy.recorder.serverMessages.find((m) => m.requestMethod === 'tools/list').message;
    assert.ok(!('resultType' in legacyList.result), JSON.stringify(legacyList));
    assert.ok(!('ttlMs' in legacyList.result), JSON.stringify(legacyList));
  });

  test('Echo, Add and Whoami from both clients interleaved and in flight together: every answer correct and in its era', T, async (t) => {
    const ROUNDS = 12;
    const inFlight = { legacy: 0, modern: 0 };
    let overlapped = 0; // calls that started while a call of the other era was in flight
    const track = async (era, promise) => {
      inFlight[era]++;
      if (inFlight[era === 'legacy' ? 'modern' : 'legacy'] > 0) overlapped++;
      try {
        return await promise;
      } finally {
        inFlight[era]--;
      }
    };
    const jobs = [];
    const legacyCall = (name, args) => track('legacy', legacy.client.callTool({ name, arguments: args }, undefined, REQUEST_OPTIONS));
    const modernCall = (name, args) => track('modern', modern.client.callTool(name, args));
    for (let i = 0; i < ROUNDS; i++) {
      const message = `hello ${i} ✓ ${'x'.repeat(i)}`;
      jobs.push({ era: 'legacy', kind: 'echo', i, expect: message, promise: legacyCall('ArcadeEvalRef_Echo', { message }) });
      jobs.push({ era: 'modern', kind: 'echo', i, expect: message, promise: modernCall('ArcadeEvalRef_Echo', { message }) });
      jobs.push({ era: 'modern', kind: 'add', i, expect: i * 7 + 3, promise: modernCall('ArcadeEvalRef_Add', { a: i * 7, b: 3 }) });
      jobs.push({ era: 'legacy', kind: 'add', i, expect: i - 100, promise: legacyCall('ArcadeEvalRef_Add', { a: i, b: -100 }) });
      jobs.push({ era: 'legacy', kind: 'whoami', i, expect: DEFAULT_USER_ID, promise: legacyCall('ArcadeEvalRef_Whoami', {}) });
      jobs.push({ era: 'modern', kind: 'whoami', i, expect: DEFAULT_USER_ID, promise: modernCall('ArcadeEvalRef_Whoami', {}) });
    }
    const outcomes = await Promise.all(jobs.map((j) => j.promise));
    assert.ok(overlapped > 0, 'calls of the two eras were in flight at the same time');

    outcomes.forEach((outcome, index) => {
      const job = jobs[index];
      const label = `${job.era} ${job.kind} #${job.i}`;
      let result;
      if (job.era === 'modern') {
        const { reply, rounds } = outcome;
        assert.equal(rounds.length, 1, `${label}: one round`);
        assertModernComplete(reply, 'arcade-eval-ref');
        assert.equal(rounds[0].http.status, 200, label);
        assert.equal(rounds[0].http.headers['mcp-session-id'], undefined, `${label}: no Mcp-Session-Id on a ${MODERN_REVISION} answer`);
        result = reply.result;
      } else {
        result = outcome;
        assert.ok(!('resultType' in result), `${label}: a ${LEGACY} result has no resultType: ${JSON.stringify(result)}`);
      }
      assert.ok(result.isError === undefined || result.isError === false, `${label}: ${JSON.stringify(result)}`);
      const expected = job.kind === 'add' ? String(job.expect) : job.expect;
      assert.equal(onlyText(result), expected, label);
      assert.deepEqual(result.structuredContent, { result: job.expect }, label);
    });

    // The raw 2025 answers, as the server sent them: no resultType, no serverInfo in _meta; their
    // POSTs carry the session (its header echoed); none of them carries a 2026 request's id.
    const legacyCalls = legacy.recorder.serverMessages.filter((m) => m.requestMethod === 'tools/call');
    assert.equal(legacyCalls.length, ROUNDS * 3);
    for (const { message } of legacyCalls) {
      assert.ok(!('resultType' in message.result), JSON.stringify(message));
      assert.equal(message.result._meta?.[META_SERVER_INFO], undefined, JSON.stringify(message));
    }
    const legacyPosts = legacyExchanges.filter((e) => e.body?.method === 'tools/call');
    assert.equal(legacyPosts.length, ROUNDS * 3);
    for (const e of legacyPosts) {
      assert.equal(e.status, 200);
      assert.equal(e.sessionHeader, legacy.transport.sessionId, 'the 2025 answers carry the session id');
    }

    legacy.recorder.assertAllValid(t);
    modern.client.assertSchemaValid(t);
  });
});

describe(`conformance-server over HTTP: ${MODERN_REVISION} next to ${LEGACY}`, { timeout: 180000 }, () => {
  let server;
  const ELICIT = 'test_input_required_result_elicitation';
  const elicitCaps = { elicitation: {} };
  before(async () => {
    server = await startHttpServer({ binary: conformanceServerBinary() });
  });
  after(async () => {
    await server?.stop();
  });

  test(`a tool that elicits, ${LEGACY}: elicitation/create to the SDK client, answered "Hello, Ada!"`, T, async (t) => {
    const side = new ClientSide();
    side.elicit = () => ({ action: 'accept', content: { name: 'Ada' } });
    const conn = await connectHttp(server, { capabilities: side.capabilities, setup: side.setup });
    try {
      const result = await call(conn.client, ELICIT);
      assert.equal(onlyText(result), 'Hello, Ada!');
      assert.ok(!('resultType' in result), JSON.stringify(result));
      assert.equal(side.elicitationRequests.length, 1, JSON.stringify(side.elicitationRequests));
      const [asked] = side.elicitationRequests;
      assert.equal(asked.message, 'What is your name?');
      assert.equal(asked.requestedSchema?.properties?.name?.type, 'string', JSON.stringify(asked));
      conn.recorder.assertAllValid(t);
    } finally {
      await conn.close();
    }
  });

  test(`the same tool, ${MODERN_REVISION}: input_required, retried with inputResponses + requestState → "Hello, Ada!"`, T, async (t) => {
    const client = new ModernHttpClient(server.url, { capabilities: elicitCaps });
    const seen = [];
    const { reply, rounds } = await client.callTool(ELICIT, {}, { answer: answerFrom({ user_name: { action: 'accept', content: { name: 'Ada' } } }, seen) });
    assert.equal(rounds.length, 2, JSON.stringify(rounds.map((r) => r.reply)));
    const first = rounds[0].reply.result;
    assert.equal(first.resultType, 'input_required');
    assert.equal(typeof first.requestState, 'string');
    assert.equal(first.inputRequests.user_name.method, 'elicitation/create', JSON.stringify(first));
    assert.equal(first.inputRequests.user_name.params.message, 'What is your name?');
    assert.ok(!('ttlMs' in first) && !('content' in first), `an input_required result carries no cache hint or content: ${JSON.stringify(first)}`);
    assert.deepEqual(seen.map((s) => s.key), ['user_name']);
    // The retry: a new id, the same name and arguments, the answers and the state echoed.
    const retry = rounds[1].request;
    assert.notEqual(retry.id, rounds[0].request.id);
    assert.equal(retry.params.requestState, first.requestState);
    assert.deepEqual(retry.params.inputResponses, { user_name: { action: 'accept', content: { name: 'Ada' } } });
    assertModernComplete(reply, 'mcp-conformance-test-server');
    assert.equal(onlyText(reply.result), 'Hello, Ada!');
    for (const r of rounds) assert.equal(r.http.headers['mcp-session-id'], undefined);
    client.assertSchemaValid(t);
  });

  test(`${MODERN_REVISION}: the same tool without the elicitation capability → HTTP 400 + -32021`, T, async (t) => {
    const client = new ModernHttpClient(server.url, { capabilities: {} });
    const { http } = await client.request('tools/call', { name: ELICIT, arguments: {} });
    const error = assertModernError(http, -32021, 400);
    assert.deepEqual(error.error.data?.requiredCapabilities, { elicitation: {} }, JSON.stringify(error));
    client.assertSchemaValid(t);
  });

  test(`${MODERN_REVISION}: a tampered requestState → -32602; the untouched state still completes`, T, async (t) => {
    const TOOL = 'test_input_required_result_tampered_state';
    const client = new ModernHttpClient(server.url, { capabilities: elicitCaps });
    const { reply: first } = await client.request('tools/call', { name: TOOL, arguments: {} });
    assert.equal(first.result?.resultType, 'input_required', JSON.stringify(first));
    const state = first.result.requestState;
    const parts = state.split('.');
    assert.ok(parts.length >= 2, `a sealed state has a payload and a signature: ${state}`);
    const flip = (text, at) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    const payloadIndex = parts.length - 2;
    const tampered = [
      // a character inside the payload
      parts.map((p, i) => (i === payloadIndex ? flip(p, Math.floor(p.length / 2)) : p)).join('.'),
      // a character inside the signature
      parts.map((p, i) => (i === parts.length - 1 ? flip(p, 3) : p)).join('.'),
      // a state cut short, and garbage
      state.slice(0, -5),
      'v1.not-a-state.at-all',
    ];
    const confirm = { confirm: { action: 'accept', content: { ok: true } } };
    for (const bad of tampered) {
      assert.notEqual(bad, state);
      const { http } = await client.request('tools/call', { name: TOOL, arguments: {}, inputResponses: confirm, requestState: bad });
      const error = assertModernError(http, -32602);
      assert.ok([200, 400].includes(http.status), `HTTP ${http.status}`);
      assert.ok(!/^v1\./.test(error.error.message) && !error.error.message.includes(bad), `the error does not echo the state: ${error.error.message}`);
    }
    // A valid state presented for another request (another tool) is refused too.
    const { http: other } = await client.request('tools/call', {
      name: 'test_input_required_result_request_state',
      arguments: {},
      inputResponses: confirm,
      requestState: state,
    });
    assertModernError(other, -32602);
    // The untouched state completes.
    const { reply } = await client.request('tools/call', { name: TOOL, arguments: {}, inputResponses: confirm, requestState: state });
    assertModernComplete(reply, 'mcp-conformance-test-server');
    assert.equal(onlyText(reply.result), 'confirmed=true');
    client.assertSchemaValid(t);
  });

  test(`${MODERN_REVISION}: routing-header mismatches → HTTP 400 + -32020`, T, async (t) => {
    const client = new ModernHttpClient(server.url, { capabilities: elicitCaps });
    const cases = [
      { why: 'Mcp-Method names another method', method: 'tools/list', params: {}, headers: { 'Mcp-Method': 'prompts/list' } },
      { why: 'Mcp-Method missing', method: 'tools/list', params: {}, headers: { 'Mcp-Method': undefined } },
      { why: 'Mcp-Method differs in case', method: 'tools/list', params: {}, headers: { 'Mcp-Method': 'TOOLS/LIST' } },
      {
        why: 'Mcp-Name names another tool',
        method: 'tools/call',
        params: { name: 'test_simple_text', arguments: {} },
        headers: { 'Mcp-Name': 'test_error_handling' },
      },
      { why: 'Mcp-Name missing on tools/call', method: 'tools/call', params: { name: 'test_simple_text', arguments: {} }, headers: { 'Mcp-Name': undefined } },
      { why: 'MCP-Protocol-Version differs from _meta', method: 'tools/list', params: {}, headers: { 'MCP-Protocol-Version': LEGACY } },
    ];
    for (const c of cases) {
      const request = client.buildRequest(c.method, c.params);
      const http = await client.post(request, { headers: c.headers, conforming: true });
      await t.test(c.why, () => {
        assertModernError(http, -32020, 400);
        assert.equal(http.messages[0].id, request.id, 'the error carries the request id');
      });
    }
    // The same requests with the right headers work, also with the name base64-encoded.
    const { reply } = await client.request('tools/call', { name: 'test_simple_text', arguments: {} });
    assertModernComplete(reply, 'mcp-conformance-test-server');
    const encoded = await client.request(
      'tools/call',
      { name: 'test_simple_text', arguments: {} },
      { headers: { 'Mcp-Name': `=?base64?${Buffer.from('test_simple_text').toString('base64')}?=` } }
    );
    assertModernComplete(encoded.reply, 'mcp-conformance-test-server');
    client.assertSchemaValid(t);
  });

  test(`${MODERN_REVISION}: Mcp-Param-* headers of x-mcp-header arguments are checked`, T, async (t) => {
    const client = new ModernHttpClient(server.url);
    const TOOL = 'test_custom_header_echo';
    const { reply: list } = await client.request('tools/list');
    const tool = list.result.tools.find((x) => x.name === TOOL);
    assert.equal(tool?.inputSchema?.properties?.region?.['x-mcp-header'], 'Region', JSON.stringify(tool));
    const callWith = (region, headers) => client.request('tools/call', { name: TOOL, arguments: { region } }, { headers });
    const ok = await callWith('eu-west', { 'Mcp-Param-Region': 'eu-west' });
    assert.equal(onlyText(ok.reply.result), 'region=eu-west');
    const utf8 = await callWith('Zürich', { 'Mcp-Param-Region': `=?base64?${Buffer.from('Zürich').toString('base64')}?=` });
    assert.equal(onlyText(utf8.reply.result), 'region=Zürich');
    assertModernError((await callWith('eu-west', {})).http, -32020, 400);
    assertModernError((await callWith('eu-west', { 'Mcp-Param-Region': 'us-east' })).http, -32020, 400);
    assertModernError((await callWith('eu-west', { 'Mcp-Param-Region': '=?base64?not base64!?=' })).http, -32020, 400);
    client.assertSchemaValid(t);
  });

  test(`${MODERN_REVISION}: progress and log messages travel on the request's own SSE answer, logs only when asked`, T, async (t) => {
    const quiet = new ModernHttpClient(server.url);
    const chatty = new ModernHttpClient(server.url, { logLevel: 'info' });
    const progress = await quiet.request('tools/call', { name: 'test_tool_with_progress', arguments: {} }, { meta: { progressToken: 'p-1' } });
    assert.match(progress.http.contentType, /^text\/event-stream/);
    const steps = progress.notifications.filter((n) => n.method === 'notifications/progress');
    assert.ok(steps.length >= 2, JSON.stringify(progress.notifications));
    for (const n of steps) assert.equal(n.params.progressToken, 'p-1');
    assert.equal(progress.http.messages.at(-1), progress.reply, 'the result ends the stream');
    assertModernComplete(progress.reply, 'mcp-conformance-test-server');

    const silent = await quiet.request('tools/call', { name: 'test_logging_tool', arguments: {} });
    assert.deepEqual(silent.notifications, [], 'no notifications/message without _meta logLevel');
    const logged = await chatty.request('tools/call', { name: 'test_logging_tool', arguments: {} });
    const logs = logged.notifications.filter((n) => n.method === 'notifications/message');
    assert.equal(logs.length, 2, JSON.stringify(logged.notifications));
    assert.equal(onlyText(logged.reply.result), 'Logging evaluated');
    quiet.assertSchemaValid(t);
    chatty.assertSchemaValid(t);
  });

  test(`${MODERN_REVISION}: resources/read (cache hints; a missing resource is -32602) and prompts/get with an input round`, T, async (t) => {
    const client = new ModernHttpClient(server.url, { capabilities: elicitCaps });
    const read = await client.request('resources/read', { uri: 'test://static-text' });
    assertModernComplete(read.reply, 'mcp-conformance-test-server');
    assert.equal(read.reply.result.contents[0].uri, 'test://static-text');
    assert.ok(Number.isInteger(read.reply.result.ttlMs) && ['public', 'private'].includes(read.reply.result.cacheScope), JSON.stringify(read.reply));
    const missing = await client.request('resources/read', { uri: 'test://no-such-resource' });
    assertModernError(missing.http, -32602);
    const prompt = await client.requestWithInput(
      'prompts/get',
      { name: 'test_input_required_result_prompt' },
      { answer: answerFrom({ user_context: { action: 'accept', content: { context: 'e2e' } } }) }
    );
    assert.equal(prompt.rounds.length, 2);
    assertModernComplete(prompt.reply, 'mcp-conformance-test-server');
    assert.equal(prompt.reply.result.messages[0].content.text, 'Use this context: e2e');
    client.assertSchemaValid(t);
  });

  test(
    'an unknown MCP-Protocol-Version header on a request without 2026-07-28 _meta → HTTP 400 + -32022 (spec/mcp-server.md §16.9)',
    T,
    async () => {
      const body = { jsonrpc: '2.0', id: 'v-1', method: 'tools/list', params: {} };
      const r = await httpRequest(server.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2099-01-01', 'Mcp-Method': 'tools/list' },
        body: JSON.stringify(body),
      });
      assert.equal(r.status, 400, r.text);
      const reply = JSON.parse(r.text);
      assert.equal(reply.error?.code, -32022, r.text);
      assert.ok(reply.error.data?.supported?.includes(MODERN_REVISION), r.text);
    }
  );

  test(`${MODERN_REVISION}: an unsupported revision → HTTP 400 + -32022 listing the supported ones`, T, async (t) => {
    const client = new ModernHttpClient(server.url);
    const request = client.buildRequest('tools/list', {}, { meta: { 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } });
    const http = await client.post(request, { headers: { 'MCP-Protocol-Version': '2099-01-01' }, conforming: false });
    const error = assertModernError(http, -32022, 400);
    assert.equal(error.id, request.id);
    assert.equal(error.error.data?.requested, '2099-01-01', JSON.stringify(error));
    for (const v of [MODERN_REVISION, LEGACY]) assert.ok(error.error.data?.supported?.includes(v), JSON.stringify(error));
    client.assertSchemaValid(t);
  });

  test(`${MODERN_REVISION}: unknown and removed methods → HTTP 404 + -32601`, T, async (t) => {
    const client = new ModernHttpClient(server.url);
    for (const method of ['nope/nothing', 'ping', 'logging/setLevel', 'resources/subscribe', 'initialize']) {
      const request = client.buildRequest(method, method === 'logging/setLevel' ? { level: 'info' } : {});
      const http = await client.post(request, { conforming: false });
      await t.test(method, () => {
        assertModernError(http, -32601, 404);
      });
    }
    client.assertSchemaValid(t);
  });

  test(`${MODERN_REVISION}: batches do not exist → HTTP 400 + -32600`, T, async (t) => {
    const client = new ModernHttpClient(server.url);
    const http = await client.post([client.buildRequest('tools/list'), client.buildRequest('server/discover')], {
      headers: { 'Mcp-Method': 'tools/list' },
      conforming: false,
    });
    assert.equal(http.status, 400, http.text);
    assert.equal(http.messages.length, 1, http.text);
    assert.equal(http.messages[0].error?.code, -32600, http.text);
    client.assertSchemaValid(t);
  });

  test(`${MODERN_REVISION}: a handler that ends its stream early (test_reconnection) still delivers its result (nothing to resume)`, T, async (t) => {
    const client = new ModernHttpClient(server.url);
    const { reply } = await client.request('tools/call', { name: 'test_reconnection', arguments: {} });
    assertModernComplete(reply, 'mcp-conformance-test-server');
    assert.equal(onlyText(reply.result), 'Reconnection test completed successfully');
    client.assertSchemaValid(t);
  });

  test(
    `${MODERN_REVISION}: closing the HTTP answer of a running call cancels it (spec/mcp-server.md §16.7, SHOULD)`,
    T,
    async () => {
      const client = new ModernHttpClient(server.url, { idPrefix: 'cancel' });
      const request = client.buildRequest('tools/call', { name: 'test_slow_tool', arguments: { seconds: 3 } });
      await assert.rejects(client.post(request, { timeoutMs: 300 }), /abort|timeout/i);
      const deadline = Date.now() + 5000;
      let line;
      while (Date.now() < deadline && !line) {
        line = server.stderr().split('\n').find((l) => l.includes('tool=test_slow_tool') && l.includes(`${request.id}`) && l.includes('outcome='));
        if (!line) await sleep(50);
      }
      assert.ok(line, 'the call was logged');
      assert.match(line, /outcome=stopped/, line);
    }
  );

  test('GET and DELETE stay 2025-era only', T, async () => {
    // Without a session (what a 2026-07-28 client would send): no stream, no deletion.
    const get = await httpRequest(server.url, {
      method: 'GET',
      headers: { Accept: 'text/event-stream', 'MCP-Protocol-Version': MODERN_REVISION },
    });
    assert.ok(get.status >= 400 && get.status < 500, `GET with ${MODERN_REVISION}: HTTP ${get.status} ${get.text}`);
    assert.ok(!(get.headers['content-type'] ?? '').startsWith('text/event-stream'), JSON.stringify(get.headers));
    const del = await httpRequest(server.url, { method: 'DELETE', headers: { 'MCP-Protocol-Version': MODERN_REVISION } });
    assert.ok(del.status >= 400 && del.status < 500, `DELETE with ${MODERN_REVISION}: HTTP ${del.status} ${del.text}`);
    // A 2025-11-25 session still has both.
    const session = new RawSession(server.url, new MessageRecorder(LEGACY));
    await session.initialize(LEGACY);
    assert.ok(session.sessionId);
    const stream = await openStream(server.url, {
      headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': session.sessionId, 'MCP-Protocol-Version': LEGACY },
    });
    try {
      assert.equal(stream.status, 200);
      assert.match(stream.headers['content-type'] ?? '', /^text\/event-stream/);
    } finally {
      stream.close();
    }
    const deleted = await httpRequest(server.url, {
      method: 'DELETE',
      headers: { 'Mcp-Session-Id': session.sessionId, 'MCP-Protocol-Version': LEGACY },
    });
    assert.ok(deleted.status === 200 || deleted.status === 204, `DELETE of a session: HTTP ${deleted.status}`);
    const gone = await session.request('tools/list', {});
    assert.equal(gone.status, 404, 'the deleted session is gone');
  });

  test(`a ${MODERN_REVISION} POST carrying Mcp-Session-Id is served statelessly`, T, async (t) => {
    const client = new ModernHttpClient(server.url);
    // A made-up session id: no 404 (the header is ignored), no session header echoed.
    const bogus = await client.request('tools/list', {}, { headers: { 'Mcp-Session-Id': 'not-a-session-0123456789' } });
    assertModernComplete(bogus.reply, 'mcp-conformance-test-server');
    assert.equal(bogus.http.status, 200);
    assert.equal(bogus.http.headers['mcp-session-id'], undefined);
    // The id of a live 2025 session: still served as 2026-07-28, the session untouched.
    const session = new RawSession(server.url, new MessageRecorder(LEGACY));
    await session.initialize(LEGACY);
    const live = await client.request('tools/call', { name: 'test_simple_text', arguments: {} }, { headers: { 'Mcp-Session-Id': session.sessionId } });
    assertModernComplete(live.reply, 'mcp-conformance-test-server');
    assert.equal(live.http.headers['mcp-session-id'], undefined);
    const legacyCall = await session.request('tools/call', { name: 'test_simple_text', arguments: {} });
    assert.equal(legacyCall.status, 200, legacyCall.text);
    const legacyResult = legacyCall.messages.find((m) => 'result' in m)?.result;
    assert.ok(legacyResult && !('resultType' in legacyResult), legacyCall.text);
    assert.equal(legacyCall.headers['mcp-session-id'], session.sessionId);
    session.recorder.assertAllValid(t);
    client.assertSchemaValid(t);
  });

  test(`${MODERN_REVISION} subscriptions/listen: acknowledgement, list_changed tagged with the listen id, only opted-in types; closing leaves the server healthy`, T, async (t) => {
    const listener = new ModernHttpClient(server.url, { idPrefix: 'listen' });
    const other = new ModernHttpClient(server.url, { idPrefix: 'other' });
    const stream = await listener.listen({ toolsListChanged: true });
    try {
      assert.equal(stream.status, 200);
      assert.match(stream.contentType, /^text\/event-stream/);
      assert.equal(stream.headers['mcp-session-id'], undefined);
      const ack = await stream.next(() => true, 5000);
      assert.equal(ack.method, 'notifications/subscriptions/acknowledged', `the acknowledgement comes first: ${JSON.stringify(ack)}`);
      assert.equal(ack.params?._meta?.[META_SUBSCRIPTION_ID], stream.request.id, JSON.stringify(ack));
      assert.deepEqual(ack.params.notifications, { toolsListChanged: true }, JSON.stringify(ack));

      // A prompt change (not asked for) and then a tool change, each from another client.
      const prompt = await other.callTool('test_trigger_prompt_change');
      assert.equal(onlyText(prompt.reply.result), 'Mutation triggered');
      const tools = await other.callTool('test_trigger_tool_change');
      assert.equal(onlyText(tools.reply.result), 'Mutation triggered');
      const changed = await stream.next((m) => m.method !== undefined, 5000);
      assert.equal(changed.method, 'notifications/tools/list_changed', `only opted-in notifications: ${JSON.stringify(stream.messages)}`);
      assert.equal(changed.params?._meta?.[META_SUBSCRIPTION_ID], stream.request.id, JSON.stringify(changed));
      // Nothing else arrives: the prompt change was not asked for.
      await sleep(300);
      assert.ok(
        stream.messages.every((m) => m.method === 'notifications/subscriptions/acknowledged' || m.method === 'notifications/tools/list_changed'),
        JSON.stringify(stream.messages)
      );
      assert.ok(!stream.ended, 'the listen stream stays open');
    } finally {
      stream.close();
    }
    await sleep(200);
    assert.ok(pidAlive(server.pid), 'the server survived the closed stream');
    // After the close: another change goes nowhere and requests still work.
    const after = await other.callTool('test_trigger_tool_change');
    assert.equal(onlyText(after.reply.result), 'Mutation triggered');
    const discover = await other.request('server/discover');
    assertModernComplete(discover.reply, 'mcp-conformance-test-server');
    // A second listen works too, and gets its own id on its acknowledgement.
    const again = await listener.listen({ toolsListChanged: true, promptsListChanged: true });
    try {
      const ack = await again.next(() => true, 5000);
      assert.equal(ack.params?._meta?.[META_SUBSCRIPTION_ID], again.request.id);
      assert.deepEqual(ack.params.notifications, { toolsListChanged: true, promptsListChanged: true });
      await other.callTool('test_trigger_prompt_change');
      const changed = await again.next((m) => m.method === 'notifications/prompts/list_changed', 5000);
      assert.equal(changed.params?._meta?.[META_SUBSCRIPTION_ID], again.request.id);
    } finally {
      again.close();
    }
    // resourceSubscriptions replace resources/subscribe: updates of the listed URI, tagged.
    const WATCHED = 'test://watched-resource';
    const watching = await listener.listen({ resourceSubscriptions: [WATCHED] });
    try {
      const ack = await watching.next(() => true, 5000);
      assert.deepEqual(ack.params.notifications, { resourceSubscriptions: [WATCHED] }, JSON.stringify(ack));
      assert.equal(onlyText((await other.callTool('test_update_watched_resource')).reply.result), 'notified');
      const updated = await watching.next((m) => m.method === 'notifications/resources/updated', 5000);
      assert.equal(updated.params.uri, WATCHED);
      assert.equal(updated.params._meta?.[META_SUBSCRIPTION_ID], watching.request.id);
    } finally {
      watching.close();
    }
    await sleep(100);
    listener.assertSchemaValid(t);
    other.assertSchemaValid(t);
  });
});

describe(`${MODERN_REVISION} subscriptions/listen at server shutdown`, { timeout: 60000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer({ binary: conformanceServerBinary() });
  });
  after(async () => {
    await server?.stop();
  });

  test('SIGTERM ends an open listen stream with its final result (resultType complete, subscriptionId), then exit 0', T, async (t) => {
    const client = new ModernHttpClient(server.url);
    const stream = await client.listen({ toolsListChanged: true });
    const ack = await stream.next(() => true, 5000);
    assert.equal(ack.method, 'notifications/subscriptions/acknowledged');
    process.kill(server.pid, 'SIGTERM');
    const exited = await server.waitForExit(10000);
    assert.deepEqual(exited, { code: 0, signal: null }, `exit within 10 s: ${server.stderr()}`);
    const final = await stream.next((m) => 'id' in m, 5000);
    assert.equal(final.id, stream.request.id);
    assert.equal(final.result?.resultType, 'complete', JSON.stringify(final));
    assert.equal(final.result._meta?.[META_SUBSCRIPTION_ID], stream.request.id, JSON.stringify(final));
    client.assertSchemaValid(t);
  });
});

describe(`${MODERN_REVISION} request state across replicas (MCP_REQUEST_STATE_SECRET)`, { timeout: 120000 }, () => {
  const TOOL = 'test_input_required_result_multi_round';
  const secret = `e2e-shared-${process.pid}-${Date.now()}`;
  const servers = {};
  before(async () => {
    const binary = conformanceServerBinary();
    [servers.a, servers.b, servers.c] = await Promise.all([
      startHttpServer({ binary, env: { MCP_REQUEST_STATE_SECRET: secret } }),
      startHttpServer({ binary, env: { MCP_REQUEST_STATE_SECRET: secret } }),
      startHttpServer({ binary, env: { MCP_REQUEST_STATE_SECRET: `${secret}-other` } }),
    ]);
  });
  after(async () => {
    await Promise.all(Object.values(servers).map((s) => s?.stop()));
  });

  const caps = { elicitation: {} };
  const step1 = { step1: { action: 'accept', content: { name: 'Ada' } } };
  const step2 = { step2: { action: 'accept', content: { color: 'blue' } } };

  test('round 1 on A, round 2 on B, round 3 on A: completes', T, async (t) => {
    assert.notEqual(servers.a.port, servers.b.port);
    const onA = new ModernHttpClient(servers.a.url, { capabilities: caps, idPrefix: 'a' });
    const onB = new ModernHttpClient(servers.b.url, { capabilities: caps, idPrefix: 'b' });
    const params = { name: TOOL, arguments: {} };
    const r1 = await onA.request('tools/call', params);
    assert.equal(r1.reply.result?.resultType, 'input_required', JSON.stringify(r1.reply));
    assert.deepEqual(Object.keys(r1.reply.result.inputRequests), ['step1']);
    const r2 = await onB.request('tools/call', { ...params, inputResponses: step1, requestState: r1.reply.result.requestState });
    assert.equal(r2.reply.result?.resultType, 'input_required', JSON.stringify(r2.reply));
    assert.deepEqual(Object.keys(r2.reply.result.inputRequests), ['step2']);
    assert.equal(r2.reply.result.inputRequests.step2.params.message, 'Step 2: What is your favorite color?');
    const r3 = await onA.request('tools/call', { ...params, inputResponses: step2, requestState: r2.reply.result.requestState });
    assertModernComplete(r3.reply, 'mcp-conformance-test-server');
    assert.equal(onlyText(r3.reply.result), 'Ada likes blue');
    onA.assertSchemaValid(t);
    onB.assertSchemaValid(t);
  });

  test('a replica with another secret refuses the state with -32602', T, async (t) => {
    const onA = new ModernHttpClient(servers.a.url, { capabilities: caps, idPrefix: 'a' });
    const onC = new ModernHttpClient(servers.c.url, { capabilities: caps, idPrefix: 'c' });
    const params = { name: TOOL, arguments: {} };
    const r1 = await onA.request('tools/call', params);
    assert.equal(r1.reply.result?.resultType, 'input_required');
    const r2 = await onC.request('tools/call', { ...params, inputResponses: step1, requestState: r1.reply.result.requestState });
    assertModernError(r2.http, -32602);
    // C's own rounds work; A still accepts its state.
    const own = await onC.callTool(TOOL, {}, { answer: answerFrom({ ...step1, ...step2 }) });
    assert.equal(onlyText(own.reply.result), 'Ada likes blue');
    const back = await onA.request('tools/call', { ...params, inputResponses: step1, requestState: r1.reply.result.requestState });
    assert.equal(back.reply.result?.resultType, 'input_required', JSON.stringify(back.reply));
    onA.assertSchemaValid(t);
    onC.assertSchemaValid(t);
  });
});
