// The server's secrets never leave it: fixture-server runs with unique values of
// ARCADE_WORKER_SECRET and ARCADE_API_KEY (plus a tool secret that may be shown by length only),
// every route is exercised over HTTP (worker routes with good and hostile tokens, MCP methods,
// failing tools, a tool that asks for the reserved secret, errors of every kind) and over stdio,
// at debug log level in both log formats, and then every byte the process wrote (stdout, stderr)
// and every HTTP answer (status line, headers, body) is searched for the secret values, raw and
// base64-encoded. Configuration errors are checked the same way. Requests never carry the secret
// values themselves: what a client sends may be echoed back to it (an unknown method's name, a
// tool's input), which reveals nothing it did not have.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { MCP_ACCEPT, httpRequest } from './lib/http.mjs';
import { serverEnv } from './lib/config.mjs';
import { startHttpServer, startStdioServer } from './lib/server.mjs';

if (!process.env.FIXTURE_SERVER_BIN) throw new Error('FIXTURE_SERVER_BIN is not set: point it at build/<preset>/bin/fixture-server');
const BINARY = process.env.FIXTURE_SERVER_BIN;

const WORKER_SECRET = `ws-${randomBytes(12).toString('hex')}`;
const API_KEY = `ak-${randomBytes(12).toString('hex')}`;
const SECRETS = [WORKER_SECRET, API_KEY];
const ENV = { ARCADE_WORKER_SECRET: WORKER_SECRET, ARCADE_API_KEY: API_KEY, FIXTURE_API_TOKEN: 'tool-secret-value', ARCADE_LOG_LEVEL: 'debug' };
const T = { timeout: 30000 };

