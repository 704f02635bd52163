// /mcp as an OAuth 2.1 resource server, attacked: hostile bearer tokens minted with `jose`
// (lib/auth_cases.mjs) against a JWKS this test serves itself (lib/jwks.mjs), each followed by a
// good token that must still work on a live server; 1,000 random kids against the refetch
// cool-down; 64 KB token (431); token in the query (400); JWKS down, garbage, key rotation.
// Also: the protected resource metadata and CORS, the 401 without token, session binding to the
// subject, insufficient_scope (fixture-server's Fixture_ScopedEcho), /healthz and the worker
// routes untouched, stdio ignoring the auth settings, bad configuration refused at start.
// Last, no bearer token sent by any case (nor its signature segment) is in the stderr or stdout of
// any server the file started (the one facing the token table logs at debug level).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { claimsFor, hostileCases } from './lib/auth_cases.mjs';
import {
  asEntry, assertChallenge, assertNoTokenLogged, assertServes, BearerSession, describe as show, initializeWith,
  noteToken, reservePort, startAuthServer, toolResult, watchOutput, whoami,
} from './lib/bearer.mjs';
import { assertHealthz, WORKER_SECRET, workerToken } from './lib/hostile.mjs';
import { httpRequest } from './lib/http.mjs';
import { JwksServer, makeKey, makeSmallRsaKey, mint } from './lib/jwks.mjs';
import { exchangeOnce, mcpHeaders, rawRequest } from './lib/raw_socket.mjs';
import { connectStdio } from './lib/sdk.mjs';
import { call, onlyText } from './lib/expect.mjs';
import { DEFAULT_USER_ID, serverBinary, serverEnv } from './lib/config.mjs';
import { stopChild, trackPid, waitForExit } from './lib/process.mjs';

const T = { timeout: 30000 };
const SCOPES = 'mcp reports:read reports:admin';
/** The other members RFC 9728 defines for protected resource metadata. */
const RFC9728_KEYS = ['jwks_uri', 'resource_signing_alg_values_supported', 'resource_name', 'resource_documentation',
  'resource_policy_uri', 'resource_tos_uri', 'tls_client_certificate_bound_access_tokens',
  'authorization_details_types_supported', 'dpop_signing_alg_values_supported', 'dpop_bound_access_tokens_required'];

/** Keys, JWKS server, reserved port and claims of one resource server under test. */
async function setup({ extraKeys = false } = {}) {
  const jwks = await new JwksServer().start();
  const rs = await makeKey('RS256', 'rs-1');
  const es = await makeKey('ES256', 'es-1');
  const keys = { rs, es };
  if (extraKeys) {
    keys.enc = await makeKey('RS256', 'enc-1', { use: 'enc' });
    keys.ps = await makeKey('RS256', 'ps-1', { jwkAlg: 'PS256' });
    keys.small = makeSmallRsaKey('small-1');
    keys.stranger = await makeKey('RS256', 'stranger-1');
  }
  jwks.setKeys(Object.values(keys).filter((k) => k !== keys.stranger));
  const reserved = await reservePort();
  const ctx = { ...keys, jwks, reserved, issuer: jwks.origin, canonical: reserved.canonical };
  ctx.entry = asEntry(ctx.issuer, { jwksUri: jwks.jwksUri, algorithms: ['RS256', 'ES256'] });
  ctx.token = (extra, header) => mint(rs, claimsFor(ctx, extra), header);
  return ctx;
}

