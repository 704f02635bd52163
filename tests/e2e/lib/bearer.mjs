// The MCP side of the auth tests: starting a server as an OAuth resource server (the
// MCP_RESOURCE_SERVER_* environment, on a port chosen beforehand so that the canonical URL is
// known), parsing and checking WWW-Authenticate challenges, and raw MCP requests carrying a bearer
// token (initialize, tools/call, Whoami) with bounded waits; the record of every bearer token sent
// and of every server's output, for the check that no token reaches a log (assertNoTokenLogged).
import assert from 'node:assert/strict';
import { httpRequest, RawSession } from './http.mjs';
import { freePort } from './oidc.mjs';
import { pidAlive } from './process.mjs';
import { startHttpServer } from './server.mjs';

/** A recorder that keeps nothing (the auth tests check statuses and challenges, not schemas). */
const NO_RECORDER = { clientSent() {}, serverSent() {} };

/** Every bearer token sent by this process: BearerSession, initializeWith, and noteToken. */
const sentTokens = new Set();
/** { name, output() } of every server whose output assertNoTokenLogged searches. */
const watchedOutputs = [];

/** Records `token` as sent (for assertNoTokenLogged); returns it. */
export function noteToken(token) {
  if (token) sentTokens.add(token);
  return token;
}

/** Records a server's output (`output()` returns all it wrote so far) for assertNoTokenLogged. */
export function watchOutput(name, output) {
  watchedOutputs.push({ name, output });
}

/**
 * The strings of `token` that must not appear in a log: the token itself and, for a token with
 * three or more dot-separated parts, its last (signature) segment when it has 16 characters or
 * more (shorter ones, like "AAAA" or the empty signature of alg none, prove nothing).
 */
function tokenFragments(token) {
  const fragments = [token];
  const parts = token.split('.');
  if (parts.length >= 3 && parts.at(-1).length >= 16) fragments.push(parts.at(-1));
  return fragments;
}

/**
 * Fails if the output of any watched server contains a token noted as sent or its signature
 * segment. Call it once every watched server has stopped. Resolves { tokens, servers, chars }.
 */
export function assertNoTokenLogged() {
  const fragments = [...sentTokens].flatMap(tokenFragments);
  const hits = [];
  let chars = 0;
  for (const { name, output } of watchedOutputs) {
    const text = output();
    chars += text.length;
    for (const f of fragments) {
      const at = text.indexOf(f);
      if (at >= 0) hits.push(`${name}: ${f.length > 80 ? `${f.slice(0, 80)}...` : f} in ...${text.slice(Math.max(0, at - 120), at + 40)}...`);
    }
  }
  assert.deepEqual(hits, [], `bearer tokens in server output:\n${hits.slice(0, 10).join('\n')}`);
  return { tokens: sentTokens.size, servers: watchedOutputs.length, chars };
}

/** A free port and the canonical URL and metadata URL of an MCP server about to listen on it. */
export async function reservePort() {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  return { port, origin, canonical: `${origin}/mcp`, metadataUrl: `${origin}/.well-known/oauth-protected-resource/mcp` };
}

/**
 * One MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS entry for `issuer`. Options: jwksUri (omitted
 * when undefined: discovered), algorithms (one -> "algorithm", several -> "algorithms"),
 * audiences (expected_audiences), url (authorization_server_url, default the issuer).
 */
export function asEntry(issuer, { jwksUri, algorithms = ['RS256'], audiences, url = issuer } = {}) {
  const entry = { authorization_server_url: url, issuer };
  if (jwksUri) entry.jwks_uri = jwksUri;
  if (algorithms.length === 1) entry.algorithm = algorithms[0];
  else entry.algorithms = algorithms;
  if (audiences) entry.expected_audiences = audiences;
  entry.validation_options = { leeway: 5, verify_iat: true, verify_nbf: true };
  return entry;
}

/** The auth environment of a server on `reserved` (a reservePort() result). */
export function authEnv(reserved, entries, { scopes, challengeScopes, caFile, cacheSeconds, cooldownSeconds } = {}) {
  const env = {
    ARCADE_SERVER_PORT: String(reserved.port),
    MCP_RESOURCE_SERVER_CANONICAL_URL: reserved.canonical,
    MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: JSON.stringify(entries),
  };
  if (scopes) env.MCP_RESOURCE_SERVER_SCOPES_SUPPORTED = scopes;
  if (challengeScopes) env.MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES = challengeScopes;
  if (caFile) env.MCP_RESOURCE_SERVER_CA_FILE = caFile;
  if (cacheSeconds !== undefined) env.MCP_RESOURCE_SERVER_JWKS_CACHE_SECONDS = String(cacheSeconds);
  if (cooldownSeconds !== undefined) env.MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN_SECONDS = String(cooldownSeconds);
  return env;
}

/**
 * Starts an HTTP server on `reserved` with the auth environment (plus `env` extras). All its
 * stderr and stdout are kept and watched (assertNoTokenLogged).
 */
export async function startAuthServer(reserved, entries, options = {}) {
  const server = await startHttpServer({
    env: { ...authEnv(reserved, entries, options), ...options.env }, binary: options.binary, keep: Infinity,
  });
  watchOutput(`server on port ${server.port} (stderr + stdout)`, () => `${server.stderr()}\n${server.stdout()}`);
  assert.equal(server.port, reserved.port, 'the server must listen on the port it was given');
  return server;
}

