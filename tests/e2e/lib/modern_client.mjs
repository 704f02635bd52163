// A small MCP 2026-07-28 client for the tests (the pinned TypeScript SDK has none): every request
// carries params._meta (protocolVersion, clientCapabilities, clientInfo); no initialize, no
// session. Results of type "input_required" are retried with inputResponses (from a function the
// caller supplies) and the server's requestState echoed unchanged, each retry with a new id.
//
// Over Streamable HTTP (ModernHttpClient): fetch POSTs with Content-Type, Accept,
// MCP-Protocol-Version and the routing headers Mcp-Method and Mcp-Name; the answer is JSON or a
// text/event-stream whose events each carry one message on their data line(s).
// subscriptions/listen is read incrementally and closed by aborting the fetch.
//
// Over stdio (StdioChannel + ModernStdioClient): line-delimited JSON on a child's stdin/stdout.
// The channel demultiplexes by id, so 2025-era messages (a session with initialize) and
// 2026-07-28 requests can share one pipe, each with its own recorder.
//
// Every message is recorded in a MessageRecorder of its era (recorder.mjs), and every request a
// modern client sends is also checked against the 2026-07-28 ClientRequest definition
// (schemaFailures / assertSchemaValid), so the tests' client is held to the schema too.
import assert from 'node:assert/strict';
import { MessageRecorder } from './recorder.mjs';
import { loadSchemaSet, MODERN_REVISION } from './schema.mjs';
import { SseParser } from './sse.mjs';

export { MODERN_REVISION };
export const MCP_ACCEPT = 'application/json, text/event-stream';
export const META_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
export const META_CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
export const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
export const META_LOG_LEVEL = 'io.modelcontextprotocol/logLevel';
export const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';
export const META_SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';

const DEFAULT_CLIENT_INFO = { name: 'arcade-mcp-cpp-e2e-modern', version: '0.0.0' };
const DEFAULT_TIMEOUT_MS = 10000;
/** Methods whose params name their target in the Mcp-Name header, and the member holding it. */
const NAME_MEMBER = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };
const MAX_INPUT_ROUNDS = 8;

/**
 * A header value as 2026-07-28 sends it: plain visible ASCII without leading/trailing space as
 * is, anything else (and values that look like the sentinel) as =?base64?<base64 of UTF-8>?=.
 */
