// The SDK client against fixture-server (tests/fixture_tools.cpp), for what the three reference
// tools cannot show: notifications during a call (progress, log messages) arriving over an SSE
// response on HTTP and as lines on stdio, typed object results checked by the SDK against their
// outputSchema, stateless HTTP, the session cap and idle expiry. Every server message is checked
// against the schema of the negotiated revision.
// node --test runs each file in its own process, so pointing the server binary at fixture-server
// here affects this file only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MCP_ACCEPT, httpRequest, openStream } from './lib/http.mjs';
import { REQUEST_OPTIONS, connectHttp, connectStdio } from './lib/sdk.mjs';
import { startHttpServer } from './lib/server.mjs';

if (!process.env.FIXTURE_SERVER_BIN) throw new Error('FIXTURE_SERVER_BIN is not set: point it at build/<preset>/bin/fixture-server');
process.env.ARCADE_EVAL_REF_BIN = process.env.FIXTURE_SERVER_BIN;

const T = { timeout: 20000 };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls Fixture_Progress and returns the result with the notifications the server sent for that
 * request before its response, read from the recorded wire messages. (The SDK's onprogress
 * callback is not used: over stdio the SDK handles a response that arrives in the same chunk as
 * its notifications before those notifications, a client-side race that says nothing of the
 * server.)
 */
async function progressCall(conn, steps) {
  const first = conn.recorder.serverMessages.length;
  const result = await conn.client.callTool({ name: 'Fixture_Progress', arguments: { steps } }, undefined, {
    ...REQUEST_OPTIONS,
    onprogress: () => {},
  });
  const request = conn.recorder.clientMessages.filter((m) => m.method === 'tools/call').at(-1);
  const token = request.params._meta.progressToken;
  const sent = conn.recorder.serverMessages.slice(first).map((m) => m.message);
  const responseAt = sent.findIndex((m) => m.id === request.id && 'result' in m);
  assert.ok(responseAt >= 0, 'the response was recorded');
  const before = sent.slice(0, responseAt);
  const progress = before.filter((m) => m.method === 'notifications/progress').map((m) => m.params);
  assert.ok(progress.every((p) => p.progressToken === token), 'progress carries the request\'s token, same JSON type');
  const logs = before.filter((m) => m.method === 'notifications/message').map((m) => m.params);
  return { result, progress, logs };
}

function checkProgressCall({ result, progress, logs }, steps, expectDebug) {
  assert.deepEqual(result.structuredContent, { result: steps });
  assert.deepEqual(
    progress.map((p) => [p.progress, p.total, p.message]),
    Array.from({ length: steps }, (_, i) => [i + 1, steps, `step ${i + 1}`])
  );
  const levels = logs.map((l) => l.level);
  assert.ok(levels.includes('info'), `an info log message arrives: ${JSON.stringify(logs)}`);
  assert.equal(levels.includes('debug'), expectDebug, `debug messages only after setLevel debug: ${JSON.stringify(logs)}`);
}

for (const transport of ['http', 'stdio']) {
  describe(`fixture-server over ${transport}`, { timeout: 120000 }, () => {
    let server;
    let conn;
    before(async () => {
      if (transport === 'http') {
        server = await startHttpServer();
        conn = await connectHttp(server);
      } else {
        conn = await connectStdio();
      }
    });
    after(async () => {
      await conn?.close();
      await server?.stop();
    });

    test('progress and log notifications precede the response (SSE on HTTP)', T, async () => {
      checkProgressCall(await progressCall(conn, 3), 3, false);
    });
    test('after logging/setLevel debug, debug messages arrive too', T, async () => {
      await conn.client.setLoggingLevel('debug', REQUEST_OPTIONS);
      checkProgressCall(await progressCall(conn, 1), 1, true);
    });
    test('a typed object result is structuredContent matching its outputSchema', T, async () => {
      await conn.client.listTools(undefined, REQUEST_OPTIONS);  // the SDK validates against outputSchema after listing
      const result = await conn.client.callTool(
        { name: 'Fixture_Search', arguments: { query: 'cats', mode: 'thorough', tags: ['x'], where: { field: 'a', value: 'b' } } },
        undefined,
        REQUEST_OPTIONS
      );
      assert.deepEqual(result.structuredContent, { count: 2, items: ['cats where a=b', '#x'], mode: 'thorough' });
      assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent);
    });
    test('a throwing handler is an isError result that hides the exception text', T, async () => {
      const result = await conn.client.callTool({ name: 'Fixture_Throws', arguments: {} }, undefined, REQUEST_OPTIONS);
      assert.equal(result.isError, true);
      assert.doesNotMatch(result.content[0].text, /secret internal detail/);
      assert.equal(result._meta.arcade.errorKind, 'TOOL_RUNTIME_FATAL');
    });
    test('tools/list pages are followed to the end', T, async () => {
      const names = [];
      let cursor;
      for (let page = 0; page < 10; page++) {
        const r = await conn.client.listTools(cursor ? { cursor } : undefined, REQUEST_OPTIONS);
        names.push(...r.tools.map((t) => t.name));
        cursor = r.nextCursor;
        if (!cursor) break;
      }
      assert.deepEqual(names, ['Fixture_Progress', 'Fixture_ReservedSecret', 'Fixture_RetryLater', 'Fixture_ScopedEcho', 'Fixture_Search',
                               'Fixture_SecretLength', 'Fixture_Throws', 'Fixture_ThrowsToolError']);
    });
    test('every server message matches the MCP schema', T, (t) => conn.recorder.assertAllValid(t));
  });
}

