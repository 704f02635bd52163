// Every limit and guard of the server, attacked over a real socket (docs/security.md): each test
// sends the hostile input, checks the status code (and the JSON-RPC error code where there is a
// body), then checks that the same server still answers a good request.
//
// Raw TCP (lib/raw_socket.mjs) wherever an HTTP client would normalise the input: oversized
// headers, bodies that never come, ambiguous framing, obs-fold, missing or duplicate Host,
// bytes trickled one at a time, idle connections. node:http (lib/http.mjs, lib/sse.mjs) where
// the request is ordinary and only the server's state is under attack.
//
// Covered elsewhere and not repeated: the 100 MB streamed body with its memory bound
// (http_raw.test.mjs) and Content-Length + "Transfer-Encoding: gzip" (ops.test.mjs). Repeated
// here because those tests do not check the JSON-RPC error or the server afterwards: 431
// (ops.test.mjs) and Host evil.example.com / Origin http://evil.example.com (http_raw.test.mjs).
//
// The guards (request smuggling, DNS rebinding, stream isolation) are in guards.test.mjs.
//
// Servers: arcade-eval-ref (ARCADE_EVAL_REF_BIN) for transport limits, conformance-server
// (CONFORMANCE_SERVER_BIN) for slow tools, elicitation and resumable streams. Each describe
// starts its own server with the limit under test set low, and stops it by PID.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conformanceServerBinary } from './lib/config.mjs';
import { httpRequest, RawSession } from './lib/http.mjs';
import { pidAlive } from './lib/process.mjs';
import { exchangeOnce, mcpHeaders, RawConnection, rawRequest, sleep } from './lib/raw_socket.mjs';
import { MessageRecorder } from './lib/recorder.mjs';
import { startHttpServer, startStdioServer } from './lib/server.mjs';
import { eventMessage, openEventStream } from './lib/sse.mjs';
import { assertPing, assertServes, describeResponse, initializeMessage, REV, rpcError } from './lib/attack.mjs';

const T = { timeout: 20000 };

