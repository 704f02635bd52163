// The client side of the arcade_oauth check: the official MCP TypeScript SDK client (from
// tests/e2e/node_modules) runs the example over stdio against a stand-in of the Arcade API
// (arcade_api_double.mjs), in every case of MCP mode's tool authorization: a user authorized at
// once; a user who must approve first, asked through a URL elicitation that the client answers by
// visiting the link (then the call runs, and runs without asking the next time); approval declined;
// approval refused at the provider; a client without URL elicitation (the link in a tool error,
// worded as arcade-mcp-server 1.26 words it); the API down, a wrong key and no key (clear tool
// errors, the server serving on). The API key never appears in what the server writes or answers.
// Usage: node client.mjs <example binary>
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Client } from '../../tests/e2e/node_modules/@modelcontextprotocol/sdk/dist/esm/client/index.js';
import { StdioClientTransport } from '../../tests/e2e/node_modules/@modelcontextprotocol/sdk/dist/esm/client/stdio.js';
import {
  ElicitationCompleteNotificationSchema,
  ElicitRequestSchema,
} from '../../tests/e2e/node_modules/@modelcontextprotocol/sdk/dist/esm/types.js';
import { startArcadeApiDouble } from './arcade_api_double.mjs';

const binary = process.argv[2];
if (!binary) throw new Error('usage: node client.mjs <example binary>');

const KEY = `arc_${randomBytes(12).toString('hex')}`;
const api = await startArcadeApiDouble({ key: KEY, grantedUsers: ['grace@example.com'] });
const written = [];  // everything the servers wrote to stderr, and every result

async function connect({ user, env = {}, capabilities = {}, onElicit }) {
  const transport = new StdioClientTransport({
    command: binary,
    env: { PATH: process.env.PATH, HOME: '/nonexistent', ARCADE_LOG_LEVEL: 'info', ARCADE_API_KEY: KEY, ARCADE_API_URL: api.url, ARCADE_USER_ID: user, ...env },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk) => written.push(chunk.toString()));
  const client = new Client({ name: 'oauth-check', version: '1.0.0' }, { capabilities });
  const completed = [];
  if (onElicit) client.setRequestHandler(ElicitRequestSchema, (request) => onElicit(request.params));
  client.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => { completed.push(n.params.elicitationId); });
  await client.connect(transport);
  return { client, completed };
}

const call = async (client) => {
  const r = await client.callTool({ name: 'GithubHelper_WhoAmI', arguments: {} }, undefined, { timeout: 20000 });
  written.push(JSON.stringify(r));
  return r;
};
const text = (r) => r.content[0].text;
const extra = (r) => JSON.parse(r.content[1].text);
const authorizeCalls = () => api.requests.filter((q) => q.path === '/v1/auth/authorize');

