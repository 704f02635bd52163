// Operations of the real binary: HTTP keep-alive and pipelining on one connection, JSON-lines
// logs, start-up refusal of invalid configuration (one line, exit 2), and .env loading where
// the real environment wins.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { serverBinary, serverEnv } from './lib/config.mjs';
import { stopChild, trackPid } from './lib/process.mjs';
import { startHttpServer } from './lib/server.mjs';

const T = { timeout: 20000 };

function post(body, sessionId) {
  const text = JSON.stringify(body);
  return (
    'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
    'Accept: application/json, text/event-stream\r\n' +
    (sessionId ? `Mcp-Session-Id: ${sessionId}\r\nMCP-Protocol-Version: 2025-11-25\r\n` : '') +
    `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`
  );
}

/** Sends `raw` on one connection and collects `count` HTTP responses (Content-Length bodies). */
function exchange(port, raw, count, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`got ${parse().length} of ${count} responses within ${timeoutMs} ms:\n${data}`));
    }, timeoutMs);
    function parse() {
      const out = [];
      let rest = data.toString('latin1');
      while (true) {
        const end = rest.indexOf('\r\n\r\n');
        if (end < 0) break;
        const head = rest.slice(0, end);
        const len = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (rest.length < end + 4 + len) break;
        out.push({ head, body: Buffer.from(rest.slice(end + 4, end + 4 + len), 'latin1').toString('utf8') });
        rest = rest.slice(end + 4 + len);
      }
      return out;
    }
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const responses = parse();
      if (responses.length >= count) {
        clearTimeout(timer);
        socket.destroy();
        resolve(responses);
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.write(raw);
  });
}

describe('HTTP connection handling', { timeout: 60000 }, () => {
  test('pipelined requests on one keep-alive connection are answered in order', T, async () => {
    const server = await startHttpServer();
    try {
      const init = post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'p', version: '1' } } });
      const [first] = await exchange(server.port, init, 1);
      const sid = /mcp-session-id: *([0-9a-f]+)/i.exec(first.head)[1];
      const calls = [1, 2, 3, 4].map((n) =>
        post({ jsonrpc: '2.0', id: 10 + n, method: 'tools/call', params: { name: 'ArcadeEvalRef_Add', arguments: { a: n, b: n } } }, sid)
      );
      const responses = await exchange(server.port, calls.join(''), 4);  // one write: all four pipelined
      assert.deepEqual(
        responses.map((r) => [JSON.parse(r.body).id, JSON.parse(r.body).result.structuredContent.result]),
        [[11, 2], [12, 4], [13, 6], [14, 8]]
      );
      assert.ok(responses.every((r) => /^HTTP\/1\.1 200/.test(r.head) && !/connection: close/i.test(r.head)));
    } finally {
      await server.stop();
    }
  });

  test('GET /healthz answers 200 without any secret (orchestrator probes)', T, async () => {
    const server = await startHttpServer();
    try {
      const [r] = await exchange(server.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 1);
      assert.match(r.head, /^HTTP\/1\.1 200/);
      assert.deepEqual(JSON.parse(r.body), { status: 'ok' });
    } finally {
      await server.stop();
    }
  });

  test('an oversized header block is 431', T, async () => {
    const server = await startHttpServer();
    try {
      const raw = `GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(9000)}\r\n\r\n`;
      const [r] = await exchange(server.port, raw, 1);
      assert.match(r.head, /^HTTP\/1\.1 431/);
    } finally {
      await server.stop();
    }
  });

  test('ambiguous framing (Content-Length with Transfer-Encoding) is 400 and closes', T, async () => {
    const server = await startHttpServer();
    try {
      const raw = 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: gzip\r\n\r\nhello';
      const [r] = await exchange(server.port, raw, 1);
      assert.match(r.head, /^HTTP\/1\.1 400/);
      assert.match(r.head, /connection: close/i);
    } finally {
      await server.stop();
    }
  });
});

describe('logging and configuration', { timeout: 60000 }, () => {
  test('ARCADE_LOG_FORMAT=json writes one JSON object per stderr line, with time and level', T, async () => {
    const server = await startHttpServer({ env: { ARCADE_LOG_FORMAT: 'json' } });
    await server.stop();
    const lines = server.stderr().split('\n').filter(Boolean);
    assert.ok(lines.length >= 2, server.stderr());
    for (const line of lines) {
      const entry = JSON.parse(line);
      assert.match(entry.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(['debug', 'info', 'warning', 'error'].includes(entry.level), line);
      assert.equal(typeof entry.msg, 'string');
    }
  });

  for (const [name, value] of [['ARCADE_SERVER_PORT', 'abc'], ['ARCADE_SERVER_TRANSPORT', 'carrier-pigeon'], ['ARCADE_LOG_LEVEL', 'loud']]) {
    test(`invalid ${name} stops the start with one line and exit code 2`, T, async () => {
      const { code, stderr } = await new Promise((resolve) => {
        execFile(serverBinary(), [], { env: serverEnv({ [name]: value }), timeout: 10000 }, (err, _out, errText) =>
          resolve({ code: err ? err.code : 0, stderr: errText })
        );
      });
      assert.equal(code, 2);
      const lines = stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0], new RegExp(name));
    });
  }

  test('.env in the project root sets ARCADE_USER_ID; the real environment wins', T, async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'arcade-dotenv-'));
    try {
      mkdirSync(path.join(root, '.git'));
      mkdirSync(path.join(root, 'sub'));
      writeFileSync(path.join(root, '.env'), '# test\nexport ARCADE_USER_ID="from-dotenv"\n');
      const whoami = async (env) => {
        const child = spawn(serverBinary(), [], { cwd: path.join(root, 'sub'), env, stdio: ['pipe', 'pipe', 'pipe'] });
        trackPid(child.pid);
        let out = '';
        child.stdout.on('data', (c) => (out += c));
        child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'd', version: '1' } } }) + '\n');
        child.stdin.end(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'ArcadeEvalRef_Whoami' } }) + '\n');
        const exited = await new Promise((resolve) => {
          const timer = setTimeout(() => resolve(false), 10000);
          child.on('exit', () => { clearTimeout(timer); resolve(true); });
        });
        if (!exited) await stopChild(child, { signal: 'SIGKILL' });
        const reply = out.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((m) => m.id === 2);
        return reply.result.structuredContent.result;
      };
      const env = serverEnv();
      delete env.ARCADE_USER_ID;
      assert.equal(await whoami(env), 'from-dotenv');
      assert.equal(await whoami({ ...env, ARCADE_USER_ID: 'from-env' }), 'from-env');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
