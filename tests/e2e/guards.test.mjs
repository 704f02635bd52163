// The server's guards, attacked over a real socket (docs/security.md): request smuggling
// (ambiguous framing, obs-fold, duplicate Host: 400 + Connection: close), DNS rebinding (Host and
// Origin: 403), and the isolation of resumable streams between sessions. Each test sends the
// hostile input, checks the answer, then checks the same server still answers a good request.
// Limits (sizes, depth, caps, time-outs) are in limits.test.mjs; helpers in lib/attack.mjs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conformanceServerBinary } from './lib/config.mjs';
import { httpRequest, MCP_ACCEPT } from './lib/http.mjs';
import { exchangeOnce, mcpHeaders, rawRequest, sleep } from './lib/raw_socket.mjs';
import { MessageRecorder } from './lib/recorder.mjs';
import { startHttpServer } from './lib/server.mjs';
import { eventMessage, openEventStream } from './lib/sse.mjs';
import { assertPing, assertServes, describeResponse, initializeMessage, REV, rpcError } from './lib/attack.mjs';

const T = { timeout: 20000 };

// ---------------------------------------------------------------------------------------------
describe('guards: request smuggling (400 + Connection: close)', { timeout: 120000 }, () => {
  let server;
  let session;
  before(async () => {
    server = await startHttpServer();
    session = await assertServes(server);
  });
  after(async () => {
    await server?.stop();
  });

  const body = JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' });
  const len = String(Buffer.byteLength(body));
  const chunked = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
  // Bytes a front end might forward as a second request: the server must never answer them.
  const smuggled = (port) => `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`;
  // The session's headers: accepted framing would get 200, so a 400 here is the framing refusal.
  const H = (port) => mcpHeaders(port, { sessionId: session.sessionId });
  const head = (port, lines) => `POST /mcp HTTP/1.1\r\n${H(port).map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n${lines}\r\n\r\n`;

  const cases = [
    ['Content-Length and Transfer-Encoding: chunked', (p) => rawRequest({ headers: [...H(p), ['Content-Length', '5'], ['Transfer-Encoding', 'chunked']], body: `0\r\n\r\n${smuggled(p)}` })],
    ['Transfer-Encoding: chunked and Content-Length (other order)', (p) => rawRequest({ headers: [...H(p), ['Transfer-Encoding', 'chunked'], ['Content-Length', len]], body: chunked })],
    ['Transfer-Encoding: gzip, chunked', (p) => rawRequest({ headers: [...H(p), ['Transfer-Encoding', 'gzip, chunked']], body: chunked })],
    ['Transfer-Encoding: chunked, identity', (p) => rawRequest({ headers: [...H(p), ['Transfer-Encoding', 'chunked, identity']], body: chunked })],
    ['Transfer-Encoding: identity', (p) => rawRequest({ headers: [...H(p), ['Transfer-Encoding', 'identity']], body: chunked })],
    ['Transfer-Encoding: xchunked', (p) => rawRequest({ headers: [...H(p), ['Transfer-Encoding', 'xchunked']], body: chunked })],
    ['Transfer-Encoding: chunked twice', (p) => rawRequest({ headers: [...H(p), ['Transfer-Encoding', 'chunked'], ['Transfer-Encoding', 'chunked']], body: chunked })],
    ['chunked on HTTP/1.0', (p) => rawRequest({ version: '1.0', headers: [...H(p), ['Transfer-Encoding', 'chunked']], body: chunked })],
    ['duplicate Content-Length, same value', (p) => rawRequest({ headers: [...H(p), ['Content-Length', len], ['Content-Length', len]], body })],
    ['duplicate Content-Length, different values', (p) => rawRequest({ headers: [...H(p), ['Content-Length', len], ['Content-Length', '0']], body: body + smuggled(p) })],
    ['Content-Length list "n, n"', (p) => rawRequest({ headers: [...H(p), ['Content-Length', `${len}, ${len}`]], body })],
    ['Content-Length with a plus sign', (p) => rawRequest({ headers: [...H(p), ['Content-Length', `+${len}`]], body })],
    ['Content-Length negative', (p) => rawRequest({ headers: [...H(p), ['Content-Length', '-1']], body })],
    ['Content-Length with a space inside', (p) => rawRequest({ headers: [...H(p), ['Content-Length', `${len.slice(0, 1)} ${len.slice(1)}`]], body })],
    ['Content-Length in hex', (p) => rawRequest({ headers: [...H(p), ['Content-Length', `0x${Number(len).toString(16)}`]], body })],
    ['Content-Length empty', (p) => rawRequest({ headers: [...H(p), ['Content-Length', '']], body })],
    ['a header line starting with a space before any header', (p) => `POST /mcp HTTP/1.1\r\n X-Fold: a\r\n${H(p).map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\nContent-Length: ${len}\r\n\r\n${body}`],
  ];

  for (const [name, build] of cases) {
    test(`${name}: 400, Connection: close, nothing after it answered; the server serves on`, T, async () => {
      const { response, closed, extra } = await exchangeOnce(server.port, build(server.port));
      assert.equal(response.status, 400, describeResponse(response));
      const error = rpcError(response);
      assert.equal(error.code, -32000, describeResponse(response));
      assert.match(error.message, /malformed|ambiguous|folding/, describeResponse(response));
      assert.equal(response.header('connection'), 'close', describeResponse(response));
      assert.ok(closed, 'the server closes the connection');
      assert.equal(extra.length, 0, `no second response: ${extra.map(describeResponse).join('\n')}`);
      await assertPing(session);
    });
  }

  // obs-fold (RFC 9112 §5.2): a line starting with a space or tab continues the previous field.
  // Beast 1.74 unfolds it silently; for the framing fields that lets a front end that does not
  // unfold see no Content-Length / Transfer-Encoding where this server sees one.
  const foldCases = [
    ['obs-fold in Transfer-Encoding', (p) => `${head(p, 'Transfer-Encoding:\r\n chunked')}${chunked}`],
    ['obs-fold in Content-Length', (p) => `${head(p, `Content-Length:\r\n ${len}`)}${body}`],
    ['obs-fold (tab) in an ordinary header', (p) => `${head(p, `X-Folded: a\r\n\tb\r\nContent-Length: ${len}`)}${body}`],
  ];
  for (const [name, build] of foldCases) {
    test(
      `${name}: 400, Connection: close; the server serves on`,
      T,
      async () => {
        const { response, closed } = await exchangeOnce(server.port, build(server.port));
        try {
          assert.equal(response.status, 400, describeResponse(response));
          assert.equal(response.header('connection'), 'close', describeResponse(response));
          assert.ok(closed, 'the server closes the connection');
        } finally {
          await assertPing(session);
        }
      }
    );
  }

  test('legal variants are not refused: OWS around Content-Length, "Chunked" in any case', T, async () => {
    const headers = mcpHeaders(server.port, { sessionId: session.sessionId });
    for (const raw of [
      rawRequest({ headers: [...headers, ['Content-Length', ` ${len}\t`]], body }),
      rawRequest({ headers: [...headers, ['Transfer-Encoding', 'Chunked']], body: chunked }),
    ]) {
      const { response, closed } = await exchangeOnce(server.port, raw, { closeWaitMs: 300 });
      assert.equal(response.status, 200, describeResponse(response));
      assert.deepEqual(JSON.parse(response.body), { jsonrpc: '2.0', id: 99, result: {} });
      assert.ok(!closed, 'the connection stays open');
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('guards: DNS rebinding (Host and Origin)', { timeout: 60000 }, () => {
  let server;
  let session;
  before(async () => {
    server = await startHttpServer();
    session = await assertServes(server);
  });
  after(async () => {
    await server?.stop();
  });

  const initBody = () => JSON.stringify(initializeMessage());
  const withHost = (port, hostLines) => [
    ...hostLines,
    ['Content-Type', 'application/json'],
    ['Accept', MCP_ACCEPT],
  ];

  const refused = [
    ['Host evil.example.com', (p) => withHost(p, [['Host', 'evil.example.com']]), /Host/],
    ['Host evil.example.com with the server\'s port', (p) => withHost(p, [['Host', `evil.example.com:${p}`]]), /Host/],
    ['Host 127.0.0.1.nip.io', (p) => withHost(p, [['Host', `127.0.0.1.nip.io:${p}`]]), /Host/],
    ['Host localhost.evil.com', (p) => withHost(p, [['Host', 'localhost.evil.com']]), /Host/],
    ['Host 127.0.0.2 (loopback range, not allowed by name)', (p) => withHost(p, [['Host', `127.0.0.2:${p}`]]), /Host/],
    ['Host and Origin both evil', (p) => [...withHost(p, [['Host', 'evil.example.com']]), ['Origin', 'http://evil.example.com']], /Host/],
    ['Origin http://evil.example.com with a good Host', (p) => [...withHost(p, [['Host', `127.0.0.1:${p}`]]), ['Origin', 'http://evil.example.com']], /Origin/],
    ['Origin null with a good Host', (p) => [...withHost(p, [['Host', `127.0.0.1:${p}`]]), ['Origin', 'null']], /Origin/],
    ['Origin http://localhost.evil.com with a good Host', (p) => [...withHost(p, [['Host', `127.0.0.1:${p}`]]), ['Origin', `http://localhost.evil.com:${p}`]], /Origin/],
  ];
  for (const [name, headers, pattern] of refused) {
    test(`${name}: 403 with -32000; the server serves on`, T, async () => {
      const { response } = await exchangeOnce(server.port, rawRequest({ headers: headers(server.port), body: initBody() }));
      assert.equal(response.status, 403, describeResponse(response));
      const error = rpcError(response);
      assert.equal(error.code, -32000, describeResponse(response));
      assert.match(error.message, pattern, describeResponse(response));
      assert.equal(response.header('mcp-session-id'), undefined, 'no session created');
      await assertPing(session);
    });
  }

  test('no Host header on HTTP/1.1: 4xx (RFC 9112 §3.2 asks for 400)', T, async () => {
    const { response } = await exchangeOnce(server.port, rawRequest({ headers: withHost(server.port, []), body: initBody() }));
    assert.ok(response.status >= 400 && response.status < 500, describeResponse(response));
    assert.equal(response.header('mcp-session-id'), undefined, 'no session created');
    await assertPing(session);
  });

  test('two Host headers, the evil one first: 4xx', T, async () => {
    const hosts = [['Host', 'evil.example.com'], ['Host', `127.0.0.1:${server.port}`]];
    const { response } = await exchangeOnce(server.port, rawRequest({ headers: withHost(server.port, hosts), body: initBody() }));
    assert.ok(response.status >= 400 && response.status < 500, describeResponse(response));
    await assertPing(session);
  });

  test(
    'two Host headers, the evil one second: 4xx (RFC 9112 §3.2: 400 for more than one Host)',
    T,
    async () => {
      const hosts = [['Host', `127.0.0.1:${server.port}`], ['Host', 'evil.example.com']];
      const { response } = await exchangeOnce(server.port, rawRequest({ headers: withHost(server.port, hosts), body: initBody() }));
      try {
        assert.ok(response.status >= 400 && response.status < 500, describeResponse(response));
      } finally {
        await assertPing(session);
      }
    }
  );

  test('DELETE of a live session with an evil Host is 403 and the session survives', T, async () => {
    const headers = [['Host', 'evil.example.com'], ['Mcp-Session-Id', session.sessionId]];
    const { response } = await exchangeOnce(server.port, rawRequest({ method: 'DELETE', headers }));
    assert.equal(response.status, 403, describeResponse(response));
    await assertPing(session, 'ping on the session an evil Host tried to delete');
  });

  test('GET stream of a live session with an evil Origin is 403', T, async () => {
    const headers = [
      ['Host', `127.0.0.1:${server.port}`],
      ['Origin', 'http://evil.example.com'],
      ['Accept', 'text/event-stream'],
      ['Mcp-Session-Id', session.sessionId],
    ];
    const { response } = await exchangeOnce(server.port, rawRequest({ method: 'GET', headers }));
    assert.equal(response.status, 403, describeResponse(response));
    await assertPing(session);
  });

  test('control: loopback names with any port are allowed (localhost, [::1], upper case)', T, async () => {
    for (const host of [`localhost:${server.port}`, `[::1]:${server.port}`, `LOCALHOST:${server.port}`, '127.0.0.1']) {
      const { response } = await exchangeOnce(server.port, rawRequest({ headers: withHost(server.port, [['Host', host]]), body: initBody() }));
      assert.equal(response.status, 200, `Host ${host}: ${describeResponse(response)}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('guards: session isolation of resumable streams', { timeout: 60000 }, () => {
  let server;
  before(async () => {
    server = await startHttpServer({ binary: conformanceServerBinary() });
  });
  after(async () => {
    await server?.stop();
  });

  test("client B's GET with a Last-Event-ID of session A's stream gets none of A's events", T, async (t) => {
    const recorder = new MessageRecorder(REV);
    const a = await assertServes(server, recorder);
    const b = await assertServes(server, recorder);
    // A's call ends its POST stream after the priming event; its result is kept for resumption.
    const callId = a.nextId++;
    const post = await httpRequest(server.url, {
      headers: a.headers(),
      body: JSON.stringify({ jsonrpc: '2.0', id: callId, method: 'tools/call', params: { name: 'test_reconnection', arguments: {} } }),
    });
    assert.equal(post.status, 200, describeResponse(post));
    assert.match(post.headers['content-type'] ?? '', /^text\/event-stream/, describeResponse(post));
    const primingId = /^id: (.+)$/m.exec(post.text)?.[1];
    assert.ok(primingId, `a priming event id: ${post.text}`);
    const streamOfA = primingId.slice(0, primingId.lastIndexOf('-'));
    await sleep(300);  // the result is now in A's kept stream

    const intruder = await openEventStream(server.url, {
      headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': b.sessionId, 'MCP-Protocol-Version': REV, 'Last-Event-ID': primingId },
    });
    try {
      assert.ok(intruder.status === 200 || (intruder.status >= 400 && intruder.status < 500), `status ${intruder.status}`);
      await sleep(1500);
      t.diagnostic(`B's GET: HTTP ${intruder.status}, events ${JSON.stringify(intruder.events.map((e) => e.id))}, stream of A ${streamOfA}`);
      assert.ok(!/Reconnection test completed/.test(intruder.text), `B received A's result: ${intruder.text}`);
      for (const e of intruder.events) {
        assert.ok(!(e.id ?? '').startsWith(`${streamOfA}-`), `B received an event of A's stream: ${e.raw}`);
        assert.notEqual(eventMessage(e)?.id, callId, `B received A's response: ${e.raw}`);
      }
    } finally {
      intruder.close();
    }

    // The good request: A resumes its own stream and gets its result.
    const own = await openEventStream(server.url, {
      headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': a.sessionId, 'MCP-Protocol-Version': REV, 'Last-Event-ID': primingId },
    });
    try {
      assert.equal(own.status, 200);
      const event = await own.next((e) => eventMessage(e)?.id === callId, 5000);
      assert.equal(eventMessage(event).result?.content?.[0]?.text, 'Reconnection test completed successfully');
    } finally {
      own.close();
    }
    await assertPing(b);
  });
});
