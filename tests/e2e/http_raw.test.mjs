// Raw Streamable HTTP tests (node:http, no SDK): status codes and headers the
// transport must produce (session ids, 202, 400/403/404/406/413/415), the
// Add overflow sent as a 64-bit literal, the SSE GET stream, /mcp/ vs /mcp,
// oversized bodies without memory growth, and exit code 0 on SIGTERM.
// Every JSON-RPC message in a response body is checked against the schema.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { httpRequest, MCP_ACCEPT, openStream, RawSession } from './lib/http.mjs';
import { pidAlive, rssKb } from './lib/process.mjs';
import { MessageRecorder } from './lib/recorder.mjs';
import { startHttpServer } from './lib/server.mjs';

const T = { timeout: 20000 };
const SESSION_ID = /^[0-9a-f]{32}$/;

function describeResponse(r) {
  return `HTTP ${r.status} ${JSON.stringify(r.headers)} ${r.text.slice(0, 500)}`;
}

describe('raw Streamable HTTP', { timeout: 180000 }, () => {
  let server;
  let recorder;
  let session;
  before(async () => {
    server = await startHttpServer();
    recorder = new MessageRecorder('2025-11-25');
    session = new RawSession(server.url, recorder);
  });
  after(async () => {
    await server?.stop();
  });

  test('initialize: 200 JSON with a 32-hex session id', T, async () => {
    const response = await session.request('initialize', {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'raw', version: '0.0.0' },
    });
    assert.equal(response.status, 200, describeResponse(response));
    assert.match(response.headers['content-type'] ?? '', /^application\/json/, describeResponse(response));
    assert.match(response.headers['mcp-session-id'] ?? '', SESSION_ID, describeResponse(response));
    assert.equal(response.messages.length, 1);
    assert.equal(response.messages[0].result?.protocolVersion, '2025-11-25');
    session.sessionId = response.headers['mcp-session-id'];
    session.protocolVersion = '2025-11-25';
  });

  test('notifications/initialized: 202 with an empty body', T, async () => {
    const response = await session.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    assert.equal(response.status, 202, describeResponse(response));
    assert.equal(response.text, '', describeResponse(response));
  });

  test('tools/call Add 2+3 = 5', T, async () => {
    const response = await session.request('tools/call', {
      name: 'ArcadeEvalRef_Add',
      arguments: { a: 2, b: 3 },
    });
    assert.equal(response.status, 200, describeResponse(response));
    const result = response.messages[0]?.result;
    assert.deepEqual(result?.content, [{ type: 'text', text: '5' }], describeResponse(response));
    assert.deepEqual(result?.structuredContent, { result: 5 });
  });

  test('tools/call Add INT64_MAX + 1 is isError mentioning overflow', T, async () => {
    const id = session.nextId++;
    const rawBody =
      `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":` +
      '{"name":"ArcadeEvalRef_Add","arguments":{"a":9223372036854775807,"b":1}}}';
    const response = await session.post(null, { rawBody, recordAs: JSON.parse(rawBody) });
    assert.equal(response.status, 200, describeResponse(response));
    const result = response.messages[0]?.result;
    assert.equal(result?.isError, true, describeResponse(response));
    assert.match(result.content?.[0]?.text ?? '', /overflow/i, describeResponse(response));
  });

  test('unknown session id: 404', T, async () => {
    const response = await session.request('tools/list', undefined, {
      headers: { 'Mcp-Session-Id': '0123456789abcdef0123456789abcdef' },
    });
    assert.equal(response.status, 404, describeResponse(response));
  });

  test('missing session id on a non-initialize request: 400', T, async () => {
    const response = await session.request('tools/list', undefined, { headers: { 'Mcp-Session-Id': undefined } });
    assert.equal(response.status, 400, describeResponse(response));
  });

  test('foreign Origin: 403', T, async () => {
    const response = await session.request('tools/list', undefined, {
      headers: { Origin: 'http://evil.example.com' },
    });
    assert.equal(response.status, 403, describeResponse(response));
  });

  test('foreign Host: 403', T, async () => {
    const response = await session.request('tools/list', undefined, { headers: { Host: 'evil.example.com' } });
    assert.equal(response.status, 403, describeResponse(response));
  });

  test('Accept without text/event-stream: 406', T, async () => {
    const response = await session.request('tools/list', undefined, { headers: { Accept: 'application/json' } });
    assert.equal(response.status, 406, describeResponse(response));
  });

  test('Content-Type text/plain: 415', T, async () => {
    const response = await session.request('tools/list', undefined, { headers: { 'Content-Type': 'text/plain' } });
    assert.equal(response.status, 415, describeResponse(response));
  });

  test('unsupported MCP-Protocol-Version: 400', T, async () => {
    const response = await session.request('tools/list', undefined, {
      headers: { 'MCP-Protocol-Version': '1999-01-01' },
    });
    assert.equal(response.status, 400, describeResponse(response));
  });

  test('invalid JSON: 400 with JSON-RPC error -32700', T, async () => {
    const response = await session.post(null, { rawBody: '{"jsonrpc": "2.0", "id": 1, "method": ' });
    assert.equal(response.status, 400, describeResponse(response));
    assert.equal(response.messages.length, 1, describeResponse(response));
    assert.equal(response.messages[0].error?.code, -32700, describeResponse(response));
    assert.ok(!('id' in response.messages[0]), `parse error must carry no id: ${describeResponse(response)}`);
  });

  test('GET with a session: 200 text/event-stream', T, async () => {
    const stream = await openStream(server.url, {
      headers: {
        Accept: 'text/event-stream',
        'Mcp-Session-Id': session.sessionId,
        'MCP-Protocol-Version': session.protocolVersion,
      },
    });
    try {
      assert.equal(stream.status, 200, JSON.stringify(stream.headers));
      assert.match(stream.headers['content-type'] ?? '', /^text\/event-stream/);
    } finally {
      stream.close();
    }
  });

  test('/mcp/ works like /mcp (no redirect)', T, async () => {
    const other = new RawSession(`${server.url}/`, recorder);
    const { response, initialized } = await other.initialize('2025-11-25');
    assert.equal(response.status, 200, describeResponse(response));
    assert.match(other.sessionId ?? '', SESSION_ID);
    assert.equal(initialized.status, 202, describeResponse(initialized));
    const list = await other.request('tools/list');
    assert.equal(list.status, 200, describeResponse(list));
    assert.equal(list.messages[0]?.result?.tools?.length, 3, describeResponse(list));
  });

  test('DELETE ends the session: 200, then 404 for the same id', T, async () => {
    const del = await httpRequest(server.url, { method: 'DELETE', headers: session.headers() });
    assert.equal(del.status, 200, describeResponse(del));
    const later = await session.request('tools/list');
    assert.equal(later.status, 404, describeResponse(later));
    const again = await httpRequest(server.url, { method: 'DELETE', headers: session.headers() });
    assert.equal(again.status, 404, describeResponse(again));
  });

  test('every JSON-RPC message in the bodies matches the MCP schema', T, (t) => recorder.assertAllValid(t));
  test('server still alive', T, () => {
    assert.ok(pidAlive(server.pid), `server died; stderr:\n${server.stderr()}`);
  });
});