const b64url = (data) => Buffer.from(data).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
function sign(header, payload, secret) {
  const h = b64url(JSON.stringify(header));
  const p = b64url(JSON.stringify(payload));
  return `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
}
const claims = (extra = {}) => ({ aud: 'worker', ver: '1', iat: now(), exp: now() + 300, ...extra });
const TOKENS = {
  good: sign({ alg: 'HS256', typ: 'JWT' }, claims(), WORKER_SECRET),
  wrongSecret: sign({ alg: 'HS256', typ: 'JWT' }, claims(), 'not-the-secret'),
  expired: sign({ alg: 'HS256', typ: 'JWT' }, claims({ exp: now() - 10 }), WORKER_SECRET),
  none: `${b64url(JSON.stringify({ alg: 'none' }))}.${b64url(JSON.stringify(claims()))}.`,
  wrongAudience: sign({ alg: 'HS256' }, claims({ aud: 'engine' }), WORKER_SECRET),
};

/** Every way a secret could leak in text: raw, base64 and base64url. */
function leaks(text) {
  const found = [];
  for (const s of SECRETS) {
    for (const form of [s, Buffer.from(s).toString('base64'), Buffer.from(s).toString('base64url')]) {
      if (text.includes(form)) found.push(form === s ? s : `${s} (encoded)`);
    }
  }
  return found;
}

function workerCall(name, extra = {}) {
  return {
    run_id: 'run-s', execution_id: `exec-${name}`, created_at: new Date().toISOString(),
    tool: { name, toolkit: 'Fixture', version: '1.0.0' }, inputs: {},
    context: { authorization: null, secrets: [{ key: 'FIXTURE_API_TOKEN', value: 'from-engine' }], metadata: [], user_id: 'u1' },
    ...extra,
  };
}

describe('no secret in any output', { timeout: 180000 }, () => {
  for (const format of ['text', 'json']) {
    test(`HTTP, every route, log format ${format}`, T, async () => {
      const server = await startHttpServer({ binary: BINARY, env: { ...ENV, ARCADE_LOG_FORMAT: format } });
      const answers = [];
      const record = (r) => {
        answers.push(`${r.status} ${JSON.stringify(r.headers)} ${r.text}`);
        return r;
      };
      try {
        const get = (path, headers = {}) => httpRequest(`${server.origin}${path}`, { method: 'GET', headers }).then(record);
        await get('/worker/health');
        await get('/healthz');
        const listed = await get('/worker/tools', { Authorization: `Bearer ${TOKENS.good}` });
        assert.equal(listed.status, 200);
        assert.ok(JSON.parse(listed.text).length > 0, 'the good token lists the tools');
        for (const token of Object.values(TOKENS)) await get('/worker/tools', { Authorization: `Bearer ${token}` });
        await get('/worker/tools');
        await get('/worker/tools', { Authorization: 'Basic eDp5' });
        for (const name of ['ReservedSecret', 'SecretLength', 'Throws', 'ThrowsToolError', 'RetryLater', 'NoSuchTool']) {
          await httpRequest(`${server.origin}/worker/tools/invoke`, {
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKENS.good}` },
            body: JSON.stringify(workerCall(name)),
          }).then(record);
        }
        await httpRequest(`${server.origin}/worker/tools/invoke`, {
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKENS.good}` },
          body: '{"tool": ',
        }).then(record);

        const post = (body, headers = {}) =>
          httpRequest(server.url, { headers: { Accept: MCP_ACCEPT, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(record);
        const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 's', version: '1' } } });
        const session = { 'Mcp-Session-Id': init.headers['mcp-session-id'], 'MCP-Protocol-Version': '2025-11-25' };
        await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session);
        await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, session);
        let id = 3;
        for (const name of ['Fixture_ReservedSecret', 'Fixture_SecretLength', 'Fixture_Throws', 'Fixture_ThrowsToolError', 'Fixture_RetryLater']) {
          await post({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name, arguments: {} } }, session);
        }
        await post({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name: 'NoSuchTool', arguments: {} } }, session);
        await post({ jsonrpc: '2.0', id: id++, method: 'no/such/method' }, session);
        await post({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name: 'Fixture_Throws', arguments: { key: 1 } } }, session);
        await httpRequest(server.url, { headers: { Accept: MCP_ACCEPT, 'Content-Type': 'application/json', ...session }, body: '{"bad": ' }).then(record);
        await post({ jsonrpc: '2.0', id: 99, method: 'ping' }, { 'Mcp-Session-Id': 'deadbeef' });
        await httpRequest(server.url, { method: 'DELETE', headers: session }).then(record);
        await server.stop({ signal: 'SIGTERM' });
        const output = server.stderr() + server.stdout();
        assert.ok(output.length > 0, 'the server logged something');
        assert.deepEqual(leaks(output), [], 'logs');
        assert.deepEqual(leaks(answers.join('\n')), [], 'HTTP answers');
      } finally {
        await server.stop();
      }
    });
  }

  test('stdio, tools that reach for secrets and fail', T, async () => {
    const server = await startStdioServer({ binary: BINARY, env: ENV });
    try {
      server.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 's', version: '1' } } });
      await server.lines.next(10000);
      server.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      let id = 2;
      for (const name of ['Fixture_ReservedSecret', 'Fixture_SecretLength', 'Fixture_Throws', 'Fixture_ThrowsToolError']) {
        server.send({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name, arguments: {} } });
        const line = JSON.parse(await server.lines.next(10000));
        assert.equal(line.id, id - 1);
      }
      server.send('{"jsonrpc": "2.0", "id": 50, "method": "no/such/method"}');
      await server.lines.next(10000);
      server.closeStdin();
      await server.waitForExit(10000);
      assert.deepEqual(leaks(server.lines.raw + server.stderr()), []);
    } finally {
      await server.stop();
    }
  });

  test('configuration errors and --help', T, () => {
    const runs = [['--max-body-bytes', 'x'], ['--user-id', ''], ['--no-such-flag'], ['positional'], ['--help'], ['--version']];
    for (const args of runs) {
      const r = spawnSync(BINARY, args, { env: serverEnv(ENV), encoding: 'utf8', timeout: 10000 });
      assert.deepEqual(leaks(`${r.stdout}${r.stderr}`), [], `args ${JSON.stringify(args)}`);
    }
    // An invalid setting is refused; the secrets in the same environment are not printed.
    const env = serverEnv({ ...ENV, ARCADE_SERVER_TRANSPORT: 'http', ARCADE_SERVER_PORT: 'x' });
    const r = spawnSync(BINARY, [], { env, encoding: 'utf8', timeout: 10000 });
    assert.notEqual(r.status, 0, 'invalid configuration is refused');
    assert.deepEqual(leaks(`${r.stdout}${r.stderr}`), []);
  });
});
