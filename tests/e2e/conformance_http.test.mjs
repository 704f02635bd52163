// conformance-server (examples/conformance-server) over Streamable HTTP.
// Through the official SDK client (declaring sampling and elicitation), with a fetch wrapper that
// reads along every event stream: sampling and elicitation (the server's request on the call's
// SSE response, the client's answer in a POST of its own), list_changed and resources/updated on
// the standalone GET stream, stream resumption, cancellation.
// Raw HTTP (node:http): a tool that ends its SSE response early (priming event with retry, no
// result) and GET with Last-Event-ID delivering the result; DELETE then 404; an unknown
// Last-Event-ID giving a fresh standalone stream; an id on every event of a POST stream.
// Every JSON-RPC message the server sends is checked against the MCP schema.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conformanceServerBinary } from './lib/config.mjs';
import {
  ClientSide,
  DYNAMIC_KINDS,
  assertResultsMatchTheirMethods,
  call,
  checkCancellation,
  checkElicitationAccept,
  checkElicitationDecline,
  checkListChanged,
  checkSampling,
  checkSubscription,
  onlyText,
  sleep,
} from './lib/conformance.mjs';
import { httpRequest, RawSession } from './lib/http.mjs';
import { pidAlive } from './lib/process.mjs';
import { MessageRecorder } from './lib/recorder.mjs';
import { connectHttp } from './lib/sdk.mjs';
import { startHttpServer } from './lib/server.mjs';
import { eventMessage, openEventStream, parseSse, SseParser } from './lib/sse.mjs';

const T = { timeout: 20000 };

function describeResponse(r) {
  return `HTTP ${r.status} ${JSON.stringify(r.headers)} ${r.text.slice(0, 500)}`;
}

/** Polls `condition` every 20 ms until it is true; fails after `ms`. */
async function until(condition, ms, what) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * A fetch for the SDK transport that records every exchange in `exchanges`:
 * { method, body (parsed JSON or undefined), status, contentType, events, ended }, reading
 * along event-stream responses (the SDK gets an identical copy of the body).
 */