describe('raw Streamable HTTP, older revisions', { timeout: 60000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer();
  });
  after(async () => {
    await server?.stop();
  });

  for (const rev of ['2025-03-26', '2025-06-18']) {
    test(`session on ${rev}: initialize, tools/list, Echo, ping; all messages schema-valid`, T, async (t) => {
      const recorder = new MessageRecorder(rev);
      const session = new RawSession(server.url, recorder);
      const { response } = await session.initialize(rev);
      assert.equal(response.messages[0]?.result?.protocolVersion, rev, describeResponse(response));
      const list = await session.request('tools/list');
      assert.equal(list.messages[0]?.result?.tools?.length, 3, describeResponse(list));
      const echo = await session.request('tools/call', { name: 'ArcadeEvalRef_Echo', arguments: { message: 'hi' } });
      assert.deepEqual(echo.messages[0]?.result?.content, [{ type: 'text', text: 'hi' }], describeResponse(echo));
      const ping = await session.request('ping');
      assert.deepEqual(ping.messages[0]?.result, {}, describeResponse(ping));
      recorder.assertAllValid(t);
    });
  }
});

/**
 * Sends a POST announcing 100 MB and streams zeros until the server answers or
 * closes, at most `limitMs`. Resolves { status, sent, error, peakRssKb }.
 */
