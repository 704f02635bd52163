// Raw stdio tests (no SDK): newline-delimited JSON-RPC written to stdin and
// read from stdout on a 2025-06-18 session: id echo, ping, parse errors,
// unknown methods, bad arguments as JSON-RPC -32602, version fallback, clean
// exit on stdin EOF, and nothing but JSON lines on stdout. Every message read
// is checked against the MCP schema.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MessageRecorder } from './lib/recorder.mjs';
import { startStdioServer } from './lib/server.mjs';

const T = { timeout: 20000 };

/** Writes one message (or raw line) and reads the next line as the reply. */
async function exchange(server, recorder, message, { raw } = {}) {
  if (message) recorder.clientSent(message);
  server.send(raw ?? message);
  const line = await server.lines.next(5000);
  let reply;
  try {
    reply = JSON.parse(line);
  } catch {
    throw new Error(`stdout line is not JSON: ${JSON.stringify(line)}`);
  }
  recorder.serverSent(reply);
  return reply;
}

/** Checks that stdout carried only complete lines, each a JSON object. */
function assertOnlyJsonLines(raw) {
  assert.ok(raw === '' || raw.endsWith('\n'), `stdout ends with an unterminated line: ${JSON.stringify(raw.slice(-200))}`);
  const lines = raw.split('\n').slice(0, -1);
  for (const line of lines) {
    let value;
    assert.doesNotThrow(() => {
      value = JSON.parse(line);
    }, `stdout line is not JSON: ${JSON.stringify(line)}`);
    assert.ok(value && typeof value === 'object' && !Array.isArray(value), `stdout line is not a JSON object: ${line}`);
  }
}

describe('raw stdio on 2025-06-18', { timeout: 120000 }, () => {
  let server;
  const recorder = new MessageRecorder('2025-06-18');
  before(async () => {
    server = await startStdioServer();
  });
  after(async () => {
    await server?.stop();
  });

  test('initialize with 2025-06-18 is answered with 2025-06-18', T, async () => {
    const reply = await exchange(server, recorder, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0.0.0' } },
    });
    assert.equal(reply.id, 1);
    assert.equal(reply.result?.protocolVersion, '2025-06-18', JSON.stringify(reply));
  });

  test('notifications/initialized gets no reply', T, async () => {
    const message = { jsonrpc: '2.0', method: 'notifications/initialized' };
    recorder.clientSent(message);
    server.send(message);
    assert.ok(await server.lines.quietFor(500), 'the server answered a notification');
  });

  test('ping with string id "abc" returns {} with id "abc"', T, async () => {
    const reply = await exchange(server, recorder, { jsonrpc: '2.0', id: 'abc', method: 'ping' });
    assert.deepEqual(reply, { jsonrpc: '2.0', id: 'abc', result: {} });
  });

  test('integer id 7 is echoed as 7', T, async () => {
    const reply = await exchange(server, recorder, { jsonrpc: '2.0', id: 7, method: 'tools/list' });
    assert.equal(reply.id, 7, JSON.stringify(reply));
    assert.equal(reply.result?.tools?.length, 3, JSON.stringify(reply));
  });

  test('Echo works', T, async () => {
    const reply = await exchange(server, recorder, {
      jsonrpc: '2.0',
      id: 8,
      method: 'tools/call',
      params: { name: 'ArcadeEvalRef_Echo', arguments: { message: 'hello' } },
    });
    assert.deepEqual(reply.result?.content, [{ type: 'text', text: 'hello' }], JSON.stringify(reply));
  });

  test('bad arguments on 2025-06-18: JSON-RPC error -32602', T, async () => {
    const reply = await exchange(server, recorder, {
      jsonrpc: '2.0',
      id: 9,
      method: 'tools/call',
      params: { name: 'ArcadeEvalRef_Add', arguments: { a: 'x', b: 3 } },
    });
    assert.equal(reply.id, 9, JSON.stringify(reply));
    assert.equal(reply.error?.code, -32602, JSON.stringify(reply));
  });

  test('invalid JSON: error -32700 without id', T, async () => {
    const reply = await exchange(server, recorder, null, { raw: '{"jsonrpc": "2.0", "id": 10, "method": ' });
    assert.equal(reply.error?.code, -32700, JSON.stringify(reply));
    assert.ok(!('id' in reply), `parse error must carry no id: ${JSON.stringify(reply)}`);
  });

  test('unknown method: error -32601', T, async () => {
    const reply = await exchange(server, recorder, { jsonrpc: '2.0', id: 11, method: 'no/such/method' });
    assert.equal(reply.id, 11, JSON.stringify(reply));
    assert.equal(reply.error?.code, -32601, JSON.stringify(reply));
  });

  test('every server message matches the MCP schema', T, (t) => recorder.assertAllValid(t));

  test('stdin EOF: exit code 0 within 5 s', T, async () => {
    server.closeStdin();
    const exit = await server.waitForExit(5000);
    assert.deepEqual(exit, { code: 0, signal: null }, `stderr:\n${server.stderr()}`);
  });

  test('stdout carried nothing but JSON lines', T, () => assertOnlyJsonLines(server.lines.raw));
});

describe('raw stdio, unsupported protocol version', { timeout: 60000 }, () => {
  let server;
  const recorder = new MessageRecorder('2025-11-25');
  before(async () => {
    server = await startStdioServer();
  });
  after(async () => {
    await server?.stop();
  });

  test('initialize with 1999-01-01 is answered with 2025-11-25', T, async () => {
    const reply = await exchange(server, recorder, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '1999-01-01', capabilities: {}, clientInfo: { name: 'raw', version: '0.0.0' } },
    });
    assert.equal(reply.result?.protocolVersion, '2025-11-25', JSON.stringify(reply));
  });

  test('every server message matches the MCP schema', T, (t) => recorder.assertAllValid(t));

  test('stdin EOF: exit code 0 within 5 s, stdout only JSON lines', T, async () => {
    server.closeStdin();
    const exit = await server.waitForExit(5000);
    assert.deepEqual(exit, { code: 0, signal: null }, `stderr:\n${server.stderr()}`);
    assertOnlyJsonLines(server.lines.raw);
  });
});
