// The Arcade worker routes as the engine uses them, over real HTTP: /worker/health without a
// token, /worker/tools and /worker/tools/invoke with an HS256 token minted here (node:crypto,
// independent of the server's code), per-user Whoami, error kinds, 401 cases, routes absent
// without the secret, ARCADE_AUTH_DISABLED, disabled tools, and the secret never in the logs.
// With E2E_FRONT_DOOR_AUTH=1 (lib/config.mjs) every server also has front-door auth on: the worker
// route assertions are the same, /mcp without a token must answer the 401 challenge instead.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { assertChallenge } from './lib/bearer.mjs';
import { FRONT_DOOR_AUTH, FRONT_DOOR_CANONICAL_URL } from './lib/config.mjs';
import { MCP_ACCEPT, httpRequest } from './lib/http.mjs';
import { startHttpServer } from './lib/server.mjs';

const SECRET = 's3cret-e2e-9f1c2b7d';
const T = { timeout: 20000 };
const b64url = (data) => Buffer.from(data).toString('base64url');

/** Signs header and payload (objects or raw JSON text) with HS256 and `secret`. */
function sign(header, payload, secret = SECRET) {
  const h = b64url(typeof header === 'string' ? header : JSON.stringify(header));
  const p = b64url(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);
const goodToken = () => sign({ alg: 'HS256', typ: 'JWT' }, { aud: 'worker', ver: '1', iat: now(), exp: now() + 300 });
const auth = (token) => ({ Authorization: `Bearer ${token}` });
/** Where the 401 of /mcp points when E2E_FRONT_DOOR_AUTH=1 (RFC 9728 URL of FRONT_DOOR_CANONICAL_URL). */
const FRONT_DOOR_METADATA_URL = 'http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp';

/** With E2E_FRONT_DOOR_AUTH=1, `r` (an /mcp request without a token) must be the 401 challenge. */
function assertFrontDoorChallenge(r) {
  assertChallenge(r, { status: 401, error: null, metadataUrl: FRONT_DOOR_METADATA_URL });
}

async function invoke(server, body, token = goodToken()) {
  const r = await httpRequest(`${server.origin}/worker/tools/invoke`, {
    headers: { 'Content-Type': 'application/json', ...auth(token) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, headers: r.headers, json: r.text ? JSON.parse(r.text) : null };
}

function call(name, inputs, userId = 'alice', extra = {}) {
  return {
    run_id: 'run-1', execution_id: `exec-${name}-${userId}`, created_at: new Date().toISOString(),
    tool: { name, toolkit: 'ArcadeEvalRef', version: '1.0.0' }, inputs,
    context: { authorization: null, secrets: [], metadata: [], user_id: userId }, ...extra,
  };
}

describe('worker routes with ARCADE_WORKER_SECRET', { timeout: 120000 }, () => {
  let server;
  test('start', T, async () => {
    server = await startHttpServer({ env: { ARCADE_WORKER_SECRET: SECRET } });
  });

  test(`protected resource metadata: ${FRONT_DOOR_AUTH ? '200 naming the canonical URL (E2E_FRONT_DOOR_AUTH=1)' : '404 (front-door auth off)'}`, T, async () => {
    const r = await httpRequest(`${server.origin}/.well-known/oauth-protected-resource`, { method: 'GET' });
    if (FRONT_DOOR_AUTH) {
      assert.equal(r.status, 200, r.text);
      assert.equal(JSON.parse(r.text).resource, FRONT_DOOR_CANONICAL_URL);
    } else {
      assert.equal(r.status, 404, r.text);
    }
  });

  test('GET /worker/health answers without a token', T, async () => {
    const r = await httpRequest(`${server.origin}/worker/health`, { method: 'GET' });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.text), { status: 'ok', tool_count: '3' });
  });

  test('GET /worker/tools lists the three ToolDefinitions in registration order, every field present', T, async () => {
    const r = await httpRequest(`${server.origin}/worker/tools`, { method: 'GET', headers: auth(goodToken()) });
    assert.equal(r.status, 200);
    const tools = JSON.parse(r.text);
    assert.deepEqual(tools.map((t) => t.fully_qualified_name), ['ArcadeEvalRef.Echo', 'ArcadeEvalRef.Add', 'ArcadeEvalRef.Whoami']);
    for (const t of tools) {
      assert.deepEqual(Object.keys(t).sort(), ['deprecation_message', 'description', 'fully_qualified_name', 'input', 'metadata', 'name', 'output', 'requirements', 'toolkit']);
      assert.deepEqual(t.toolkit.name, 'ArcadeEvalRef');
      assert.equal(t.toolkit.version, '1.0.0');
      assert.deepEqual(t.requirements, { authorization: null, secrets: null, metadata: null });
      for (const p of t.input.parameters) {
        assert.deepEqual(Object.keys(p.value_schema).sort(), ['description', 'enum', 'inner_properties', 'inner_required_keys', 'inner_val_type', 'nullable', 'properties', 'required_keys', 'val_type']);
      }
    }
    const add = tools[1];
    assert.deepEqual(add.input.parameters.map((p) => [p.name, p.required, p.value_schema.val_type, p.inferrable]), [['a', true, 'integer', true], ['b', true, 'integer', true]]);
    assert.deepEqual(add.output.available_modes, ['value', 'error']);
    assert.equal(add.output.value_schema.val_type, 'integer');
    assert.deepEqual(tools[2].metadata.behavior, { operations: ['read'], read_only: true, destructive: false, idempotent: true, open_world: false });
  });

  test('invoke Whoami runs per user: alice gets alice, bob gets bob', T, async () => {
    for (const user of ['alice', 'bob@example.com']) {
      const r = await invoke(server, call('Whoami', {}, user));
      assert.equal(r.status, 200);
      assert.equal(r.json.success, true);
      assert.equal(r.json.output.value, user);
      assert.equal(r.json.execution_id, `exec-Whoami-${user}`);
      assert.match(r.json.finished_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
      assert.equal(typeof r.json.duration, 'number');
      assert.deepEqual(Object.keys(r.json.output).sort(), ['error', 'logs', 'requires_authorization', 'value']);
    }
  });

  test('lookup is case-insensitive; version null matches; a wrong version is 404', T, async () => {
    const r = await invoke(server, { ...call('add', { a: 2, b: 3 }), tool: { name: 'add', toolkit: 'arcadeevalref', version: null } });
    assert.equal(r.json.output.value, 5);
    const wrong = await invoke(server, { ...call('Add', { a: 2, b: 3 }), tool: { name: 'Add', toolkit: 'ArcadeEvalRef', version: '9.9.9' } });
    assert.equal(wrong.status, 404);
    assert.match(wrong.json.detail, /not found/);
  });

  test('tool errors are HTTP 200 with Arcade error kinds', T, async () => {
    const bad = await invoke(server, call('Add', { a: 'x', b: 1 }));
    assert.equal(bad.status, 200);
    assert.equal(bad.json.success, false);
    assert.equal(bad.json.output.error.kind, 'TOOL_RUNTIME_BAD_INPUT_VALUE');
    assert.equal(bad.json.output.error.status_code, 400);
    assert.match(bad.json.output.error.message, /^\[TOOL_RUNTIME_BAD_INPUT_VALUE\] ToolInputError during execution of tool 'add': .*\/a/);
    const extra = await invoke(server, call('Add', { a: 1, b: 2, c: 3 }));
    assert.equal(extra.json.output.error.kind, 'TOOL_RUNTIME_BAD_INPUT_VALUE');
    const missing = await invoke(server, call('Add', { a: 1 }));
    assert.match(missing.json.output.error.message, /\/b: required/);
    const overflow = await invoke(server, `{"tool":{"name":"Add","toolkit":"ArcadeEvalRef"},"inputs":{"a":9223372036854775807,"b":1}}`);
    assert.equal(overflow.json.output.error.kind, 'TOOL_RUNTIME_FATAL');
    assert.equal(overflow.json.execution_id, '');
    assert.equal(overflow.json.output.value, null);
  });

  test('request errors: unknown tool 404, malformed body 400, wrong method 405', T, async () => {
    assert.equal((await invoke(server, call('Nope', {}))).status, 404);
    for (const body of ['not json', '[]', '{"tool":{"name":"Add"}}', '{"tool":{"name":"Add","toolkit":"ArcadeEvalRef"},"inputs":[1]}',
                        '{"tool":{"name":"Whoami","toolkit":"ArcadeEvalRef"},"context":{"user_id":5}}']) {
      const r = await invoke(server, body);
      assert.equal(r.status, 400, body);
      assert.equal(typeof r.json.detail, 'string');
    }
    const r = await httpRequest(`${server.origin}/worker/tools/invoke`, { method: 'GET', headers: auth(goodToken()) });
    assert.equal(r.status, 405);
    const h = await httpRequest(`${server.origin}/worker/health`, { method: 'POST', body: '{}' });
    assert.equal(h.status, 405);
  });

  test('no token: 401 Not authenticated with WWW-Authenticate', T, async () => {
    const r = await httpRequest(`${server.origin}/worker/tools`, { method: 'GET' });
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], 'Bearer');
    assert.deepEqual(JSON.parse(r.text), { detail: 'Not authenticated' });
  });

  const hostile = {
    'wrong secret': () => sign({ alg: 'HS256' }, { aud: 'worker', ver: '1' }, 'other-secret'),
    'alg none': () => `${b64url('{"alg":"none"}')}.${b64url('{"aud":"worker","ver":"1"}')}.`,
    'HS512': () => `${b64url('{"alg":"HS512"}')}.${b64url('{"aud":"worker","ver":"1"}')}.${createHmac('sha512', SECRET).update('x').digest('base64url')}`,
    'expired': () => sign({ alg: 'HS256' }, { aud: 'worker', ver: '1', exp: now() - 1 }),
    'not yet valid': () => sign({ alg: 'HS256' }, { aud: 'worker', ver: '1', nbf: now() + 3600 }),
    'ver numeric': () => sign({ alg: 'HS256' }, { aud: 'worker', ver: 1 }),
    'aud actor': () => sign({ alg: 'HS256' }, { aud: 'actor', ver: '1' }),
    'no aud': () => sign({ alg: 'HS256' }, { ver: '1' }),
    'crit header': () => sign({ alg: 'HS256', crit: ['x'] }, { aud: 'worker', ver: '1' }),
    'duplicate aud': () => sign('{"alg":"HS256"}', '{"aud":"x","aud":"worker","ver":"1"}'),
    'the raw secret': () => SECRET,
    'tampered payload': () => { const [h, , s] = goodToken().split('.'); return `${h}.${b64url('{"aud":"worker","ver":"1","sub":"admin"}')}.${s}`; },
    'long garbage token': () => 'a'.repeat(3000) + '.' + 'b'.repeat(3000) + '.c',
  };
  for (const [name, make] of Object.entries(hostile)) {
    test(`hostile token (${name}) is 401`, T, async () => {
      const r = await httpRequest(`${server.origin}/worker/tools`, { method: 'GET', headers: auth(make()) });
      assert.equal(r.status, 401);
      assert.match(JSON.parse(r.text).detail, /^Invalid token\. Error: /);
      const inv = await invoke(server, call('Whoami', {}), make());
      assert.equal(inv.status, 401);
    });
  }

  test('a token too large for the header block is 431, not a crash', T, async () => {
    const r = await httpRequest(`${server.origin}/worker/tools`, { method: 'GET', headers: auth('a'.repeat(20000)) });
    assert.equal(r.status, 431);
  });

  test('the server survived every hostile token, and the secret is in no log line', T, async () => {
    assert.equal(server.child.exitCode, null);
    await server.stop();
    assert.ok(!server.stderr().includes(SECRET), 'the worker secret appears in the logs');
    assert.match(server.stderr(), /worker token refused/);
  });
});