describe('hostile bearer tokens', { timeout: 300000 }, () => {
  let ctx;
  let server;
  before(async () => {
    ctx = await setup({ extraKeys: true });
    server = await startAuthServer(ctx.reserved, [ctx.entry], {
      scopes: SCOPES, challengeScopes: 'mcp', env: { ARCADE_WORKER_SECRET: WORKER_SECRET, ARCADE_LOG_LEVEL: 'debug' },
    });
  });
  after(async () => {
    await server?.stop();
    await ctx?.jwks.stop();
  });
  const goodAfter = async () => assertServes(server, await ctx.token(), 'hostile-alice');

  test('a good token works (Whoami = sub, not ARCADE_USER_ID)', T, goodAfter);

  describe('token table', () => {
    for (const c of hostileCases(new Proxy({}, { get: (_, k) => ctx[k] }))) {
      test(`${c.ok ? 'accepted' : 'refused'}: ${c.name}`, T, async () => {
        const token = await c.token();
        if (c.ok) {
          assert.equal(await whoami(server.url, token), c.sub);
        } else {
          const r = await initializeWith(server.url, token);
          assertChallenge(r, { status: 401, error: 'invalid_token', metadataUrl: ctx.reserved.metadataUrl });
        }
        await goodAfter();
      });
    }
  });

  test('1,000 tokens with random kids: at most 2 JWKS fetches (cool-down 30 s)', { timeout: 120000 }, async () => {
    const before_ = ctx.jwks.fetches;
    const statuses = new Map();
    for (let i = 0; i < 1000; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, async () => {
        const r = await initializeWith(server.url, await ctx.token({}, { kid: randomBytes(12).toString('hex') }));
        return r.status;
      }));
      for (const s of batch) statuses.set(s, (statuses.get(s) ?? 0) + 1);
    }
    assert.deepEqual([...statuses], [[401, 1000]]);
    assert.ok(ctx.jwks.fetches - before_ <= 2, `${ctx.jwks.fetches - before_} JWKS fetches for 1,000 unknown kids`);
    await goodAfter();
  });

  test('a 64 KB token is 431 and the server serves on', T, async () => {
    const raw = rawRequest({
      headers: [...mcpHeaders(server.port), ['Authorization', `Bearer ${noteToken('A'.repeat(64 * 1024))}`]],
      body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
    });
    const { response } = await exchangeOnce(server.port, raw);
    assert.equal(response.status, 431, `got ${response.status}: ${response.body}`);
    await goodAfter();
  });

  test('a token in the query string (no header) is 400 invalid_request', T, async () => {
    const r = await httpRequest(`${server.url}?access_token=${noteToken(await ctx.token())}`, {
      headers: { Accept: 'application/json, text/event-stream', 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    assertChallenge(r, { status: 400, error: 'invalid_request', jsonBody: false });
    await goodAfter();
  });

  test('protected resource metadata at both well-known URLs, with CORS', T, async () => {
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const r = await httpRequest(`${server.origin}${path}`, { method: 'GET', headers: { Origin: 'https://app.example' } });
      assert.equal(r.status, 200, `${path}: ${show(r)}`);
      assert.match(r.headers['content-type'] ?? '', /^application\/json/, path);
      assert.equal(r.headers['access-control-allow-origin'], '*', path);
      const doc = JSON.parse(r.text);
      const { resource, authorization_servers, bearer_methods_supported, scopes_supported, ...others } = doc;
      assert.deepEqual({ resource, authorization_servers, bearer_methods_supported, scopes_supported }, {
        resource: ctx.canonical, authorization_servers: [ctx.issuer], bearer_methods_supported: ['header'],
        scopes_supported: SCOPES.split(' '),
      }, path);
      for (const key of Object.keys(others)) assert.ok(RFC9728_KEYS.includes(key), `${path}: unexpected member ${key}`);
      const o = await httpRequest(`${server.origin}${path}`, {
        method: 'OPTIONS', headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET' },
      });
      assert.equal(o.status, 204, `OPTIONS ${path}: ${show(o)}`);
      assert.equal(o.headers['access-control-allow-origin'], '*', `OPTIONS ${path}`);
      assert.match(o.headers['access-control-allow-methods'] ?? '', /\bGET\b/, `OPTIONS ${path}`);
    }
  });

  for (const method of ['POST', 'GET', 'DELETE']) {
    test(`${method} /mcp without Authorization is 401 with a challenge and no error=`, T, async () => {
      const r = await httpRequest(server.url, {
        method,
        headers: { Accept: 'application/json, text/event-stream', 'Content-Type': 'application/json', 'Mcp-Session-Id': 'a'.repeat(32) },
        body: method === 'POST' ? JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) : undefined,
      });
      assertChallenge(r, { status: 401, error: null, metadataUrl: ctx.reserved.metadataUrl, scope: 'mcp' });
    });
  }

  test('a session is bound to its subject: 404 for another subject, same subject with another token works', T, async () => {
    const alice = new BearerSession(server.url, await ctx.token());
    await alice.initialize();
    try {
      const bob = new BearerSession(server.url, await ctx.token({ sub: 'hostile-bob' }));
      bob.sessionId = alice.sessionId;
      bob.protocolVersion = alice.protocolVersion;
      const r = await bob.callTool('ArcadeEvalRef_Whoami');
      assert.equal(r.status, 404, show(r));
      const alice2 = new BearerSession(server.url, await ctx.token({ iat: Math.floor(Date.now() / 1000) - 1, jti: 'second' }));
      alice2.sessionId = alice.sessionId;
      alice2.protocolVersion = alice.protocolVersion;
      assert.equal(toolResult(await alice2.callTool('ArcadeEvalRef_Whoami')).content[0].text, 'hostile-alice');
    } finally {
      await alice.close();
    }
  });

  test('/healthz answers without a token', T, () => assertHealthz(server));

  test('worker routes keep their HS256 token: health open, tools with the worker token, not with a bearer', T, async () => {
    const health = await httpRequest(`${server.origin}/worker/health`, { method: 'GET' });
    assert.equal(health.status, 200, show(health));
    const tools = await httpRequest(`${server.origin}/worker/tools`, { method: 'GET', headers: { Authorization: `Bearer ${noteToken(workerToken())}` } });
    assert.equal(tools.status, 200, show(tools));
    assert.equal(JSON.parse(tools.text).length, 3);
    const mcpToken = await httpRequest(`${server.origin}/worker/tools`, { method: 'GET', headers: { Authorization: `Bearer ${noteToken(await ctx.token())}` } });
    assert.equal(mcpToken.status, 401, show(mcpToken));
  });

  test('the server is alive at the end', T, goodAfter);
});