export function encodeHeaderValue(value) {
  const text = String(value);
  const plain = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(text) || text === '';
  const sentinel = text.startsWith('=?base64?') && text.endsWith('?=');
  if (plain && !sentinel) return text;
  return `=?base64?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** The routing headers of a request: Mcp-Method, and Mcp-Name when the method has a target. */
export function routingHeaders(message) {
  const headers = {};
  if (typeof message?.method === 'string' && 'id' in message) headers['Mcp-Method'] = message.method;
  const member = NAME_MEMBER[message?.method];
  const name = member ? message.params?.[member] : undefined;
  if (typeof name === 'string') headers['Mcp-Name'] = encodeHeaderValue(name);
  return headers;
}

/** The JSON-RPC messages of a body: JSON (one message or an array) or text/event-stream. */
export function parseBody(contentType, text) {
  if (!text) return [];
  if ((contentType ?? '').startsWith('text/event-stream')) {
    const parser = new SseParser();
    const events = parser.push(text.endsWith('\n\n') ? text : `${text}\n\n`);
    return events.filter((e) => e.data).map((e) => JSON.parse(e.data));
  }
  const parsed = JSON.parse(text);
  return Array.isArray(parsed) ? parsed : [parsed];
}

const idKey = (id) => JSON.stringify(id);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An answer function for input_required results from fixed answers by input-request key:
 * `answers[key]` is the response, or a function (inputRequest) => response. An input request
 * without an answer fails the test. Every input request seen is appended to `seen`.
 */
export function answerFrom(answers, seen = []) {
  return async (inputRequests) => {
    const responses = {};
    for (const [key, request] of Object.entries(inputRequests ?? {})) {
      seen.push({ key, request });
      const answer = answers[key];
      assert.ok(answer !== undefined, `no answer for input request ${key}: ${JSON.stringify(request)}`);
      responses[key] = typeof answer === 'function' ? await answer(request) : answer;
    }
    return responses;
  };
}

/** Base of both transports: _meta, ids, the input_required retry loop and schema bookkeeping. */
class ModernClientBase {
  constructor({ capabilities = {}, clientInfo = DEFAULT_CLIENT_INFO, logLevel, idPrefix = 'm', recorder } = {}) {
    this.capabilities = capabilities;
    this.clientInfo = clientInfo;
    this.logLevel = logLevel;
    this.idPrefix = idPrefix;
    this.recorder = recorder ?? new MessageRecorder(MODERN_REVISION);
    this.sentRequests = [];
    this._next = 1;
  }

  nextId() {
    return `${this.idPrefix}-${this._next++}`;
  }

  /** params._meta of a request: revision, this client's capabilities and info, then `extra`. */
  meta(extra = {}) {
    const meta = {
      [META_PROTOCOL_VERSION]: MODERN_REVISION,
      [META_CLIENT_CAPABILITIES]: this.capabilities,
      [META_CLIENT_INFO]: this.clientInfo,
    };
    if (this.logLevel) meta[META_LOG_LEVEL] = this.logLevel;
    return { ...meta, ...extra };
  }

  /** A request with a fresh id and params._meta; `meta` entries are added to (or replace) it. */
  buildRequest(method, params = {}, { meta, id } = {}) {
    return { jsonrpc: '2.0', id: id ?? this.nextId(), method, params: { ...params, _meta: this.meta(meta ?? params._meta ?? {}) } };
  }

  /** Records a request this client sends as conforming (checked against ClientRequest). */
  _recordSent(message, conforming) {
    this.recorder.clientSent(message);
    if (conforming && message && 'id' in message && 'method' in message) this.sentRequests.push(message);
  }

  /**
   * Sends `method` and retries while the server answers resultType "input_required": `answer`
   * (inputRequests, { round, result }) => inputResponses, the server's requestState echoed
   * unchanged, a new id each round. Resolves { reply, rounds }, `rounds` holding each round's
   * { request, reply, ...transport details }. Fails after `maxRounds` rounds.
   */
  async requestWithInput(method, params = {}, { answer, maxRounds = MAX_INPUT_ROUNDS, ...options } = {}) {
    const rounds = [];
    let extra = {};
    for (let round = 1; round <= maxRounds; round++) {
      const exchange = await this.request(method, { ...params, ...extra }, options);
      rounds.push(exchange);
      const result = exchange.reply.result;
      if (result?.resultType !== 'input_required') return { reply: exchange.reply, rounds };
      assert.ok(answer, `${method} answered input_required but the caller gave no answer function: ${JSON.stringify(result)}`);
      extra = {};
      if (result.inputRequests !== undefined) extra.inputResponses = await answer(result.inputRequests, { round, result });
      if (result.requestState !== undefined) extra.requestState = result.requestState;
    }
    throw new Error(`${method}: still input_required after ${maxRounds} rounds: ${JSON.stringify(rounds.at(-1).reply)}`);
  }

  /** tools/call with input rounds (see requestWithInput). */
  callTool(name, args = {}, options = {}) {
    return this.requestWithInput('tools/call', { name, arguments: args }, options);
  }

  /** Schema failures of every server message and of every conforming request sent. */
  schemaFailures() {
    const schemas = loadSchemaSet();
    const failures = this.recorder.failures();
    if (!schemas) return failures;
    for (const message of this.sentRequests) {
      for (const f of schemas.validateModernClientRequest(message)) failures.push(`client request ${JSON.stringify(message)}\n    -> ${f}`);
    }
    return failures;
  }

  /** Fails listing every invalid message (see schemaFailures); marks `t` skipped with MCP_SCHEMA_DIR=skip. */
  assertSchemaValid(t) {
    assert.ok(this.recorder.serverMessages.length > 0, 'no server message was recorded');
    const failures = this.schemaFailures();
    assert.deepEqual(failures, [], `invalid ${MODERN_REVISION} messages:\n${failures.join('\n')}`);
    if (loadSchemaSet() === null) t?.skip('MCP_SCHEMA_DIR=skip: schema checks skipped');
  }
}

/** Lower-cased plain object of a fetch Headers. */
function plainHeaders(headers) {
  const out = {};
  for (const [key, value] of headers) out[key.toLowerCase()] = value;
  return out;
}

/** A 2026-07-28 client over Streamable HTTP (fetch). */
export class ModernHttpClient extends ModernClientBase {
  /** @param {string} url the /mcp endpoint */
  constructor(url, options = {}) {
    super(options);
    this.url = url;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Headers of a POST carrying `message`; `overrides` replace entries (undefined removes one). */
  headersFor(message, overrides = {}) {
    const headers = {
      'Content-Type': 'application/json',
      Accept: MCP_ACCEPT,
      'MCP-Protocol-Version': MODERN_REVISION,
      ...routingHeaders(message),
    };
    for (const [key, value] of Object.entries(overrides)) {
      for (const existing of Object.keys(headers)) if (existing.toLowerCase() === key.toLowerCase()) delete headers[existing];
      if (value !== undefined) headers[key] = value;
    }
    return headers;
  }

  /**
   * POSTs one message (or `rawBody`) and reads the whole answer within the time limit. Resolves
   * { status, headers (lower-cased), contentType, text, messages }. `conforming: false` keeps a
   * deliberately bad request out of the client-side schema check (the answer is still checked).
   */
  async post(message, { headers, rawBody, timeoutMs = this.timeoutMs, conforming = true } = {}) {
    if (message !== undefined) this._recordSent(message, conforming);
    const response = await fetch(this.url, {
      method: 'POST',
      headers: this.headersFor(message, headers),
      body: rawBody ?? JSON.stringify(message),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let messages = [];
    if (contentType.startsWith('application/json') || contentType.startsWith('text/event-stream')) {
      try {
        messages = parseBody(contentType, text);
      } catch (err) {
        throw new Error(`unparsable HTTP ${response.status} ${contentType} body (${err.message}): ${text.slice(0, 1000)}`);
      }
      for (const m of messages) this.recorder.serverSent(m);
    }
    return { status: response.status, headers: plainHeaders(response.headers), contentType, text, messages };
  }

  /**
   * One request: resolves { request, reply, notifications, http } where `reply` is the response
   * carrying the request's id and `notifications` the other messages of the answer.
   */
  async request(method, params = {}, { meta, headers, timeoutMs, conforming = true } = {}) {
    const request = this.buildRequest(method, params, { meta });
    const http = await this.post(request, { headers, timeoutMs, conforming });
    const reply = http.messages.find((m) => 'id' in m && !('method' in m) && idKey(m.id) === idKey(request.id));
    if (!reply) throw new Error(`${method}: no response with id ${JSON.stringify(request.id)}; HTTP ${http.status} ${http.text.slice(0, 1000)}`);
    const notifications = http.messages.filter((m) => m !== reply);
    return { request, reply, notifications, http };
  }

  /**
   * subscriptions/listen: resolves once the response headers arrived, with { request, status,
   * headers, messages, ended, next(predicate, ms), close() }. `messages` grows as events arrive;
   * next() resolves the first message (after those next() already returned) matching
   * `predicate`; close() aborts the request, which closes the stream.
   */
  async listen(notifications, { timeoutMs = this.timeoutMs } = {}) {
    const request = this.buildRequest('subscriptions/listen', { notifications });
    this._recordSent(request, true);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no response headers within ${timeoutMs} ms`)), timeoutMs);
    let response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: this.headersFor(request),
        body: JSON.stringify(request),
        signal: controller.signal,
      });
    } finally {
      clearTimeout(timer);
    }
    const recorder = this.recorder;
    const waiters = new Set();
    const wake = () => {
      for (const w of [...waiters]) w();
    };
    const stream = {
      request,
      status: response.status,
      headers: plainHeaders(response.headers),
      contentType: response.headers.get('content-type') ?? '',
      messages: [],
      text: '',
      ended: false,
      _read: 0,
      close: () => controller.abort(),
      next(predicate = () => true, ms = 5000) {
        return new Promise((resolve, reject) => {
          const check = () => {
            while (stream._read < stream.messages.length) {
              const m = stream.messages[stream._read++];
              if (predicate(m)) return finish(null, m);
            }
            if (stream.ended) finish(new Error(`listen stream ended without a matching message; got ${stream.text.slice(0, 2000)}`));
          };
          const t = setTimeout(
            () => finish(new Error(`no matching message on the listen stream within ${ms} ms; got ${stream.text.slice(0, 2000)}`)),
            ms
          );
          function finish(err, value) {
            clearTimeout(t);
            waiters.delete(check);
            if (err) reject(err);
            else resolve(value);
          }
          waiters.add(check);
          check();
        });
      },
    };
    (async () => {
      const parser = new SseParser();
      const decoder = new TextDecoder();
      const isJson = stream.contentType.startsWith('application/json');
      try {
        for await (const chunk of response.body) {
          const text = decoder.decode(chunk, { stream: true });
          stream.text += text;
          if (isJson) continue;
          for (const event of parser.push(text)) {
            if (!event.data) continue;
            const message = JSON.parse(event.data);
            recorder.serverSent(message);
            stream.messages.push(message);
          }
          wake();
        }
        if (isJson && stream.text) {
          for (const message of parseBody(stream.contentType, stream.text)) {
            recorder.serverSent(message);
            stream.messages.push(message);
          }
        }
      } catch {
        // aborted by close(), or the connection broke
      }
      stream.ended = true;
      wake();
    })();
    return stream;
  }
}

