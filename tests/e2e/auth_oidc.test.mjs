// /mcp as an OAuth 2.1 resource server in front of a REAL authorization server: oidc-provider
// (npm), run as a child process by lib/oidc.mjs, issuing RFC 9068 JWT access tokens for the MCP
// canonical URL. The official SDK client discovers everything from the 401 challenge (protected
// resource metadata, AS metadata), registers dynamically, runs authorization code + PKCE through
// oidc-provider's dev login pages (lib/oauth_client.mjs) and connects; client_credentials with
// the SDK's ClientCredentialsProvider; ES256 tokens; jwks_uri discovered from the issuer; an
// HTTPS issuer with a test CA (MCP_RESOURCE_SERVER_CA_FILE), refused without it; scopes from the
// AS against fixture-server's Fixture_ScopedEcho.
//
// Subjects oidc-provider issues: authorization code -> the account id, which devInteractions
// take from the login name ("alice"); client_credentials -> the client id (RFC 9068).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { asEntry, assertChallenge, initializeWith, reservePort, startAuthServer, whoami } from './lib/bearer.mjs';
import { call, checkEcho, checkToolList, checkWhoami, onlyText } from './lib/expect.mjs';
import { assertHealthz } from './lib/hostile.mjs';
import { connectWithAuth, DevLoginProvider } from './lib/oauth_client.mjs';
import { decodeJwt, makeTestCa, OTHER_CLIENT, SERVICE_CLIENT, startOidc } from './lib/oidc.mjs';

const T = { timeout: 30000 };
const SCOPES = 'mcp reports:read reports:admin';

/** oidc-provider for a reserved MCP port and a resource server trusting it (entry options: asEntry). */
async function startPair({ alg = 'RS256', https, entry = {}, server: serverOptions = {} } = {}) {
  const reserved = await reservePort();
  const as = await startOidc({ resource: reserved.canonical, alg, https });
  const jwksUri = 'jwksUri' in entry ? entry.jwksUri : `${as.issuer}/jwks`;
  const asConfig = asEntry(as.issuer, { algorithms: [alg], ...entry, jwksUri });
  let server;
  try {
    server = await startAuthServer(reserved, [asConfig], { scopes: SCOPES, challengeScopes: 'mcp', ...serverOptions });
  } catch (err) {
    await as.stop();
    throw err;
  }
  return { reserved, as, asConfig, server, stop: async () => { await server.stop(); await as.stop(); } };
}

const serviceProvider = (as, client = SERVICE_CLIENT, scope = 'mcp') =>
  new ClientCredentialsProvider({ ...client, expectedIssuer: as.issuer, scope });

describe('SDK client: 401 -> discovery -> dynamic registration -> authorization code + PKCE', { timeout: 120000 }, () => {
  let pair;
  let conn;
  const fetched = [];
  const provider = new DevLoginProvider({ login: 'alice' });
  before(async () => {
    pair = await startPair();
  });
  after(async () => {
    await conn?.close();
    await pair?.stop();
  });

  test('first connect: the SDK is sent to the authorization endpoint and the dev login yields a code', T, async () => {
    let transport;
    await assert.rejects(connectWithAuth(pair.server.url, provider, fetched), (err) => {
      assert.ok(err instanceof UnauthorizedError, `expected UnauthorizedError, got ${err?.stack ?? err}`);
      transport = err.transport;
      return true;
    });
    const { metadataUrl, canonical } = pair.reserved;
    assert.ok(fetched.includes(`GET ${metadataUrl}`), `the SDK did not fetch ${metadataUrl}:\n${fetched.join('\n')}`);
    assert.ok(fetched.some((f) => f.startsWith(`GET ${pair.as.issuer}/.well-known/`)), `no AS metadata fetch:\n${fetched.join('\n')}`);
    assert.ok(fetched.includes(`POST ${pair.as.issuer}/reg`), `no dynamic registration:\n${fetched.join('\n')}`);
    assert.match(provider.registered?.client_id ?? '', /.+/);
    const params = provider.authorizationUrl.searchParams;
    assert.equal(params.get('resource'), canonical);
    assert.equal(params.get('code_challenge_method'), 'S256');
    assert.equal(params.get('scope'), 'mcp', 'the scope of the challenge');
    assert.match(provider.code ?? '', /.+/);
    await transport.finishAuth(provider.code);
    const { header, payload } = decodeJwt(provider.savedTokens.access_token);
    assert.equal(header.alg, 'RS256');
    assert.equal(payload.sub, 'alice', 'oidc-provider devInteractions: the account id is the login name');
    assert.equal(payload.aud, canonical);
    assert.equal(payload.iss, pair.as.issuer);
  });

  test('second connect with the token: tools/list, Echo, Whoami = alice', T, async () => {
    conn = await connectWithAuth(pair.server.url, provider, fetched);
    await checkToolList(conn.client);
    await checkEcho(conn.client);
    await checkWhoami(conn.client, 'alice');
  });

  test('every server message matches the MCP schema', T, (t) => conn.recorder.assertAllValid(t));

  test('the same token is refused by a resource server with another canonical URL (audience)', T, async () => {
    const reserved = await reservePort();
    const other = await startAuthServer(reserved, [pair.asConfig]);
    try {
      const r = await initializeWith(other.url, provider.savedTokens.access_token);
      assertChallenge(r, { status: 401, error: 'invalid_token', metadataUrl: reserved.metadataUrl });
    } finally {
      await other.stop();
    }
  });
});