try {
  // 1. Authorized already: the token and the provider's user info reach the tool.
  {
    const { client } = await connect({ user: 'grace@example.com' });
    const r = await call(client);
    assert.equal(r.isError, false, text(r));
    assert.match(text(r), /^Acting as GitHub user grace \(token of \d+ characters\)$/);
    const sent = authorizeCalls().at(-1);
    assert.equal(sent.authorization, KEY, 'the raw key, as arcadepy sends it');
    assert.deepEqual(sent.body, { auth_requirement: { provider_type: 'oauth2', oauth2: { scopes: ['read:user'] }, provider_id: 'github' }, user_id: 'grace@example.com' });
    await client.close();
  }

  // 2. Approval needed, the client opens the link (URL elicitation); the call then runs.
  {
    const asked = [];
    const { client, completed } = await connect({
      user: 'ada@example.com',
      capabilities: { elicitation: { url: {} } },
      onElicit: async (params) => {
        asked.push(params);
        const consent = await fetch(`${params.url}?answer=grant`);  // the user, at the provider
        assert.equal(consent.status, 200);
        return { action: 'accept' };
      },
    });
    let r = await call(client);
    assert.equal(r.isError, false, JSON.stringify(r));
    assert.match(text(r), /^Acting as GitHub user ada \(token of \d+ characters\)$/);
    assert.equal(asked.length, 1);
    assert.equal(asked[0].mode, 'url');
    assert.match(asked[0].url, /^http:\/\/127\.0\.0\.1:\d+\/consent\/ac_\d+$/);
    assert.match(asked[0].message, /Tool 'GithubHelper_WhoAmI' needs your permission/);
    assert.equal(completed.length, 1, 'notifications/elicitation/complete once the user was done');
    assert.equal(completed[0], asked[0].elicitationId);
    r = await call(client);  // authorized now: no question the second time
    assert.equal(r.isError, false);
    assert.equal(asked.length, 1);
    await client.close();
  }

  // 3. The user declines to open the link.
  {
    const { client } = await connect({ user: 'bob@example.com', capabilities: { elicitation: { url: {} } }, onElicit: async () => ({ action: 'decline' }) });
    const r = await call(client);
    assert.equal(r.isError, true);
    assert.match(text(r), /^✗ Authorization declined\n\n  Tool 'GithubHelper_WhoAmI' was not authorized/);
    assert.match(extra(r).authorization_url, /\/consent\/ac_\d+$/);
    assert.equal(r._meta, undefined);
    await client.close();
  }

  // 4. The user opens the link and refuses at the provider.
  {
    const { client } = await connect({
      user: 'carol@example.com',
      capabilities: { elicitation: { url: {} } },
      onElicit: async (params) => {
        await fetch(`${params.url}?answer=deny`);
        return { action: 'accept' };
      },
    });
    const r = await call(client);
    assert.equal(r.isError, true);
    assert.match(text(r), /^✗ Authorization failed\n\n  Tool 'GithubHelper_WhoAmI' was not authorized: the provider reported/);
    await client.close();
  }

  // 5. A client without URL elicitation: the link in a tool error, as arcade-mcp-server 1.26 sends it.
  {
    const { client } = await connect({ user: 'dave@example.com', capabilities: { elicitation: {} } });
    const r = await call(client);
    assert.equal(r.isError, true);
    const url = extra(r).authorization_url;
    assert.match(url, /\/consent\/ac_\d+$/);
    assert.equal(text(r), "⚠ Authorization required\n\n  Tool 'GithubHelper_WhoAmI' needs your permission to access your account.\n\n" +
      `  To authorize:\n  1. Click this link: ${url}\n  2. Grant the requested permissions\n  3. Return here and try again\n\n  This is a one-time setup for this tool.`);
    assert.equal(r.content[1].text, JSON.stringify({
      llm_instructions: `Please show the following link to the end user formatted as markdown: ${url} \nInform the end user that the tool requires their authorization to be completed before the tool can be executed.`,
      authorization_url: url,
    }).replace(/","/g, '", "').replace(/":"/g, '": "'), 'Python json.dumps spacing');
    assert.equal(r.structuredContent, undefined);
    assert.equal(r._meta, undefined);
    await client.close();
  }

  // 6. The Arcade API is down: a clear tool error, and the server serves on.
  {
    const closed = await new Promise((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => { const { port } = probe.address(); probe.close(() => resolve(port)); });
    });
    const { client } = await connect({ user: 'grace@example.com', env: { ARCADE_API_URL: `http://127.0.0.1:${closed}` } });
    let r = await call(client);
    assert.equal(r.isError, true);
    assert.match(text(r), /^✗ Authorization error\n\n  Tool 'GithubHelper_WhoAmI' failed to authorize\.\n\n  Error: Authorization failed: Connection error\.\n/);
    r = await call(client);  // the same again: nothing was left broken
    assert.match(text(r), /Connection error/);
    assert.equal((await client.listTools()).tools.length, 1);
    await client.close();
  }

  // 7. A wrong key: the API's 401, named without the key.
  {
    const { client } = await connect({ user: 'grace@example.com', env: { ARCADE_API_KEY: 'arc_wrong' } });
    const r = await call(client);
    assert.match(text(r), /Error: Authorization failed: Error code: 401 - Invalid API key\n/);
    await client.close();
  }

  // 8. No key: arcade-mcp-server's instructions.
  {
    const { client } = await connect({ user: 'grace@example.com', env: { ARCADE_API_KEY: '' } });
    const r = await call(client);
    assert.match(text(r), /^✗ Missing Arcade API key\n\n  Tool 'GithubHelper_WhoAmI' requires authorization but no API key is configured\./);
    await client.close();
  }

  const everything = written.join('\n');
  assert.ok(!everything.includes(KEY), 'the API key never appears in logs or results');
  console.log('arcade_oauth: all cases passed');
} finally {
  await api.close();
}