/**
 * One child's stdin/stdout as a JSON-RPC channel shared by any number of clients: requests are
 * matched to responses by id, server-to-client requests go to `onServerRequest`, notifications
 * are kept (and handed to `onNotification`). Each request names the recorder its response is
 * recorded in; notifications go to the recorder `route(notification)` picks (default: the
 * channel's default recorder).
 */
export class StdioChannel {
  /** @param server the object startStdioServer resolves ({ send, lines }) */
  constructor(server, { defaultRecorder } = {}) {
    this.server = server;
    this.defaultRecorder = defaultRecorder ?? new MessageRecorder(MODERN_REVISION);
    this.pending = new Map(); // idKey -> { resolve, reject, timer, recorder }
    this.notifications = [];
    this.unmatched = []; // responses to no pending request
    this.garbage = []; // lines that were not JSON objects
    this.onServerRequest = null; // async (message) => result; the channel writes the response
    this.route = () => this.defaultRecorder;
    this._waiters = new Set();
    this._closed = false;
    this._pump = this._run();
  }

  async _run() {
    while (!this._closed) {
      let line;
      try {
        line = await this.server.lines.next(250);
      } catch (err) {
        if (this.server.lines.done) break;
        continue; // a quiet period: wait again (each wait is bounded)
      }
      this._dispatch(line);
    }
    for (const [, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new Error('stdout ended before the response arrived'));
    }
    this.pending.clear();
  }

