// Raw HTTP for the tests that bypass the SDK: one bounded request with
// node:http (so Host and other headers are sent exactly as given), parsing of
// JSON and text/event-stream bodies into JSON-RPC messages, and a small MCP
// session helper that records every message for the schema checks.
import http from 'node:http';

export const MCP_ACCEPT = 'application/json, text/event-stream';
const MAX_BODY = 4 * 1024 * 1024;

/**
 * One HTTP request; resolves { status, headers, text } once the body ended.
 * Rejects on a connection error or when timeoutMs passes.
 */
export function httpRequest(url, { method = 'POST', headers = {}, body, timeoutMs = 10000 } = {}) {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method,
        headers,
        agent: false,
      },
      (res) => {
        const chunks = [];
        let size = 0;
        res.on('data', (chunk) => {
          size += chunk.length;
          if (size > MAX_BODY) {
            req.destroy(new Error(`response body over ${MAX_BODY} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', fail);
      }
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`${method} ${url}: no complete response within ${timeoutMs} ms`));
    }, timeoutMs);
    function fail(err) {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end(body);
  });
}

/**
 * Opens a request whose response stays open (an SSE stream) and resolves on its
 * headers: { status, headers, close() }. close() destroys the connection.
 */
export function openStream(url, { method = 'GET', headers = {}, timeoutMs = 10000 } = {}) {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method, headers, agent: false },
      (res) => {
        clearTimeout(timer);
        res.on('error', () => {});
        res.resume();
        resolve({ status: res.statusCode, headers: res.headers, close: () => req.destroy() });
      }
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`${method} ${url}: no response headers within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

/** The JSON-RPC messages of a response body (JSON or text/event-stream); [] when empty. */
export function bodyMessages(response) {
  const type = response.headers['content-type'] ?? '';
  if (response.text.length === 0) return [];
  if (type.startsWith('text/event-stream')) {
    const messages = [];
    for (const event of response.text.split(/\r?\n\r?\n/)) {
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data) messages.push(JSON.parse(data));
    }
    return messages;
  }
  const parsed = JSON.parse(response.text);
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** True when a body looks like JSON (so it is a JSON-RPC message the schema must accept). */
function isJsonBody(response) {
  const type = response.headers['content-type'] ?? '';
  return response.text.length > 0 && (type.startsWith('application/json') || type.startsWith('text/event-stream'));
}

/**
 * A raw MCP Streamable HTTP session. Every message sent and received goes
 * through `recorder` (a MessageRecorder).
 */
export class RawSession {
  constructor(url, recorder) {
    this.url = url;
    this.recorder = recorder;
    this.sessionId = null;
    this.protocolVersion = null;
    this.nextId = 1;
  }

  /** Headers of a request in this session; `overrides` replace or (when undefined) remove entries. */
  headers(overrides = {}) {
    const headers = { Accept: MCP_ACCEPT, 'Content-Type': 'application/json' };
    if (this.sessionId) headers['Mcp-Session-Id'] = this.sessionId;
    if (this.protocolVersion) headers['MCP-Protocol-Version'] = this.protocolVersion;
    for (const [key, value] of Object.entries(overrides)) {
      for (const existing of Object.keys(headers)) {
        if (existing.toLowerCase() === key.toLowerCase()) delete headers[existing];
      }
      if (value !== undefined) headers[key] = value;
    }
    return headers;
  }

  /**
   * POSTs a message (object, or raw text with `recordAs` the object to record) and
   * records the server's reply messages. Resolves { status, headers, text, messages }.
   */
  async post(message, { headers, url = this.url, rawBody, recordAs } = {}) {
    const body = rawBody ?? JSON.stringify(message);
    const recorded = recordAs ?? message;
    if (recorded) this.recorder.clientSent(recorded);
    const response = await httpRequest(url, { method: 'POST', headers: this.headers(headers), body });
    let messages = [];
    if (isJsonBody(response)) {
      try {
        messages = bodyMessages(response);
      } catch (err) {
        throw new Error(`unparsable ${response.status} body (${err.message}): ${response.text}`);
      }
      for (const m of messages) this.recorder.serverSent(m);
    }
    return { ...response, messages };
  }

  /** POSTs a request with a fresh numeric id. */
  request(method, params, options) {
    const message = { jsonrpc: '2.0', id: this.nextId++, method };
    if (params !== undefined) message.params = params;
    return this.post(message, options);
  }

  /** initialize + notifications/initialized; adopts the session id and revision. */
  async initialize(protocolVersion = '2025-11-25', { url } = {}) {
    const response = await this.request(
      'initialize',
      { protocolVersion, capabilities: {}, clientInfo: { name: 'arcade-mcp-cpp-e2e-raw', version: '0.0.0' } },
      { url }
    );
    if (response.status !== 200) {
      throw new Error(`initialize: HTTP ${response.status}: ${response.text}`);
    }
    this.sessionId = response.headers['mcp-session-id'] ?? null;
    this.protocolVersion = response.messages[0]?.result?.protocolVersion ?? null;
    const initialized = await this.post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { url });
    return { response, initialized };
  }
}