/** A fresh resource server (cool-down 1 s) whose JWKS server never answered a fetch yet. */
function jwksFailureSuite(name, breakJwks, repairJwks) {
  describe(name, { timeout: 120000 }, () => {
    let ctx;
    let server;
    before(async () => {
      ctx = await setup();
      await breakJwks(ctx.jwks);
      server = await startAuthServer(ctx.reserved, [ctx.entry], { cooldownSeconds: 1 });
    });
    after(async () => {
      await server?.stop();
      await ctx?.jwks.stop();
    });
    test('a well-formed token is 401 invalid_token, the server stays up', T, async () => {
      const r = await initializeWith(server.url, await ctx.token());
      assertChallenge(r, { status: 401, error: 'invalid_token', metadataUrl: ctx.reserved.metadataUrl });
      await assertHealthz(server);
    });
    test('once the JWKS answers again, tokens are accepted (within 15 s)', { timeout: 30000 }, async () => {
      await repairJwks(ctx.jwks);
      const deadline = Date.now() + 15000;
      let last;
      while (Date.now() < deadline) {
        last = await initializeWith(server.url, await ctx.token());
        if (last.status === 200) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(last.status, 200, show(last));
      await assertServes(server, await ctx.token(), 'hostile-alice');
    });
  });
}

jwksFailureSuite('JWKS server down', (jwks) => jwks.stop(), (jwks) => jwks.start());
jwksFailureSuite('JWKS server answering garbage', (jwks) => jwks.setRaw('<html>not a key set', 'text/html'), (jwks) => jwks.setKeys(jwks.keys));

describe('key rotation mid-run (cool-down 1 s)', { timeout: 60000 }, () => {
  let ctx;
  let server;
  before(async () => {
    ctx = await setup();
    server = await startAuthServer(ctx.reserved, [ctx.entry], { cooldownSeconds: 1 });
  });
  after(async () => {
    await server?.stop();
    await ctx?.jwks.stop();
  });
  test('old key works; after the JWKS changes, a token of the new kid is accepted; the removed key is refused later', T, async () => {
    await assertServes(server, await ctx.token(), 'hostile-alice');
    const fetched = ctx.jwks.fetches;
    const next = await makeKey('RS256', 'rs-2');
    const early = await mint(next, claimsFor(ctx, { sub: 'rotated' }));
    ctx.jwks.setKeys([next, ctx.es]);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await whoami(server.url, early), 'rotated');
    assert.ok(ctx.jwks.fetches > fetched, 'the unknown kid caused a refetch');
    await new Promise((r) => setTimeout(r, 1500));
    const r = await initializeWith(server.url, await ctx.token());
    assertChallenge(r, { status: 401, error: 'invalid_token', metadataUrl: ctx.reserved.metadataUrl });
    await assertServes(server, await mint(next, claimsFor(ctx)), 'hostile-alice');
  });
});