function sendHugeBody(server, limitMs = 15000) {
  const total = 100 * 1024 * 1024;
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  return new Promise((resolve) => {
    let sent = 0;
    let status = null;
    let error = null;
    let peak = 0;
    let finished = false;
    const sample = () => {
      try {
        peak = Math.max(peak, rssKb(server.pid));
      } catch {
        // process gone: reported by the caller's liveness check
      }
    };
    sample();
    const sampler = setInterval(sample, 50);
    const req = http.request({
      host: '127.0.0.1',
      port: server.port,
      path: '/mcp',
      method: 'POST',
      agent: false,
      headers: {
        Accept: MCP_ACCEPT,
        'Content-Type': 'application/json',
        'Content-Length': String(total),
      },
    });
    const deadline = setTimeout(() => finish(), limitMs);
    function finish() {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      clearInterval(sampler);
      sample();
      req.destroy();
      resolve({ status, sent, error, peakRssKb: peak });
    }
    req.on('response', (res) => {
      status = res.statusCode;
      res.resume();
      res.on('end', finish);
      res.on('error', finish);
      setTimeout(finish, 1000);
    });
    req.on('error', (err) => {
      error = err.code ?? err.message;
      finish();
    });
    req.on('close', () => setTimeout(finish, 200));
    const prefix = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"pad":"';
    req.write(prefix);
    sent = Buffer.byteLength(prefix);
    const pump = () => {
      while (!finished && status === null && sent < total) {
        const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      if (sent >= total) req.end();
    };
    pump();
  });
}

describe('raw Streamable HTTP, 100 MB body', { timeout: 60000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer();
  });
  after(async () => {
    await server?.stop();
  });

  test('refused (413 or closed) without RSS growing by more than 20 MB', { timeout: 30000 }, async (t) => {
    const rssBefore = rssKb(server.pid);
    const outcome = await sendHugeBody(server);
    const afterKb = pidAlive(server.pid) ? rssKb(server.pid) : null;
    const report = `status ${outcome.status}, error ${outcome.error}, sent ${(outcome.sent / 1048576).toFixed(1)} MB, RSS before ${rssBefore} kB, peak ${outcome.peakRssKb} kB, after ${afterKb} kB`;
    t.diagnostic(report);
    assert.ok(afterKb !== null, `server died: ${report}; stderr:\n${server.stderr()}`);
    assert.ok(
      outcome.status === 413 || (outcome.status === null && outcome.error !== null),
      `expected 413 or a closed connection: ${report}`
    );
    const growth = Math.max(outcome.peakRssKb, afterKb) - rssBefore;
    assert.ok(growth <= 20 * 1024, `RSS grew by ${growth} kB: ${report}`);
    // The server still serves normal requests afterwards.
    const session = new RawSession(server.url, new MessageRecorder('2025-11-25'));
    const { response } = await session.initialize('2025-11-25');
    assert.equal(response.status, 200);
  });
});

describe('raw Streamable HTTP, SIGTERM', { timeout: 60000 }, () => {
  test('idle server exits with code 0 within 5 s', T, async () => {
    const server = await startHttpServer();
    try {
      const session = new RawSession(server.url, new MessageRecorder('2025-11-25'));
      await session.initialize('2025-11-25');
      process.kill(server.pid, 'SIGTERM');
      const exit = await server.waitForExit(5000);
      assert.deepEqual(exit, { code: 0, signal: null }, `stderr:\n${server.stderr()}`);
    } finally {
      await server.stop({ graceMs: 500 });
    }
  });

  test('server with an open SSE stream exits with code 0 within 5 s', T, async () => {
    const server = await startHttpServer();
    let stream;
    try {
      const session = new RawSession(server.url, new MessageRecorder('2025-11-25'));
      await session.initialize('2025-11-25');
      stream = await openStream(server.url, {
        headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': session.sessionId, 'MCP-Protocol-Version': '2025-11-25' },
      });
      assert.equal(stream.status, 200);
      process.kill(server.pid, 'SIGTERM');
      const exit = await server.waitForExit(5000);
      assert.deepEqual(exit, { code: 0, signal: null }, `stderr:\n${server.stderr()}`);
    } finally {
      stream?.close();
      await server.stop({ graceMs: 500 });
    }
  });
});
