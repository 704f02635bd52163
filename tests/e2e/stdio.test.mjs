// The official MCP SDK client drives arcade-eval-ref over stdio: initialize,
// tools/list, tool calls good and bad, ping; every server message is then
// checked against the MCP schema of the negotiated revision.
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
import { connectStdio } from './lib/sdk.mjs';

const T = { timeout: 20000 };

describe('SDK client over stdio', { timeout: 120000 }, () => {
  let conn;
  before(async () => {
    conn = await connectStdio();
  });
  after(async () => {
    await conn?.close();
  });

  test('negotiates 2025-11-25', T, () => {
    assert.equal(conn.recorder.revision, '2025-11-25');
    assert.equal(typeof conn.client.getServerVersion()?.name, 'string');
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
});

describe('SDK client over stdio, another user', { timeout: 60000 }, () => {
  const userId = 'someone.else@example.com';
  let conn;
  before(async () => {
    conn = await connectStdio({ env: { ARCADE_USER_ID: userId } });
  });
  after(async () => {
    await conn?.close();
  });

  test('Whoami returns that user', T, () => checkWhoami(conn.client, userId));
  test('every server message matches the MCP schema', T, (t) => conn.recorder.assertAllValid(t));
});