function tappingFetch(exchanges) {
  return async (url, init = {}) => {
    const entry = {
      method: (init.method ?? 'GET').toUpperCase(),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      status: null,
      contentType: null,
      events: [],
      ended: false,
    };
    exchanges.push(entry);
    const response = await fetch(url, init);
    entry.status = response.status;
    entry.contentType = response.headers.get('content-type') ?? '';
    if (!response.body || !entry.contentType.startsWith('text/event-stream')) {
      entry.ended = true;
      return response;
    }
    const [mine, theirs] = response.body.tee();
    (async () => {
      const parser = new SseParser();
      const decoder = new TextDecoder();
      try {
        for await (const chunk of mine) entry.events.push(...parser.push(decoder.decode(chunk, { stream: true })));
      } catch {
        // aborted when the client closes
      }
      entry.ended = true;
    })();
    return new Response(theirs, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** The JSON-RPC messages carried by an exchange's events. */
const messagesOf = (exchange) => exchange.events.map(eventMessage).filter(Boolean);

describe('conformance-server: SDK client over Streamable HTTP', { timeout: 180000 }, () => {
  const side = new ClientSide();
  const exchanges = [];
  let server;
  let conn;
  let getStream;
  before(async () => {
    server = await startHttpServer({ binary: conformanceServerBinary() });
    conn = await connectHttp(server, { capabilities: side.capabilities, setup: side.setup, fetch: tappingFetch(exchanges) });
    // The SDK opens the standalone GET stream after notifications/initialized; messages sent
    // before it is attached are not replayed, so wait for it (and its priming event).
    await until(() => exchanges.some((e) => e.method === 'GET' && e.status === 200 && e.events.length > 0), 5000, 'the GET stream');
    getStream = exchanges.find((e) => e.method === 'GET' && e.status === 200);
  });
  after(async () => {
    await conn?.close();
    await server?.stop();
  });

  test('the standalone GET stream is open and primed (id, retry, empty data)', T, () => {
    assert.match(getStream.contentType, /^text\/event-stream/);
    const [priming] = getStream.events;
    assert.ok(priming.id, `priming event has an id: ${priming.raw}`);
    assert.equal(priming.data, '', priming.raw);
    assert.match(priming.retry ?? '', /^\d+$/, priming.raw);
  });

  /** The tools/call POST exchange of the latest call of `tool`. */
  const callExchange = (tool) => exchanges.filter((e) => e.method === 'POST' && e.body?.params?.name === tool).at(-1);

  /**
   * Checks that server request `method` arrived on the SSE response of the `tool` call and that
   * the client answered it with a POST of its own, accepted with 202.
   */
  async function checkServerRequestRoundTrip(tool, method) {
    const post = callExchange(tool);
    assert.match(post.contentType, /^text\/event-stream/, 'the call is answered with an SSE stream');
    const messages = messagesOf(post);
    const request = messages.find((m) => m.method === method);
    assert.ok(request, `${method} arrived on the call's stream: ${JSON.stringify(messages)}`);
    assert.ok(messages.some((m) => m.id === post.body.id && 'result' in m), 'the result ends the same stream');
    for (const e of post.events) if (e.data) assert.ok(e.id, `event without id on the call's stream: ${e.raw}`);
    const answer = exchanges.filter((e) => e.method === 'POST' && e.body?.id === request.id && !('method' in e.body)).at(-1);
    assert.ok(answer, `the client POSTed its answer to ${method} id ${request.id}`);
    assert.ok('result' in answer.body, JSON.stringify(answer.body));
    // The result can reach the client before the 202 answering that POST does.
    await until(() => answer.status !== null, 5000, 'the answer to the POST carrying the client\'s response');
    assert.equal(answer.status, 202, 'the POST carrying the answer is accepted with 202');
  }

  test('sampling: request on the call stream, answer in a separate POST', T, async () => {
    await checkSampling(conn.client, side);
    await checkServerRequestRoundTrip('test_sampling', 'sampling/createMessage');
  });

  test('elicitation accepted: content echoed; answer in a separate POST', T, async () => {
    await checkElicitationAccept(conn.client, side);
    await checkServerRequestRoundTrip('test_elicitation', 'elicitation/create');
  });

  test('elicitation declined', T, async () => {
    await checkElicitationDecline(conn.client, side);
    await checkServerRequestRoundTrip('test_elicitation', 'elicitation/create');
  });

  for (const kind of DYNAMIC_KINDS) {
    test(`list_changed for ${kind} arrives on the GET stream`, T, async () => {
      const before = getStream.events.length;
      const [added, removed] = await checkListChanged(conn.client, side, kind);
      const onGet = messagesOf({ events: getStream.events.slice(before) }).filter((m) => m.method === added.method);
      assert.equal(onGet.length, 2, `both ${added.method} on the GET stream: ${JSON.stringify(getStream.events.slice(before))}`);
      assert.equal(removed.method, added.method);
    });
  }

  test('resources/updated arrives on the GET stream; none after unsubscribe', T, async () => {
    const before = getStream.events.length;
    await checkSubscription(conn.client, side);
    const onGet = messagesOf({ events: getStream.events.slice(before) }).filter((m) => m.method === 'notifications/resources/updated');
    assert.deepEqual(onGet.map((m) => m.params), [{ uri: 'test://watched-resource' }]);
  });

  test('every event with a message on the GET stream has an id', T, () => {
    for (const e of getStream.events) if (e.data) assert.ok(e.id, `event without id: ${e.raw}`);
  });

  test('test_reconnection: the SDK resumes the ended stream with GET Last-Event-ID and gets the result', T, async () => {
    const result = await call(conn.client, 'test_reconnection');
    assert.equal(onlyText(result), 'Reconnection test completed successfully');
    const post = callExchange('test_reconnection');
    assert.ok(!messagesOf(post).some((m) => m.id === post.body.id), 'the POST stream ended without the result');
    assert.ok(
      exchanges.some((e) => e.method === 'GET' && e.status === 200 && messagesOf(e).some((m) => m.id === post.body.id)),
      'a GET stream delivered the result'
    );
  });

  test('cancellation: no response, the call logged as stopped, the server still answers', T, () =>
    checkCancellation(conn, server.stderr)
  );

  test('every server message matches the MCP schema', T, (t) => conn.recorder.assertAllValid(t));
  test('every result matches the schema definition of its method', T, (t) => assertResultsMatchTheirMethods(conn.recorder, t));
});

describe('conformance-server: raw Streamable HTTP', { timeout: 120000 }, () => {
  let server;
  const recorder = new MessageRecorder('2025-11-25');
  before(async () => {
    server = await startHttpServer({ binary: conformanceServerBinary() });
  });
  after(async () => {
    await server?.stop();
  });

  async function newSession() {
    const session = new RawSession(server.url, recorder);
    const { response, initialized } = await session.initialize('2025-11-25');
    assert.equal(response.messages[0]?.result?.protocolVersion, '2025-11-25', describeResponse(response));
    assert.match(session.sessionId ?? '', /^[0-9a-f]{32}$/, describeResponse(response));
    assert.equal(initialized.status, 202, describeResponse(initialized));
    return session;
  }

  /** POSTs a request of `session` and returns { id, response, events } (events of an SSE body). */
  async function postCall(session, method, params) {
    const id = session.nextId++;
    const message = { jsonrpc: '2.0', id, method, params };
    recorder.clientSent(message);
    const response = await httpRequest(server.url, { headers: session.headers(), body: JSON.stringify(message), timeoutMs: 5000 });
    const isSse = (response.headers['content-type'] ?? '').startsWith('text/event-stream');
    const events = isSse ? parseSse(response.text) : [];
    for (const m of isSse ? events.map(eventMessage).filter(Boolean) : [JSON.parse(response.text)]) recorder.serverSent(m);
    return { id, response, events };
  }

  test('resumption: the POST stream ends after a priming event; GET Last-Event-ID gets the result', T, async () => {
    const session = await newSession();
    const { id, response, events } = await postCall(session, 'tools/call', { name: 'test_reconnection', arguments: {} });
    assert.equal(response.status, 200, describeResponse(response));
    assert.match(response.headers['content-type'] ?? '', /^text\/event-stream/, describeResponse(response));
    assert.ok(events.length >= 1, describeResponse(response));
    const [priming] = events;
    assert.ok(priming.id, `the first event has an id: ${JSON.stringify(priming.raw)}`);
    assert.equal(priming.data, '', `the first event has empty data: ${JSON.stringify(priming.raw)}`);
    assert.match(priming.retry ?? '', /^\d+$/, `the first event has a retry line: ${JSON.stringify(priming.raw)}`);
    assert.ok(
      !events.map(eventMessage).some((m) => m?.id === id),
      `the POST stream ended without the result: ${describeResponse(response)}`
    );

    const stream = await openEventStream(server.url, {
      headers: {
        Accept: 'text/event-stream',
        'Mcp-Session-Id': session.sessionId,
        'MCP-Protocol-Version': '2025-11-25',
        'Last-Event-ID': priming.id,
      },
    });
    try {
      assert.equal(stream.status, 200, JSON.stringify(stream.headers));
      assert.match(stream.headers['content-type'] ?? '', /^text\/event-stream/);
      const event = await stream.next((e) => eventMessage(e)?.id === id, 5000);
      const message = eventMessage(event);
      assert.ok(event.id, `the result event has an id: ${event.raw}`);
      assert.notEqual(event.id, priming.id);
      assert.deepEqual(message.result?.content, [{ type: 'text', text: 'Reconnection test completed successfully' }]);
      for (const e of stream.events) {
        if (e.data) {
          assert.ok(e.id, `event without id: ${e.raw}`);
          recorder.serverSent(eventMessage(e));
        }
      }
      assert.ok(await stream.waitEnd(5000), 'the resumed stream ends after the result');
    } finally {
      stream.close();
    }
  });

  test('every message event of a POST stream has an id (progress, then the result)', T, async () => {
    const session = await newSession();
    const { id, response, events } = await postCall(session, 'tools/call', {
      name: 'test_tool_with_progress',
      arguments: {},
      _meta: { progressToken: 'raw-progress' },
    });
    assert.equal(response.status, 200, describeResponse(response));
    assert.match(response.headers['content-type'] ?? '', /^text\/event-stream/, describeResponse(response));
    const withData = events.filter((e) => e.data);
    assert.ok(withData.length >= 4, `3 progress events and the result: ${describeResponse(response)}`);
    for (const e of withData) assert.ok(e.id, `event without id: ${JSON.stringify(e.raw)}`);
    const ids = events.filter((e) => e.id !== undefined).map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, `event ids are unique: ${JSON.stringify(ids)}`);
    const messages = withData.map(eventMessage);
    assert.deepEqual(
      messages.filter((m) => m.method === 'notifications/progress').map((m) => [m.params.progressToken, m.params.progress]),
      [
        ['raw-progress', 0],
        ['raw-progress', 50],
        ['raw-progress', 100],
      ]
    );
    assert.equal(messages.at(-1).id, id, 'the result is the last event');
    assert.equal(messages.at(-1).result?.content?.[0]?.text, 'Tool with progress executed successfully');
  });

  test('an unknown Last-Event-ID gives a fresh standalone stream, not an error', T, async () => {
    for (const lastEventId of ['0123456789abcdef-7', 'not-an-event-id-at-all', 'garbage']) {
      const session = await newSession();
      const stream = await openEventStream(server.url, {
        headers: {
          Accept: 'text/event-stream',
          'Mcp-Session-Id': session.sessionId,
          'MCP-Protocol-Version': '2025-11-25',
          'Last-Event-ID': lastEventId,
        },
      });
      try {
        assert.equal(stream.status, 200, `Last-Event-ID ${lastEventId}: ${JSON.stringify(stream.headers)} ${stream.text}`);
        assert.match(stream.headers['content-type'] ?? '', /^text\/event-stream/);
        const priming = await stream.next(() => true, 3000);
        assert.ok(priming.id && priming.data === '', `a priming event: ${priming.raw}`);
        assert.equal(stream.ended, false, 'the stream stays open');
      } finally {
        stream.close();
      }
    }
  });

  // A POSTed request MUST be answered with application/json or text/event-stream (Streamable
  // HTTP; ../shared/spec/mcp-server.md §5.3 item 5): a cancelled request gets an SSE stream that
  // ends without the response, or (JSON mode, §6.2) its connection is closed - never 202, which
  // is the answer to an accepted notification or response.
  test(
    'a cancelled request POST is not answered 202: SSE without the response, or the connection closed',
    T,
    async () => {
      const session = await newSession();
      const id = session.nextId++;
      const message = { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'test_slow_tool', arguments: { seconds: 10 } } };
      recorder.clientSent(message);
      const pending = httpRequest(server.url, { headers: session.headers(), body: JSON.stringify(message), timeoutMs: 5000 }).then(
        (response) => ({ response }),
        (error) => ({ error })
      );
      await sleep(200);
      const cancel = await session.post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'e2e' } });
      assert.equal(cancel.status, 202, describeResponse(cancel));
      const { response, error } = await pending;
      if (error) {
        assert.match(String(error.code ?? error.message), /ECONNRESET|socket hang up/i, `connection closed: ${error.stack}`);
        return;
      }
      assert.equal(response.status, 200, `a request is answered 200 with JSON or SSE: ${describeResponse(response)}`);
      assert.match(response.headers['content-type'] ?? '', /^text\/event-stream/, describeResponse(response));
      const messages = parseSse(response.text).map(eventMessage).filter(Boolean);
      for (const m of messages) recorder.serverSent(m);
      assert.ok(!messages.some((m) => m.id === id), `no response to the cancelled request: ${describeResponse(response)}`);
    }
  );

  test('DELETE ends the session: 200, then a POST with its id is 404', T, async () => {
    const session = await newSession();
    const del = await httpRequest(server.url, { method: 'DELETE', headers: session.headers() });
    assert.equal(del.status, 200, describeResponse(del));
    const later = await session.request('ping');
    assert.equal(later.status, 404, describeResponse(later));
  });

  test('every JSON-RPC message received matches the MCP schema', T, (t) => recorder.assertAllValid(t));
  test('server still alive', T, () => {
    assert.ok(pidAlive(server.pid), `server died; stderr:\n${server.stderr()}`);
  });
});