  _dispatch(line) {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      this.garbage.push(line);
      return;
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      this.garbage.push(line);
      return;
    }
    const isResponse = 'id' in message && !('method' in message);
    if (isResponse) {
      const entry = this.pending.get(idKey(message.id));
      if (!entry) {
        this.unmatched.push(message);
        this.defaultRecorder.serverSent(message);
        return;
      }
      this.pending.delete(idKey(message.id));
      clearTimeout(entry.timer);
      entry.recorder.serverSent(message);
      entry.resolve(message);
      return;
    }
    if ('id' in message) {
      // A server-to-client request (2025-era sessions only).
      (this.routeRequest?.(message) ?? this.defaultRecorder).serverSent(message);
      this._answerServerRequest(message);
      return;
    }
    (this.route(message) ?? this.defaultRecorder).serverSent(message);
    this.notifications.push(message);
    for (const wake of [...this._waiters]) wake();
  }

  async _answerServerRequest(message) {
    let reply;
    try {
      if (!this.onServerRequest) throw new Error('no handler for server requests');
      reply = { jsonrpc: '2.0', id: message.id, result: await this.onServerRequest(message) };
    } catch (err) {
      reply = { jsonrpc: '2.0', id: message.id, error: { code: -32603, message: String(err?.message ?? err) } };
    }
    (this.routeRequest?.(message) ?? this.defaultRecorder).clientSent(reply);
    this.server.send(reply);
  }

  /** Writes one message without waiting for anything (notifications, responses). */
  send(message, recorder = this.defaultRecorder) {
    recorder.clientSent(message);
    this.server.send(message);
  }

  /** Writes a request and resolves its response (rejects after timeoutMs). */
  request(message, { recorder = this.defaultRecorder, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    const key = idKey(message.id);
    if (this.pending.has(key)) throw new Error(`request id ${key} is already in flight on this channel`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(key);
        reject(new Error(`no response to ${message.method} id ${key} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(key, { resolve, reject, timer, recorder });
      recorder.clientSent(message);
      this.server.send(message);
    });
  }

  /** Stops waiting for the response to request `id` (one that gets none, e.g. a cancelled listen); its promise rejects. */
  forget(id) {
    const entry = this.pending.get(idKey(id));
    if (!entry) return;
    this.pending.delete(idKey(id));
    clearTimeout(entry.timer);
    entry.reject(new Error(`stopped waiting for the response to id ${idKey(id)}`));
  }

  /** Resolves the first notification (from index `since`) matching `predicate`; rejects after ms. */
  waitNotification(predicate, { since = 0, ms = 5000 } = {}) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.notifications.slice(since).find(predicate);
        if (!found) return;
        clearTimeout(timer);
        this._waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this._waiters.delete(check);
        reject(new Error(`no matching notification within ${ms} ms; got ${JSON.stringify(this.notifications.slice(since))}`));
      }, ms);
      this._waiters.add(check);
      check();
    });
  }

  /** Stops reading (the process itself is stopped by its owner). Bounded. */
  async close() {
    this._closed = true;
    await Promise.race([this._pump, sleep(1000)]);
  }
}

/** A 2026-07-28 client over a StdioChannel. */
export class ModernStdioClient extends ModernClientBase {
  constructor(channel, options = {}) {
    super(options);
    this.channel = channel;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Writes a message as is and resolves the response carrying its id. */
  async send(message, { timeoutMs = this.timeoutMs, conforming = true } = {}) {
    if (conforming) this.sentRequests.push(message);
    return this.channel.request(message, { recorder: this.recorder, timeoutMs });
  }

  /** One request: resolves { request, reply }. */
  async request(method, params = {}, { meta, timeoutMs, conforming = true } = {}) {
    const request = this.buildRequest(method, params, { meta });
    const reply = await this.send(request, { timeoutMs, conforming });
    return { request, reply };
  }
}
