// Checks the schema checker itself, without the server: hand-written valid and
// invalid server messages for each revision must be accepted and rejected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSchemaSet, REVISIONS } from './lib/schema.mjs';
import { MessageRecorder } from './lib/recorder.mjs';

const schemas = (() => {
  try {
    return { set: loadSchemaSet() };
  } catch (err) {
    return { err };
  }
})();

function requireSchemas() {
  if (schemas.err) throw schemas.err;
  return schemas.set;
}

const initResult = (rev) => ({
  protocolVersion: rev,
  capabilities: { tools: {} },
  serverInfo: { name: 'arcade-eval-ref', version: '0.1.0' },
});

for (const rev of Object.keys(REVISIONS)) {
  test(`schema checker ${rev}: accepts valid and rejects invalid messages`, { skip: schemas.set === null }, () => {
    const set = requireSchemas();
    const ok = (message, method) => assert.deepEqual(set.validateServerMessage(rev, message, method), []);
    const bad = (message, method, why) =>
      assert.ok(set.validateServerMessage(rev, message, method).length > 0, `not rejected: ${why}`);

    ok({ jsonrpc: '2.0', id: 1, result: initResult(rev) }, 'initialize');
    bad({ jsonrpc: '2.0', id: 1, result: { ...initResult(rev), serverInfo: undefined } }, 'initialize', 'no serverInfo');
    bad({ jsonrpc: '2.0', id: 1, result: { ...initResult(rev), protocolVersion: 20250618 } }, 'initialize', 'numeric version');
    bad({ jsonrpc: '2.0', id: 1, result: { ...initResult(rev), capabilities: 'all' } }, 'initialize', 'capabilities not object');
    bad({ jsonrpc: '1.0', id: 1, result: initResult(rev) }, 'initialize', 'jsonrpc 1.0');
    bad({ jsonrpc: '2.0', id: 1.5, result: initResult(rev) }, 'initialize', 'fractional id');
    bad({ jsonrpc: '2.0', result: initResult(rev) }, 'initialize', 'no id');

    ok({ jsonrpc: '2.0', id: 'x', result: { tools: [{ name: 'A', inputSchema: { type: 'object' } }] } }, 'tools/list');
    bad({ jsonrpc: '2.0', id: 'x', result: { tools: [{ name: 'A' }] } }, 'tools/list', 'tool without inputSchema');
    bad({ jsonrpc: '2.0', id: 'x', result: { tools: [{ name: 'A', inputSchema: { type: 'array' } }] } }, 'tools/list', 'inputSchema type array');

    ok({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: '5' }], isError: false } }, 'tools/call');
    bad({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text' }] } }, 'tools/call', 'text item without text');
    bad({ jsonrpc: '2.0', id: 2, result: { content: [], isError: 'no' } }, 'tools/call', 'isError string');
    bad({ jsonrpc: '2.0', id: 2, result: {} }, 'tools/call', 'no content');

    ok({ jsonrpc: '2.0', id: 3, result: {} }, 'ping');
    bad({ jsonrpc: '2.0', id: 3, result: { extra: 1 } }, 'ping', 'ping result not {}');

    ok({ jsonrpc: '2.0', id: 4, error: { code: -32602, message: 'bad' } }, 'tools/call');
    ok({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' } }, undefined);
    bad({ jsonrpc: '2.0', id: 4, error: { code: '-32602', message: 'bad' } }, 'tools/call', 'string code');
    bad({ jsonrpc: '2.0', id: 4, error: { code: -32602 } }, 'tools/call', 'no message');
    bad({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'x' } }, undefined, 'null id');
    bad({ jsonrpc: '2.0', id: 4, result: {}, error: { code: 1, message: 'x' } }, 'ping', 'result and error');
    bad({ jsonrpc: '2.0', id: 99, result: {} }, undefined, 'response to no request');

    ok({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x' } });
    bad({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'loud', data: 'x' } }, undefined, 'bad level');
    bad({ jsonrpc: '2.0', method: 'notifications/unknown' }, undefined, 'unknown notification');
    ok({ jsonrpc: '2.0', id: 5, method: 'ping' });
    bad({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'x' } }, undefined, 'client-only request');
    bad([], undefined, 'array');
  });
}

test('recorder maps ids to methods and learns the revision', { skip: schemas.set === null }, () => {
  requireSchemas();
  const recorder = new MessageRecorder('2025-11-25');
  recorder.clientSent({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} });
  recorder.serverSent({ jsonrpc: '2.0', id: 1, result: initResult('2025-06-18') });
  recorder.clientSent({ jsonrpc: '2.0', id: '1', method: 'ping' });
  recorder.serverSent({ jsonrpc: '2.0', id: '1', result: { not: 'empty' } });
  assert.equal(recorder.revision, '2025-06-18');
  const failures = recorder.failures();
  assert.equal(failures.length, 1, failures.join('\n'));
  assert.match(failures[0], /ping must be exactly/);
});