describe('insufficient_scope (fixture-server, Fixture_ScopedEcho needs reports:read reports:admin)', { timeout: 60000 }, () => {
  let ctx;
  let server;
  before(async () => {
    if (!process.env.FIXTURE_SERVER_BIN) throw new Error('FIXTURE_SERVER_BIN is not set');
    ctx = await setup();
    server = await startAuthServer(ctx.reserved, [ctx.entry], { scopes: SCOPES, binary: process.env.FIXTURE_SERVER_BIN });
  });
  after(async () => {
    await server?.stop();
    await ctx?.jwks.stop();
  });
  const session = async (scope) => {
    const s = new BearerSession(server.url, await ctx.token({ scope }));
    await s.initialize();
    return s;
  };
  test('tools/list shows Fixture_ScopedEcho to a token without those scopes', T, async () => {
    const s = await session('mcp');
    const r = await s.request('tools/list', {});
    await s.close();
    assert.ok(toolResult(r).tools.some((t) => t.name === 'Fixture_ScopedEcho'), r.text);
  });
  test('reports:read only -> 403 insufficient_scope naming both scopes in declared order', T, async () => {
    const s = await session('mcp reports:read');
    const r = await s.callTool('Fixture_ScopedEcho', { text: 'x' });
    await s.close();
    assertChallenge(r, { status: 403, error: 'insufficient_scope', metadataUrl: ctx.reserved.metadataUrl, scope: 'reports:read reports:admin', jsonBody: false });
  });
  test('both scopes -> the tool runs', T, async () => {
    const s = await session('reports:admin reports:read');
    const result = toolResult(await s.callTool('Fixture_ScopedEcho', { text: 'scoped hello' }));
    await s.close();
    assert.ok(!result.isError, JSON.stringify(result));
    assert.match(JSON.stringify(result.content), /scoped hello/);
  });
});

describe('stdio ignores the auth configuration', { timeout: 60000 }, () => {
  test('tools/call works without any token; Whoami is ARCADE_USER_ID', T, async () => {
    const ctx = await setup();
    const conn = await connectStdio({ env: {
      MCP_RESOURCE_SERVER_CANONICAL_URL: ctx.canonical,
      MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: JSON.stringify([ctx.entry]),
      MCP_RESOURCE_SERVER_SCOPES_SUPPORTED: SCOPES,
    } });
    watchOutput('stdio server (stderr)', conn.stderr);
    try {
      assert.equal(onlyText(await call(conn.client, 'ArcadeEvalRef_Echo', { message: 'hi' })), 'hi');
      assert.equal(onlyText(await call(conn.client, 'ArcadeEvalRef_Whoami', {})), DEFAULT_USER_ID);
      assert.equal(ctx.jwks.fetches, 0, 'stdio fetched the JWKS');
    } finally {
      await conn.close();
      await ctx.jwks.stop();
    }
  });
});