// ---------------------------------------------------------------------------------------------
describe('limits: header and body size', { timeout: 60000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer({ env: { ARCADE_SERVER_MAX_BODY_BYTES: '4096' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('a 9 KB header block is 431 with a JSON-RPC error, the connection closes, the server serves on', T, async () => {
    const raw = rawRequest({
      method: 'GET',
      headers: [['Host', `127.0.0.1:${server.port}`], ['Accept', 'text/event-stream'], ['X-Big', 'a'.repeat(9000)]],
    });
    const { response, closed } = await exchangeOnce(server.port, raw);
    assert.equal(response.status, 431, describeResponse(response));
    assert.equal(rpcError(response).code, -32000, describeResponse(response));
    assert.equal(response.header('connection'), 'close', describeResponse(response));
    assert.ok(closed, 'the server closes the connection');
    await assertServes(server);
  });

  test('a declared body over ARCADE_SERVER_MAX_BODY_BYTES is 413 before a byte of it is sent', T, async () => {
    const conn = await RawConnection.open(server.port);
    try {
      // Only the header: the answer must come although the 10 MB never follow.
      conn.write(rawRequest({ headers: [...mcpHeaders(server.port), ['Content-Length', String(10 * 1024 * 1024)]] }));
      const response = await conn.response(3000);
      assert.equal(response.status, 413, describeResponse(response));
      const error = rpcError(response);
      assert.equal(error.code, -32000, describeResponse(response));
      assert.match(error.message, /4096/, 'the message names the limit');
      assert.equal(response.header('connection'), 'close', describeResponse(response));
      assert.ok(await conn.waitClosed(5000), 'the server closes (after draining at most 2 s)');
    } finally {
      conn.destroy();
    }
    await assertServes(server);
  });

  test('with Expect: 100-continue an oversized body gets 413, never 100 Continue', T, async () => {
    const raw = rawRequest({
      headers: [...mcpHeaders(server.port), ['Content-Length', '5000'], ['Expect', '100-continue']],
    });
    const { response, closed } = await exchangeOnce(server.port, raw);
    assert.equal(response.status, 413, describeResponse(response));
    assert.ok(closed, 'the server closes the connection');
    await assertServes(server);
  });

  test('a chunked body growing over the limit is 413 and the connection closes', T, async () => {
    const chunk = `1000\r\n${'a'.repeat(4096)}\r\n`;
    const raw = rawRequest({
      headers: [...mcpHeaders(server.port), ['Transfer-Encoding', 'chunked']],
      body: `${chunk}${chunk}0\r\n\r\n`,
    });
    const { response, closed } = await exchangeOnce(server.port, raw);
    assert.equal(response.status, 413, describeResponse(response));
    assert.equal(rpcError(response).code, -32000, describeResponse(response));
    assert.ok(closed, 'the server closes the connection');
    await assertServes(server);
  });

  test('a body of exactly the limit is read and parsed (no off-by-one)', T, async () => {
    const base = JSON.stringify({ ...initializeMessage(), pad: '' });
    const body = base.replace('"pad":""', `"pad":"${'x'.repeat(4096 - Buffer.byteLength(base))}"`);
    assert.equal(Buffer.byteLength(body), 4096);
    const { response } = await exchangeOnce(server.port, rawRequest({ headers: mcpHeaders(server.port), body }));
    assert.equal(response.status, 200, describeResponse(response));
  });
});

// ---------------------------------------------------------------------------------------------
const DEPTH = 8;
const STRING_BYTES = 1000;

/** A ping whose params nest to exactly `depth` levels counting the message object itself. */
function pingWithDepth(id, depth) {
  // message {1} params {2} _meta {3} x [4] ... : depth - 3 arrays under _meta.x
  const arrays = depth - 3;
  return `{"jsonrpc":"2.0","id":${id},"method":"ping","params":{"_meta":{"x":${'['.repeat(arrays)}${']'.repeat(arrays)}}}}`;
}

/** A ping carrying one string of exactly `bytes` bytes. */
function pingWithString(id, bytes) {
  return JSON.stringify({ jsonrpc: '2.0', id, method: 'ping', params: { _meta: { s: 'x'.repeat(bytes) } } });
}

describe('limits: JSON nesting depth and string length over HTTP', { timeout: 60000 }, () => {
  let server;
  let session;
  const recorder = new MessageRecorder(REV);
  before(async () => {
    server = await startHttpServer({
      env: { ARCADE_SERVER_MAX_JSON_DEPTH: String(DEPTH), ARCADE_SERVER_MAX_STRING_BYTES: String(STRING_BYTES) },
    });
    session = await assertServes(server, recorder);
  });
  after(async () => {
    await server?.stop();
  });

  test(`nesting deeper than ARCADE_SERVER_MAX_JSON_DEPTH=${DEPTH} is 400 with -32600 naming the nesting`, T, async () => {
    const r = await session.post(null, { rawBody: pingWithDepth(session.nextId++, DEPTH + 1) });
    assert.equal(r.status, 400, describeResponse(r));
    assert.equal(r.messages[0]?.error?.code, -32600, describeResponse(r));
    assert.match(r.messages[0].error.message, /nest/i, describeResponse(r));
    await assertPing(session);
  });

  test('a deeply nested body (100 000 levels) is refused the same way and does not crash the server', T, async () => {
    const deep = `{"jsonrpc":"2.0","id":${session.nextId++},"method":"ping","params":{"x":${'['.repeat(100000)}${']'.repeat(100000)}}}`;
    const r = await session.post(null, { rawBody: deep });
    assert.equal(r.status, 400, describeResponse(r));
    assert.equal(r.messages[0]?.error?.code, -32600, describeResponse(r));
    await assertPing(session);
  });

  test(`nesting of exactly ${DEPTH} levels is accepted`, T, async () => {
    const id = session.nextId++;
    const r = await session.post(null, { rawBody: pingWithDepth(id, DEPTH), recordAs: { jsonrpc: '2.0', id, method: 'ping' } });
    assert.equal(r.status, 200, describeResponse(r));
    assert.deepEqual(r.messages[0]?.result, {}, describeResponse(r));
  });

  test(`a string longer than ARCADE_SERVER_MAX_STRING_BYTES=${STRING_BYTES} is 400 with -32600`, T, async () => {
    const r = await session.post(null, { rawBody: pingWithString(session.nextId++, STRING_BYTES + 1) });
    assert.equal(r.status, 400, describeResponse(r));
    assert.equal(r.messages[0]?.error?.code, -32600, describeResponse(r));
    assert.match(r.messages[0].error.message, /string/i, describeResponse(r));
    await assertPing(session);
  });

  test('a key longer than the limit is refused too', T, async () => {
    const body = `{"jsonrpc":"2.0","id":${session.nextId++},"method":"ping","params":{"${'k'.repeat(STRING_BYTES + 1)}":1}}`;
    const r = await session.post(null, { rawBody: body });
    assert.equal(r.status, 400, describeResponse(r));
    assert.equal(r.messages[0]?.error?.code, -32600, describeResponse(r));
    await assertPing(session);
  });

  test(
    `a string of exactly ${STRING_BYTES} bytes is accepted`,
    T,
    async () => {
      const id = session.nextId++;
      const r = await session.post(null, { rawBody: pingWithString(id, STRING_BYTES), recordAs: { jsonrpc: '2.0', id, method: 'ping' } });
      assert.equal(r.status, 200, describeResponse(r));
    }
  );

  test(`a string of ${STRING_BYTES - 1} bytes is accepted`, T, async () => {
    const id = session.nextId++;
    const r = await session.post(null, { rawBody: pingWithString(id, STRING_BYTES - 1), recordAs: { jsonrpc: '2.0', id, method: 'ping' } });
    assert.equal(r.status, 200, describeResponse(r));
  });

  test('every JSON-RPC message in the bodies matches the MCP schema', T, (t) => recorder.assertAllValid(t));
});

describe('limits: JSON nesting depth and string length over stdio', { timeout: 60000 }, () => {
  let server;
  before(async () => {
    server = await startStdioServer({
      env: { ARCADE_SERVER_MAX_JSON_DEPTH: String(DEPTH), ARCADE_SERVER_MAX_STRING_BYTES: String(STRING_BYTES) },
    });
    server.send(initializeMessage(1));
    const init = JSON.parse(await server.lines.next(5000));
    assert.equal(init.result?.protocolVersion, REV, JSON.stringify(init));
    server.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  });
  after(async () => {
    await server?.stop();
  });

  /** Sends `line`, expects one error line of `code` without an id, then a ping that is served. */
  async function refusedThenServed(line, pingId, pattern) {
    server.send(line);
    const reply = JSON.parse(await server.lines.next(5000));
    assert.equal(reply.error?.code, -32600, JSON.stringify(reply));
    assert.match(reply.error.message, pattern, JSON.stringify(reply));
    // The id could not be read from a refused message: the project omits it (as for -32700).
    assert.ok(reply.id === undefined || reply.id === null, `no id: ${JSON.stringify(reply)}`);
    server.send({ jsonrpc: '2.0', id: pingId, method: 'ping' });
    const ping = JSON.parse(await server.lines.next(5000));
    assert.deepEqual(ping, { jsonrpc: '2.0', id: pingId, result: {} });
  }

  test(`nesting deeper than ${DEPTH}: an error line -32600, and the next line is served`, T, async () => {
    await refusedThenServed(pingWithDepth(2, DEPTH + 1), 3, /nest/i);
  });

  test(`a string longer than ${STRING_BYTES} bytes: an error line -32600, and the next line is served`, T, async () => {
    await refusedThenServed(pingWithString(4, STRING_BYTES + 1), 5, /string/i);
  });

  test('nothing but JSON lines on stdout', T, () => {
    for (const line of server.lines.raw.split('\n').filter(Boolean)) JSON.parse(line);
    assert.ok(pidAlive(server.pid));
  });
});

// ---------------------------------------------------------------------------------------------
/** initialize, initialized and ping on one raw keep-alive connection; returns the session id. */
async function servesOnRawConnection(port) {
  const conn = await RawConnection.open(port);
  try {
    conn.write(rawRequest({ headers: mcpHeaders(port), body: JSON.stringify(initializeMessage(1)) }));
    const init = await conn.response(5000);
    assert.equal(init.status, 200, describeResponse(init));
    const sessionId = init.header('mcp-session-id');
    assert.match(sessionId ?? '', /^[0-9a-f]{32}$/, describeResponse(init));
    conn.write(rawRequest({ headers: mcpHeaders(port, { sessionId }), body: '{"jsonrpc":"2.0","method":"notifications/initialized"}' }));
    assert.equal((await conn.response(5000)).status, 202);
    conn.write(rawRequest({ headers: mcpHeaders(port, { sessionId }), body: '{"jsonrpc":"2.0","id":2,"method":"ping"}' }));
    const ping = await conn.response(5000);
    assert.equal(ping.status, 200, describeResponse(ping));
    assert.deepEqual(JSON.parse(ping.body), { jsonrpc: '2.0', id: 2, result: {} });
    return sessionId;
  } finally {
    conn.destroy();
  }
}

describe('limits: connection cap (ARCADE_SERVER_MAX_CONNECTIONS=4)', { timeout: 60000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer({ env: { ARCADE_SERVER_MAX_CONNECTIONS: '4' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('4 idle connections held: the 5th gets 503 and is closed; after closing one a new connection works', T, async () => {
    const idle = [];
    try {
      for (let i = 0; i < 4; i++) idle.push(await RawConnection.open(server.port));
      await sleep(300);  // let the server accept all four
      const fifth = await RawConnection.open(server.port);
      try {
        const response = await fifth.response(3000);
        assert.equal(response.status, 503, describeResponse(response));
        assert.equal(response.header('retry-after'), '1', describeResponse(response));
        assert.equal(response.header('connection'), 'close', describeResponse(response));
        assert.ok(await fifth.waitClosed(3000), 'the refused connection is closed');
      } finally {
        fifth.destroy();
      }
      assert.ok(idle.every((c) => !c.ended), 'the four held connections stay open');
      idle[0].destroy();
      await sleep(300);  // the server sees the close and releases the slot
      await servesOnRawConnection(server.port);
    } finally {
      for (const c of idle) c.destroy();
    }
    // With every held connection gone the server serves ordinary clients again.
    await sleep(300);
    await assertServes(server);
  });
});

// ---------------------------------------------------------------------------------------------
describe('limits: sessions per client (MCP_TRANSPORT_MAX_SESSIONS_PER_CLIENT=3), busy sessions', { timeout: 60000 }, () => {
  let server;
  const recorder = new MessageRecorder(REV);
  before(async () => {
    server = await startHttpServer({ env: { MCP_TRANSPORT_MAX_SESSIONS_PER_CLIENT: '3' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('3 sessions each with an open GET stream: a 4th initialize is 503 with Retry-After', T, async () => {
    const sessions = [];
    const streams = [];
    try {
      for (let i = 0; i < 3; i++) {
        const s = new RawSession(server.url, recorder);
        await s.initialize(REV);
        const stream = await openEventStream(server.url, {
          headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': s.sessionId, 'MCP-Protocol-Version': REV },
        });
        assert.equal(stream.status, 200);
        sessions.push(s);
        streams.push(stream);
      }
      const fourth = new RawSession(server.url, recorder);
      const r = await fourth.request('initialize', initializeMessage().params);
      assert.equal(r.status, 503, describeResponse(r));
      assert.equal(r.headers['retry-after'], '5', describeResponse(r));
      assert.equal(r.messages[0]?.error?.code, -32000, describeResponse(r));
      assert.match(r.messages[0].error.message, /too many sessions/i, describeResponse(r));
      assert.equal(r.headers['mcp-session-id'], undefined, 'no session was created');
      // None of the busy sessions was evicted; they still serve.
      for (const s of sessions) await assertPing(s, 'ping on a busy session');
      // Ending one session makes room for a new one.
      const del = await httpRequest(server.url, { method: 'DELETE', headers: sessions[0].headers() });
      assert.equal(del.status, 200, describeResponse(del));
      assert.ok(await streams[0].waitEnd(3000), 'the deleted session\'s GET stream ends');
      await assertServes(server, recorder);
    } finally {
      for (const s of streams) s.close();
    }
  });

  test('every JSON-RPC message in the bodies matches the MCP schema', T, (t) => recorder.assertAllValid(t));
});

describe('limits: sessions per client (MCP_TRANSPORT_MAX_SESSIONS_PER_CLIENT=3), idle sessions', { timeout: 60000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer({ env: { MCP_TRANSPORT_MAX_SESSIONS_PER_CLIENT: '3' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('a 4th initialize evicts the longest-idle session: its id is then 404, the others work', T, async () => {
    const recorder = new MessageRecorder(REV);
    const [a, b, c] = [0, 1, 2].map(() => new RawSession(server.url, recorder));
    for (const s of [a, b, c]) {
      await s.initialize(REV);
      await sleep(20);
    }
    await assertPing(b);  // b and c used after a: a is the longest idle
    await assertPing(c);
    const d = new RawSession(server.url, recorder);
    const { response } = await d.initialize(REV);
    assert.equal(response.status, 200, describeResponse(response));
    const gone = await a.request('ping');
    assert.equal(gone.status, 404, `the evicted session: ${describeResponse(gone)}`);
    assert.equal(gone.messages[0]?.error?.code, -32001, describeResponse(gone));
    for (const s of [b, c, d]) await assertPing(s);
  });
});

// ---------------------------------------------------------------------------------------------
describe('limits: requests per session (ARCADE_SERVER_MAX_REQUESTS_PER_SESSION=2)', { timeout: 60000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer({ binary: conformanceServerBinary(), env: { ARCADE_SERVER_MAX_REQUESTS_PER_SESSION: '2' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('two slow calls in flight: a third POST on the session is 429 with Retry-After; other sessions unaffected', T, async () => {
    const recorder = new MessageRecorder(REV);
    const session = await assertServes(server, recorder);
    const slow = [1, 2].map(() => {
      const message = { jsonrpc: '2.0', id: session.nextId++, method: 'tools/call', params: { name: 'test_slow_tool', arguments: { seconds: 3 } } };
      return httpRequest(server.url, { headers: session.headers(), body: JSON.stringify(message), timeoutMs: 10000 });
    });
    await sleep(500);
    const third = await session.request('ping');
    assert.equal(third.status, 429, describeResponse(third));
    assert.equal(third.headers['retry-after'], '5', describeResponse(third));
    assert.equal(third.messages[0]?.error?.code, -32000, describeResponse(third));
    assert.match(third.messages[0].error.message, /too many requests/i, describeResponse(third));
    const other = await assertServes(server, recorder);  // another session of the same client
    await assertPing(other);
    for (const r of await Promise.all(slow)) {
      assert.equal(r.status, 200, describeResponse(r));
      assert.match(r.text, /completed/, describeResponse(r));
    }
    await assertPing(session, 'ping once the slow calls finished');
  });
});

// ---------------------------------------------------------------------------------------------
describe('limits: pending client requests per session (ARCADE_SERVER_MAX_PENDING_CLIENT_REQUESTS=1)', { timeout: 60000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer({ binary: conformanceServerBinary(), env: { ARCADE_SERVER_MAX_PENDING_CLIENT_REQUESTS: '1' } });
  });
  after(async () => {
    await server?.stop();
  });

  async function elicitingSession(recorder) {
    const session = new RawSession(server.url, recorder);
    const r = await session.request('initialize', initializeMessage(undefined, { elicitation: {} }).params);
    assert.equal(r.status, 200, describeResponse(r));
    session.sessionId = r.headers['mcp-session-id'];
    session.protocolVersion = REV;
    assert.equal((await session.post({ jsonrpc: '2.0', method: 'notifications/initialized' })).status, 202);
    return session;
  }

  test('a second elicitation while the first waits for the client: isError "too many requests waiting"', T, async (t) => {
    const recorder = new MessageRecorder(REV);
    const session = await elicitingSession(recorder);
    const firstId = session.nextId++;
    const first = await openEventStream(server.url, {
      method: 'POST',
      headers: session.headers(),
      body: JSON.stringify({ jsonrpc: '2.0', id: firstId, method: 'tools/call', params: { name: 'test_elicitation', arguments: { message: 'one' } } }),
    });
    try {
      assert.equal(first.status, 200);
      const asked = eventMessage(await first.next((e) => eventMessage(e)?.method === 'elicitation/create', 5000));
      // The client never answers it. A second call needs a second pending request: refused.
      const second = await session.request('tools/call', { name: 'test_elicitation', arguments: { message: 'two' } });
      assert.equal(second.status, 200, describeResponse(second));
      const result = second.messages.find((m) => m.id === session.nextId - 1)?.result;
      assert.equal(result?.isError, true, describeResponse(second));
      assert.match(result.content?.[0]?.text ?? '', /too many requests.*waiting/i, describeResponse(second));
      assert.ok(
        !second.messages.some((m) => m.method === 'elicitation/create'),
        `no second elicitation was sent: ${describeResponse(second)}`
      );

      // Isolation: another session answering the first request's id does not settle it.
      const intruder = await elicitingSession(recorder);
      const spoof = await intruder.post({ jsonrpc: '2.0', id: asked.id, result: { action: 'accept', content: { username: 'x', email: 'x' } } });
      t.diagnostic(`another session's answer to that id: HTTP ${spoof.status}`);
      assert.ok(spoof.status === 202 || (spoof.status >= 400 && spoof.status < 500), describeResponse(spoof));
      await sleep(500);
      assert.ok(!first.events.some((e) => eventMessage(e)?.id === firstId), 'the first call is still waiting for its own client');

      // The good request: the first call's own client answers, and the call completes.
      const answer = await session.post({ jsonrpc: '2.0', id: asked.id, result: { action: 'decline' } });
      assert.equal(answer.status, 202, describeResponse(answer));
      const done = eventMessage(await first.next((e) => eventMessage(e)?.id === firstId, 5000));
      assert.match(done.result?.content?.[0]?.text ?? '', /^User response: action=decline/, JSON.stringify(done));
      await assertPing(session);
    } finally {
      first.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('limits: tool time limit (ARCADE_TOOL_TIMEOUT_SECONDS=1)', { timeout: 60000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer({ binary: conformanceServerBinary(), env: { ARCADE_TOOL_TIMEOUT_SECONDS: '1' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('test_slow_tool {seconds: 10} ends in 1-3 s with a retryable TOOL_RUNTIME_RETRY isError result', T, async () => {
    const session = await assertServes(server);
    const started = Date.now();
    const r = await session.request('tools/call', { name: 'test_slow_tool', arguments: { seconds: 10 } });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900 && elapsed <= 3000, `answered after ${elapsed} ms`);
    assert.equal(r.status, 200, describeResponse(r));
    const result = r.messages.at(-1)?.result;
    assert.equal(result?.isError, true, describeResponse(r));
    assert.match(result.content?.[0]?.text ?? '', /TOOL_RUNTIME_RETRY/, describeResponse(r));
    assert.match(result.content[0].text, /1000 ms/, describeResponse(r));
    // The server serves on: a quick tool and a ping on the same session.
    const quick = await session.request('tools/call', { name: 'test_simple_text', arguments: {} });
    assert.equal(quick.status, 200, describeResponse(quick));
    assert.notEqual(quick.messages[0]?.result?.isError, true, describeResponse(quick));
    await assertPing(session);
  });
});

// ---------------------------------------------------------------------------------------------
describe('limits: slow senders (ARCADE_SERVER_READ_TIMEOUT_SECONDS=2)', { timeout: 90000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer({
      env: { ARCADE_SERVER_READ_TIMEOUT_SECONDS: '2', ARCADE_SERVER_KEEP_ALIVE_TIMEOUT_SECONDS: '6' },
    });
  });
  after(async () => {
    await server?.stop();
  });

  const slowHeader = (port) => `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: ${'a'.repeat(40)}\r\n\r\n`;

  /** Asserts the connection was closed 1.5-4.5 s after `since` and got no successful answer. */
  function assertCutOff(conn, since, what) {
    assert.ok(conn.ended, `${what}: the server closed the connection`);
    const after = conn.closedAt - since;
    assert.ok(after >= 1500 && after <= 4500, `${what}: closed ${after} ms after it started (read timeout 2 s)`);
    assert.ok(!conn.responses().some((r) => r.status < 400), `${what}: no successful answer: ${JSON.stringify(conn.text)}`);
  }

  test('a header trickled one byte per 500 ms is cut off after the read timeout', T, async () => {
    const conn = await RawConnection.open(server.port);
    try {
      const started = Date.now();
      const outcome = await conn.trickle(slowHeader(server.port), 500);
      assert.ok(outcome.closed, `closed before the header was complete (${outcome.sent} bytes sent)`);
      assertCutOff(conn, started, 'header trickle');
    } finally {
      conn.destroy();
    }
    await assertServes(server);
  });

  test('a body trickled one byte per 500 ms is cut off after the read timeout', T, async () => {
    const conn = await RawConnection.open(server.port);
    try {
      conn.write(rawRequest({ headers: [...mcpHeaders(server.port), ['Content-Length', '200']] }));
      const started = Date.now();
      const outcome = await conn.trickle(JSON.stringify(initializeMessage()).padEnd(200, ' '), 500);
      assert.ok(outcome.closed, `closed before the body was complete (${outcome.sent} bytes sent)`);
      assertCutOff(conn, started, 'body trickle');
    } finally {
      conn.destroy();
    }
    await assertServes(server);
  });

  test('a connection that never sends a byte is closed after the read timeout', T, async () => {
    const conn = await RawConnection.open(server.port);
    try {
      assert.ok(await conn.waitClosed(6000), 'closed');
      assertCutOff(conn, conn.openedAt, 'silent connection');
    } finally {
      conn.destroy();
    }
    await assertServes(server);
  });

  test(
    'on a kept-alive connection, a trickled second request is cut off after the read timeout too',
    T,
    async () => {
      const conn = await RawConnection.open(server.port);
      try {
        conn.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
        const first = await conn.response(3000);
        assert.equal(first.status, 200, describeResponse(first));
        const started = Date.now();
        const outcome = await conn.trickle(slowHeader(server.port), 500);
        assert.ok(outcome.closed, `closed before the header was complete (${outcome.sent} bytes sent)`);
        const after = conn.closedAt - started;
        assert.ok(after <= 4500, `closed ${after} ms after the second request started (read timeout 2 s, keep-alive 6 s)`);
      } finally {
        conn.destroy();
      }
      await assertServes(server);
    }
  );
});

describe('limits: idle keep-alive (ARCADE_SERVER_KEEP_ALIVE_TIMEOUT_SECONDS=1)', { timeout: 60000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer({ env: { ARCADE_SERVER_KEEP_ALIVE_TIMEOUT_SECONDS: '1' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('an idle connection after a response is closed by the server within 1-3 s', T, async () => {
    const conn = await RawConnection.open(server.port);
    try {
      const healthz = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`;
      conn.write(healthz);
      assert.equal((await conn.response(3000)).status, 200);
      // A request within the keep-alive time is served on the same connection...
      await sleep(300);
      conn.write(healthz);
      const second = await conn.response(3000);
      assert.equal(second.status, 200, describeResponse(second));
      assert.notEqual(second.header('connection'), 'close', describeResponse(second));
      // ...then silence: the server closes.
      const idleSince = Date.now();
      assert.ok(await conn.waitClosed(5000), 'the server closes the idle connection');
      const after = conn.closedAt - idleSince;
      assert.ok(after >= 700 && after <= 3000, `closed ${after} ms after the last response (keep-alive 1 s)`);
    } finally {
      conn.destroy();
    }
    await assertServes(server);
  });
});