describe('worker routes: configuration', { timeout: 120000 }, () => {
  const mcpWorks = FRONT_DOOR_AUTH ? '/mcp answers the 401 challenge (E2E_FRONT_DOOR_AUTH=1)' : '/mcp still works';
  test(`without ARCADE_WORKER_SECRET the routes are 404 and ${mcpWorks}`, T, async () => {
    const server = await startHttpServer();
    try {
      for (const path of ['/worker/health', '/worker/tools']) {
        assert.equal((await httpRequest(`${server.origin}${path}`, { method: 'GET' })).status, 404);
      }
      const init = await httpRequest(server.url, {
        headers: { Accept: MCP_ACCEPT, 'Content-Type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
      });
      if (FRONT_DOOR_AUTH) {
        assertFrontDoorChallenge(init);
        return;
      }
      assert.equal(init.status, 200);
      assert.equal(JSON.parse(init.text).result.serverInfo.name, 'arcade-eval-ref');
    } finally {
      await server.stop();
    }
  });

  test('ARCADE_AUTH_DISABLED=true skips the token check, with a warning', T, async () => {
    const server = await startHttpServer({ env: { ARCADE_WORKER_SECRET: SECRET, ARCADE_AUTH_DISABLED: 'true' } });
    try {
      assert.equal((await httpRequest(`${server.origin}/worker/tools`, { method: 'GET' })).status, 200);
      assert.match(server.stderr(), /WARN.*ARCADE_AUTH_DISABLED/);
    } finally {
      await server.stop();
    }
  });

  const bothProtocols = FRONT_DOOR_AUTH ? 'from the worker routes (/mcp: 401 challenge, E2E_FRONT_DOOR_AUTH=1)' : 'from both protocols';
  test(`ARCADE_DISABLED_TOOLS hides a tool ${bothProtocols}`, T, async () => {
    const server = await startHttpServer({ env: { ARCADE_WORKER_SECRET: SECRET, ARCADE_DISABLED_TOOLS: 'arcadeevalref.echo' } });
    try {
      const health = JSON.parse((await httpRequest(`${server.origin}/worker/health`, { method: 'GET' })).text);
      assert.equal(health.tool_count, '2');
      assert.equal((await invoke(server, call('Echo', { message: 'x' }))).status, 404);
      const headers = { Accept: MCP_ACCEPT, 'Content-Type': 'application/json' };
      const init = await httpRequest(server.url, { headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }) });
      if (FRONT_DOOR_AUTH) {
        assertFrontDoorChallenge(init);
        return;
      }
      const sid = init.headers['mcp-session-id'];
      const list = await httpRequest(server.url, { headers: { ...headers, 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': '2025-11-25' }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
      assert.deepEqual(JSON.parse(list.text).result.tools.map((t) => t.name), ['ArcadeEvalRef_Add', 'ArcadeEvalRef_Whoami']);
    } finally {
      await server.stop();
    }
  });
});