describe('fixture-server over stateless HTTP', { timeout: 120000 }, () => {
  let server;
  let conn;
  before(async () => {
    server = await startHttpServer({ env: { ARCADE_SERVER_STATELESS: 'true' } });
    conn = await connectHttp(server);
  });
  after(async () => {
    await conn?.close();
    await server?.stop();
  });

  test('no session id is issued', T, () => assert.equal(conn.transport.sessionId, undefined));
  test('calls work, with notifications on the SSE response', T, async () => {
    checkProgressCall(await progressCall(conn, 2), 2, false);
  });
  test('a request needs no session id; GET and DELETE are 405', T, async () => {
    const headers = { Accept: MCP_ACCEPT, 'Content-Type': 'application/json', 'MCP-Protocol-Version': '2025-11-25' };
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'Fixture_Search', arguments: { query: 'q' } } });
    const r = await httpRequest(server.url, { headers, body });
    assert.equal(r.status, 200);
    assert.equal(r.headers['mcp-session-id'], undefined);
    assert.deepEqual(JSON.parse(r.text).result.structuredContent, { count: 1, items: ['q'], mode: 'fast' });
    assert.equal((await httpRequest(server.url, { method: 'GET', headers: { Accept: 'text/event-stream' } })).status, 405);
    assert.equal((await httpRequest(server.url, { method: 'DELETE', headers: {} })).status, 405);
  });
  test('every server message matches the MCP schema', T, (t) => conn.recorder.assertAllValid(t));
});

async function initialize(url) {
  const body = JSON.stringify({
    jsonrpc: '2.0', id: 1, method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'cap', version: '1' } },
  });
  const r = await httpRequest(url, { headers: { Accept: MCP_ACCEPT, 'Content-Type': 'application/json' }, body });
  assert.equal(r.status, 200);
  return r.headers['mcp-session-id'];
}

async function pingStatus(url, sessionId) {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });
  const headers = { Accept: MCP_ACCEPT, 'Content-Type': 'application/json', 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-11-25' };
  return (await httpRequest(url, { headers, body })).status;
}