describe('SDK client: client_credentials (ClientCredentialsProvider)', { timeout: 60000 }, () => {
  let pair;
  before(async () => {
    pair = await startPair();
  });
  after(() => pair?.stop());

  test('connects after the 401 and Whoami is the client id (sub of a client_credentials token)', T, async () => {
    const provider = serviceProvider(pair.as);
    const conn = await connectWithAuth(pair.server.url, provider);
    try {
      assert.equal(decodeJwt(provider.tokens().access_token).payload.sub, SERVICE_CLIENT.clientId);
      await checkWhoami(conn.client, SERVICE_CLIENT.clientId);
      assert.equal(onlyText(await call(conn.client, 'ArcadeEvalRef_Add', { a: 2, b: 3 })), '5');
    } finally {
      await conn.close();
    }
  });

  test('two clients, two subjects, on one server', T, async () => {
    assert.equal(await whoami(pair.server.url, await pair.as.token({ client: OTHER_CLIENT })), OTHER_CLIENT.clientId);
    assert.equal(await whoami(pair.server.url, await pair.as.token()), SERVICE_CLIENT.clientId);
  });
});

describe('ES256 access tokens, "algorithms" list', { timeout: 60000 }, () => {
  let pair;
  before(async () => {
    pair = await startPair({ alg: 'ES256', entry: { algorithms: ['RS256', 'ES256'] } });
  });
  after(() => pair?.stop());
  test('an ES256 token from oidc-provider is accepted', T, async () => {
    const token = await pair.as.token();
    assert.equal(decodeJwt(token).header.alg, 'ES256');
    assert.equal(await whoami(pair.server.url, token), SERVICE_CLIENT.clientId);
  });
});

describe('jwks_uri omitted: discovered from the issuer metadata', { timeout: 60000 }, () => {
  let pair;
  before(async () => {
    pair = await startPair({ entry: { jwksUri: undefined } });
  });
  after(() => pair?.stop());
  test('the configuration has no jwks_uri and a token is accepted', T, async () => {
    assert.ok(!('jwks_uri' in pair.asConfig));
    assert.equal(await whoami(pair.server.url, await pair.as.token()), SERVICE_CLIENT.clientId);
  });
  test('the SDK client connects too', T, async () => {
    const conn = await connectWithAuth(pair.server.url, serviceProvider(pair.as));
    try {
      await checkWhoami(conn.client, SERVICE_CLIENT.clientId);
    } finally {
      await conn.close();
    }
  });
});

describe('HTTPS issuer with a test CA', { timeout: 120000 }, () => {
  let ca;
  let as;
  let reserved;
  before(async () => {
    ca = makeTestCa();
    reserved = await reservePort();
    as = await startOidc({ resource: reserved.canonical, https: ca });
  });
  after(async () => {
    await as?.stop();
    ca?.remove();
  });
  const start = (entry, caFile) => startAuthServer(reserved, [asEntry(as.issuer, entry)], { caFile });

  test('the issuer is https', () => assert.match(as.issuer, /^https:\/\/127\.0\.0\.1:\d+$/));

  test('without MCP_RESOURCE_SERVER_CA_FILE: the JWKS fetch fails (TLS), 401 invalid_token, server up', T, async () => {
    const server = await start({ jwksUri: `${as.issuer}/jwks` });
    try {
      const r = await initializeWith(server.url, await as.token());
      assertChallenge(r, { status: 401, error: 'invalid_token', metadataUrl: reserved.metadataUrl });
      await assertHealthz(server);
      const deadline = Date.now() + 3000;
      while (!/certificate|SSL|TLS/i.test(server.stderr()) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
      assert.match(server.stderr(), /certificate|SSL|TLS/i, 'a log line names the TLS failure');
    } finally {
      await server.stop();
    }
  });

  test('with MCP_RESOURCE_SERVER_CA_FILE: accepted (explicit jwks_uri)', T, async () => {
    const server = await start({ jwksUri: `${as.issuer}/jwks` }, ca.caFile);
    try {
      assert.equal(await whoami(server.url, await as.token()), SERVICE_CLIENT.clientId);
    } finally {
      await server.stop();
    }
  });

  test('with MCP_RESOURCE_SERVER_CA_FILE: accepted (jwks_uri discovered over HTTPS)', T, async () => {
    const server = await start({}, ca.caFile);
    try {
      assert.equal(await whoami(server.url, await as.token()), SERVICE_CLIENT.clientId);
    } finally {
      await server.stop();
    }
  });
});

describe('scopes from oidc-provider on fixture-server (Fixture_ScopedEcho)', { timeout: 60000 }, () => {
  let pair;
  before(async () => {
    if (!process.env.FIXTURE_SERVER_BIN) throw new Error('FIXTURE_SERVER_BIN is not set');
    pair = await startPair({ server: { binary: process.env.FIXTURE_SERVER_BIN } });
  });
  after(() => pair?.stop());

  test('"mcp reports:read": the SDK gets 403 insufficient_scope', T, async () => {
    const conn = await connectWithAuth(pair.server.url, serviceProvider(pair.as, SERVICE_CLIENT, 'mcp reports:read'));
    try {
      await assert.rejects(call(conn.client, 'Fixture_ScopedEcho', { text: 'x' }), /403/);
    } finally {
      await conn.close();
    }
  });

  test('"mcp reports:read reports:admin": the tool runs', T, async () => {
    const conn = await connectWithAuth(pair.server.url, serviceProvider(pair.as, SERVICE_CLIENT, SCOPES));
    try {
      const result = await call(conn.client, 'Fixture_ScopedEcho', { text: 'scoped via oidc' });
      assert.ok(!result.isError, JSON.stringify(result));
      assert.match(JSON.stringify(result.content), /scoped via oidc/);
    } finally {
      await conn.close();
    }
  });
});