/**
 * Parses a WWW-Authenticate value with one challenge: { scheme, params } (parameter names in
 * lower case, quoted values unquoted). Throws on a value it cannot parse.
 */
export function parseChallenge(value) {
  assert.equal(typeof value, 'string', 'WWW-Authenticate missing');
  const m = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s*(.*)$/.exec(value);
  assert.ok(m, `unparsable WWW-Authenticate: ${value}`);
  const params = {};
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))\s*(?:,|$)/y;
  let rest = m[2];
  while (rest.length > 0) {
    re.lastIndex = 0;
    const p = re.exec(rest);
    assert.ok(p, `unparsable WWW-Authenticate parameters: ${value}`);
    const name = p[1].toLowerCase();
    assert.ok(!(name in params), `parameter ${name} twice in WWW-Authenticate: ${value}`);
    params[name] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
    rest = rest.slice(re.lastIndex);
  }
  return { scheme: m[1], params };
}

/** Describes a response for assertion messages. */
export function describe(r) {
  return `HTTP ${r.status}, WWW-Authenticate: ${r.headers['www-authenticate']}, body: ${r.text?.slice(0, 400)}`;
}

/**
 * Checks a refusal: `status`, a Bearer challenge with `error` (or none when null),
 * resource_metadata = `metadataUrl`, `scope` when given (undefined: not checked, null: absent),
 * and a JSON-RPC error body with a non-empty message when `jsonBody`.
 * Returns the challenge parameters.
 */
export function assertChallenge(r, { status, error, metadataUrl, scope, jsonBody = true }) {
  assert.equal(r.status, status, describe(r));
  const { scheme, params } = parseChallenge(r.headers['www-authenticate']);
  assert.equal(scheme.toLowerCase(), 'bearer', describe(r));
  if (error === null) assert.ok(!('error' in params), `no error= expected without credentials: ${describe(r)}`);
  else assert.equal(params.error, error, describe(r));
  if (error === 'invalid_token') {
    assert.equal(typeof params.error_description, 'string', `error_description expected: ${describe(r)}`);
  }
  if (metadataUrl) assert.equal(params.resource_metadata, metadataUrl, describe(r));
  if (scope === null) assert.ok(!('scope' in params), `no scope= expected: ${describe(r)}`);
  else if (scope !== undefined) assert.equal(params.scope, scope, describe(r));
  if (jsonBody) {
    let body;
    assert.doesNotThrow(() => { body = JSON.parse(r.text); }, `body is not JSON: ${describe(r)}`);
    assert.equal(body.jsonrpc, '2.0', describe(r));
    assert.equal(typeof body.error?.message, 'string', describe(r));
    assert.ok(body.error.message.length > 0, describe(r));
  }
  return params;
}

/** A raw MCP session whose every request carries `Authorization: Bearer <token>` (if any). */
export class BearerSession extends RawSession {
  constructor(url, token) {
    super(url, NO_RECORDER);
    this.token = noteToken(token);
  }

  headers(overrides = {}) {
    return super.headers(this.token ? { Authorization: `Bearer ${this.token}`, ...overrides } : overrides);
  }

  /** tools/call; resolves the raw response with `messages`. */
  callTool(name, args = {}) {
    return this.request('tools/call', { name, arguments: args });
  }

  /** DELETE of the session (bounded; errors ignored). */
  async close() {
    if (!this.sessionId) return;
    await httpRequest(this.url, { method: 'DELETE', headers: this.headers() }).catch(() => {});
  }
}

/** POST initialize with `token` (or none), without keeping a session: the raw response. */
export function initializeWith(url, token, { headers = {} } = {}) {
  const body = JSON.stringify({
    jsonrpc: '2.0', id: 1, method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'arcade-e2e-auth', version: '0.0.0' } },
  });
  const h = { Accept: 'application/json, text/event-stream', 'Content-Type': 'application/json', ...headers };
  if (token) h.Authorization = `Bearer ${noteToken(token)}`;
  return httpRequest(url, { method: 'POST', headers: h, body });
}

/** The single result of a tools/call response (fails on anything else). */
export function toolResult(r) {
  assert.equal(r.status, 200, describe(r));
  const reply = r.messages.find((m) => 'result' in m || 'error' in m);
  assert.ok(reply?.result, `no result: ${r.text}`);
  return reply.result;
}

/** A full session with `token`: initialize, Whoami; resolves the user id Whoami returned. */
export async function whoami(url, token) {
  const session = new BearerSession(url, token);
  try {
    await session.initialize();
    const result = toolResult(await session.callTool('ArcadeEvalRef_Whoami'));
    assert.ok(!result.isError, JSON.stringify(result));
    assert.equal(result.structuredContent?.result, result.content?.[0]?.text, JSON.stringify(result));
    return result.content[0].text;
  } finally {
    await session.close();
  }
}

/** Fails unless the server process is alive and Whoami with `token` answers `sub`. */
export async function assertServes(server, token, sub) {
  assert.ok(server.child.exitCode === null && pidAlive(server.pid), `server died; stderr:\n${server.stderr().slice(-1500)}`);
  assert.equal(await whoami(server.url, token), sub);
}
