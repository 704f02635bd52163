// Helpers shared by the attack tests (limits.test.mjs, guards.test.mjs): describing a raw or
// node:http response, its JSON-RPC error, an initialize message, and the check that a server
// still serves a good request after an attack.
import assert from 'node:assert/strict';
import { RawSession } from './http.mjs';
import { pidAlive } from './process.mjs';
import { MessageRecorder } from './recorder.mjs';

export const REV = '2025-11-25';

export function describeResponse(r) {
  if ('head' in r) return `${r.head}\r\n\r\n${r.body.slice(0, 500)}`;
  return `HTTP ${r.status} ${JSON.stringify(r.headers)} ${r.text.slice(0, 500)}`;
}

/** The JSON-RPC error object of a raw response's JSON body. */
export function rpcError(response) {
  const body = JSON.parse(response.body);
  assert.equal(body.jsonrpc, '2.0', describeResponse(response));
  assert.ok(body.error, `expected a JSON-RPC error: ${describeResponse(response)}`);
  return body.error;
}

export function initializeMessage(id = 1, capabilities = {}) {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: REV, capabilities, clientInfo: { name: 'limits-e2e', version: '0.0.0' } },
  };
}

/** A ping on `session` answers 200 with an empty result. */
export async function assertPing(session, what = 'ping') {
  const r = await session.request('ping');
  assert.equal(r.status, 200, `${what}: ${describeResponse(r)}`);
  assert.deepEqual(r.messages[0]?.result, {}, `${what}: ${describeResponse(r)}`);
}

/** The good request after an attack: a new session (initialize + initialized) and a ping on it. */
export async function assertServes(server, recorder = new MessageRecorder(REV)) {
  assert.ok(pidAlive(server.pid), `server died; stderr:\n${server.stderr()}`);
  const session = new RawSession(server.url, recorder);
  const { response, initialized } = await session.initialize(REV);
  assert.equal(response.status, 200, describeResponse(response));
  assert.equal(response.messages[0]?.result?.protocolVersion, REV, describeResponse(response));
  assert.equal(initialized.status, 202, describeResponse(initialized));
  await assertPing(session, 'ping after the attack');
  return session;
}