describe('session limits', { timeout: 60000 }, () => {
  test('at the cap the longest-idle session is evicted; a session with an open GET stream is not', T, async () => {
    const server = await startHttpServer({ env: { MCP_TRANSPORT_MAX_SESSIONS: '2' } });
    try {
      const first = await initialize(server.url);
      const second = await initialize(server.url);
      const stream = await openStream(server.url, { headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': first } });
      assert.equal(stream.status, 200);
      const third = await initialize(server.url);  // evicts `second`: `first` is busy with its stream
      assert.equal(await pingStatus(server.url, first), 200);
      assert.equal(await pingStatus(server.url, second), 404);
      assert.equal(await pingStatus(server.url, third), 200);
      stream.close();
    } finally {
      await server.stop();
    }
  });
  test('an idle session expires after MCP_TRANSPORT_SESSION_TIMEOUT_SECONDS', T, async () => {
    const server = await startHttpServer({ env: { MCP_TRANSPORT_SESSION_TIMEOUT_SECONDS: '1' } });
    try {
      const id = await initialize(server.url);
      assert.equal(await pingStatus(server.url, id), 200);
      // Expiry runs every second and removes sessions idle for over a second: gone within 2 s.
      // (A ping before then would renew the session, so wait once instead of polling.)
      await sleep(3000);
      assert.equal(await pingStatus(server.url, id), 404);
    } finally {
      await server.stop();
    }
  });
});

describe('secrets in MCP mode', { timeout: 60000 }, () => {
  const callTool = (conn, name) => conn.client.callTool({ name, arguments: {} }, undefined, REQUEST_OPTIONS);

  test('stdio: a declared secret comes from the environment; a missing one is an isError result', T, async () => {
    const withSecret = await connectStdio({ env: { FIXTURE_API_TOKEN: 'abcde' } });
    const without = await connectStdio();
    try {
      const ok = await callTool(withSecret, 'Fixture_SecretLength');
      assert.equal(ok.isError, false);
      assert.equal(ok.structuredContent.result, '5 characters; metadata tenant=none');
      const missing = await callTool(without, 'Fixture_SecretLength');
      assert.equal(missing.isError, true);
      // arcade-mcp-server 1.26's words, then its JSON block for the model; no _meta.
      assert.match(missing.content[0].text, /^✗ Missing secret: FIXTURE_API_TOKEN\n\n  Tool 'Fixture_SecretLength' requires this secret but it is not configured\./);
      assert.match(missing.content[0].text, /export FIXTURE_API_TOKEN=your_value_here/);
      assert.match(JSON.parse(missing.content[1].text).llm_instructions, /missing required secrets for the 'Fixture_SecretLength' tool/);
      assert.equal(missing._meta, undefined);
    } finally {
      await withSecret.close();
      await without.close();
    }
  });

  test('a reserved server secret is never handed to a tool that declares it', T, async () => {
    const conn = await connectStdio({ env: { ARCADE_WORKER_SECRET: 'never-show-me' } });
    try {
      const r = await callTool(conn, 'Fixture_ReservedSecret');
      assert.equal(r.isError, true);
      assert.match(r.content[0].text, /^✗ Reserved secret: ARCADE_WORKER_SECRET\n\n  Tool 'Fixture_ReservedSecret' declares this secret, but Arcade reserves it/);
      assert.ok(!JSON.stringify(r).includes('never-show-me'));
    } finally {
      await conn.close();
    }
  });

  test('HTTP without front-door auth refuses tools that need secrets', T, async () => {
    const server = await startHttpServer({ env: { FIXTURE_API_TOKEN: 'abcde' } });
    const conn = await connectHttp(server);
    try {
      const r = await callTool(conn, 'Fixture_SecretLength');
      assert.equal(r.isError, true);
      assert.match(r.content[0].text, /^✗ Unsupported transport\n\n  Tool 'Fixture_SecretLength' cannot run over HTTP transport for security reasons\.\n  This tool requires secrets\./);
    } finally {
      await conn.close();
      await server.stop();
    }
  });
});

describe('secrets and metadata in worker mode', { timeout: 60000 }, () => {
  test('invoke passes context secrets and metadata (case-insensitive), never reserved ones', T, async () => {
    const server = await startHttpServer({ env: { ARCADE_WORKER_SECRET: 'w-secret', ARCADE_AUTH_DISABLED: 'true' } });
    try {
      const invoke = async (name, context) => {
        const r = await httpRequest(`${server.origin}/worker/tools/invoke`, {
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ execution_id: 'x', tool: { name, toolkit: 'Fixture' }, inputs: {}, context }),
        });
        assert.equal(r.status, 200, r.text);
        return JSON.parse(r.text);
      };
      const ok = await invoke('SecretLength', { user_id: 'u', secrets: [{ key: 'fixture_API_token', value: 'abcd' }], metadata: [{ key: 'Tenant', value: 'acme' }] });
      assert.equal(ok.output.value, '4 characters; metadata tenant=acme');
      const reserved = await invoke('ReservedSecret', { secrets: [{ key: 'ARCADE_WORKER_SECRET', value: 'w-secret' }] });
      assert.equal(reserved.output.value, '(not available)');
      const missing = await invoke('SecretLength', { secrets: [] });
      assert.equal(missing.output.error.kind, 'TOOL_RUNTIME_CONTEXT_REQUIRED');
      assert.ok(!server.stderr().includes('w-secret'));
    } finally {
      await server.stop();
    }
  });
});