describe('bad auth configuration: exit non-zero at start with one line on stderr naming the setting', { timeout: 120000 }, () => {
  const entry = { authorization_server_url: 'http://127.0.0.1:9', issuer: 'http://127.0.0.1:9', jwks_uri: 'http://127.0.0.1:9/jwks.json', algorithm: 'RS256' };
  const SERVERS = /MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS/;
  const CANONICAL = /MCP_RESOURCE_SERVER_CANONICAL_URL/;
  const CA = /MCP_RESOURCE_SERVER_CA_FILE/;
  const COOLDOWN = /MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN_SECONDS/;
  const cases = [
    ['authorization servers not JSON', { MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: '[{' }, SERVERS],
    ['authorization servers an empty list', { MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: '[]' }, SERVERS],
    ['entry without authorization_server_url', { MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: JSON.stringify([{ ...entry, authorization_server_url: undefined }]) }, SERVERS],
    ['algorithm HS256', { MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: JSON.stringify([{ ...entry, algorithm: 'HS256' }]) }, SERVERS],
    ['algorithm none', { MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: JSON.stringify([{ ...entry, algorithm: 'none' }]) }, SERVERS],
    ['plain-http jwks_uri on a non-loopback host', { MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: JSON.stringify([{ ...entry, issuer: 'http://as.example', authorization_server_url: 'http://as.example', jwks_uri: 'http://as.example/jwks.json' }]) }, SERVERS],
    ['canonical URL with a fragment', { MCP_RESOURCE_SERVER_CANONICAL_URL: 'http://127.0.0.1:9/mcp#x' }, CANONICAL],
    ['canonical URL not absolute', { MCP_RESOURCE_SERVER_CANONICAL_URL: '/mcp' }, CANONICAL],
    ['authorization servers without canonical URL', { MCP_RESOURCE_SERVER_CANONICAL_URL: undefined }, CANONICAL],
    ['CA file that does not exist', { MCP_RESOURCE_SERVER_CA_FILE: '/nonexistent/ca.pem' }, CA],
    ['cool-down not a number', { MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN_SECONDS: 'soon' }, COOLDOWN],
  ];
  for (const [name, override, names] of cases) {
    test(name, T, async () => {
      const env = serverEnv({
        ARCADE_SERVER_TRANSPORT: 'http', ARCADE_SERVER_HOST: '127.0.0.1', ARCADE_SERVER_PORT: '0',
        MCP_RESOURCE_SERVER_CANONICAL_URL: 'http://127.0.0.1:9/mcp',
        MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: JSON.stringify([entry]),
        ...override,
      });
      for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
      const child = spawn(serverBinary(), [], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      trackPid(child.pid);
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c) => { stderr += c; });
      watchOutput(`bad configuration "${name}" (stderr)`, () => stderr);
      const stderrClosed = new Promise((resolve) => { child.stderr.once('close', resolve); setTimeout(resolve, 6000).unref(); });
      const exit = await waitForExit(child, 5000);
      await stopChild(child, { signal: 'SIGKILL', graceMs: 500 });
      await stderrClosed;
      assert.ok(exit, `still running after 5 s; stderr:\n${stderr}`);
      assert.notEqual(exit.code, 0, `exit ${JSON.stringify(exit)}; stderr:\n${stderr}`);
      const lines = stderr.split('\n').filter((l) => l.trim().length > 0);
      assert.equal(lines.length, 1, `expected one line on stderr:\n${stderr}`);
      assert.match(lines[0], names, 'the line names the setting at fault');
    });
  }
});

// Runs after every suite above has stopped its servers (their after hooks), so the output is complete.
describe('no bearer token in any server output', () => {
  test('the stderr and stdout of every server started here contain no token sent, nor its signature', (t) => {
    const { tokens, servers, chars } = assertNoTokenLogged();
    t.diagnostic(`${tokens} tokens searched in ${servers} servers' output (${chars} characters)`);
    assert.ok(tokens > 1000, `only ${tokens} tokens were noted as sent: the record is broken`);
  });
});
