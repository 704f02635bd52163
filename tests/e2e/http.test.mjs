// The official MCP SDK client drives arcade-eval-ref over Streamable HTTP:
// initialize, tools/list, tool calls good and bad, ping, session termination;
// every server message is then checked against the MCP schema of the
// negotiated revision.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_USER_ID } from './lib/config.mjs';
import {
  checkAdd,
  checkBadArgument,
  checkEcho,
  checkPing,
  checkToolList,
  checkUnknownTool,
  checkWhoami,
} from './lib/expect.mjs';
import { connectHttp } from './lib/sdk.mjs';
import { startHttpServer } from './lib/server.mjs';

const T = { timeout: 20000 };

describe('SDK client over Streamable HTTP', { timeout: 120000 }, () => {
  let server;
  let conn;
  before(async () => {
    server = await startHttpServer();
    conn = await connectHttp(server);
  });
  after(async () => {
    await conn?.close();
    await server?.stop();
  });

  test('negotiates 2025-11-25 and gets a session id', T, () => {
    assert.equal(conn.recorder.revision, '2025-11-25');
    assert.match(conn.transport.sessionId ?? '', /^[0-9a-f]{32}$/);
  });
  test('tools/list returns the three tools', T, () => checkToolList(conn.client));
  test('Echo hello', T, () => checkEcho(conn.client));
  test('Add 2+3', T, () => checkAdd(conn.client));
  test('Whoami returns ARCADE_USER_ID', T, () => checkWhoami(conn.client, DEFAULT_USER_ID));
  test('ping', T, () => checkPing(conn.client));
  test('unknown tool is JSON-RPC error -32602', T, () => checkUnknownTool(conn.client));
  test('Add with a:"x" is isError naming /a', T, () => checkBadArgument(conn.client, { a: 'x', b: 3 }, '/a'));
  test('Add without b is isError naming /b', T, () => checkBadArgument(conn.client, { a: 1 }, '/b'));
  test('Add with an unknown argument is isError', T, () =>
    checkBadArgument(conn.client, { a: 1, b: 2, c: 3 }, null)
  );
  test('every server message matches the MCP schema', T, (t) => conn.recorder.assertAllValid(t));
  test('terminateSession (DELETE) succeeds', T, async () => {
    // The server may now end the GET stream; the SDK's reaction to that is no server fault.
    conn.recorder.closing = true;
    await conn.transport.terminateSession();
    assert.equal(conn.transport.sessionId, undefined);
  });
  test('server still alive', T, () => {
    assert.equal(server.child.exitCode, null, `server exited; stderr:\n${server.stderr()}`);
  });
});
