// Raw TCP for the tests that must send bytes no HTTP client would send (oversized or malformed
// headers, ambiguous framing, bodies that never come, one byte at a time): a connection that
// keeps every byte received, parses the HTTP/1.1 responses in it (Content-Length, chunked, or
// up to the close) and knows when the server closed. Every wait is bounded.
import net from 'node:net';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Parses the complete HTTP responses at the start of `text` (latin1). Returns { responses,
 * rest }: each response { status, version, reason, head, headers (lower-case name -> array of
 * values), header(name) (first value or undefined), body (utf8 string) }. A response whose body
 * runs to the close counts as complete only when `ended`.
 */
export function parseResponses(text, ended) {
  const responses = [];
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const head = rest.slice(0, end);
    const [statusLine, ...lines] = head.split('\r\n');
    const match = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!match) throw new Error(`not an HTTP response: ${JSON.stringify(rest.slice(0, 200))}`);
    const headers = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      (headers[name] ??= []).push(line.slice(colon + 1).trim());
    }
    const status = Number(match[2]);
    let body = '';
    let consumed;
    const after = rest.slice(end + 4);
    if (/chunked/i.test(headers['transfer-encoding']?.[0] ?? '')) {
      let pos = 0;
      let done = false;
      for (;;) {
        const lineEnd = after.indexOf('\r\n', pos);
        if (lineEnd < 0) break;
        const size = parseInt(after.slice(pos, lineEnd), 16);
        if (Number.isNaN(size)) throw new Error(`bad chunk size: ${JSON.stringify(after.slice(pos, lineEnd))}`);
        if (size === 0) {
          const trailerEnd = after.indexOf('\r\n', lineEnd + 2);
          if (trailerEnd < 0) break;
          pos = trailerEnd + 2;
          done = true;
          break;
        }
        if (after.length < lineEnd + 2 + size + 2) break;
        body += after.slice(lineEnd + 2, lineEnd + 2 + size);
        pos = lineEnd + 2 + size + 2;
      }
      if (!done) {
        if (!ended) break;
        consumed = after.length;  // cut off mid-stream: keep the chunks that came
      } else {
        consumed = pos;
      }
    } else if (headers['content-length']) {
      const length = Number(headers['content-length'][0]);
      if (after.length < length) break;
      body = after.slice(0, length);
      consumed = length;
    } else if ((status >= 100 && status < 200) || status === 204 || status === 304) {
      consumed = 0;
    } else {
      if (!ended) break;
      body = after;
      consumed = after.length;
    }
    responses.push({
      status,
      version: match[1],
      reason: match[3] ?? '',
      head,
      headers,
      header: (name) => headers[name.toLowerCase()]?.[0],
      body: Buffer.from(body, 'latin1').toString('utf8'),
    });
    rest = after.slice(consumed);
  }
  return { responses, rest };
}

/** One raw TCP connection to the server. Create with RawConnection.open(port). */
export class RawConnection {
  /** Connects to 127.0.0.1:port; rejects when not connected within timeoutMs. */
  static open(port, { timeoutMs = 5000 } = {}) {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no connection to port ${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new RawConnection(socket));
      });
      const onError = (err) => {
        clearTimeout(timer);
        reject(err);
      };
      socket.once('error', onError);
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.text = '';  // every byte received, latin1
    this.ended = false;  // the server closed (FIN or reset)
    this.error = null;
    this.openedAt = Date.now();
    this.closedAt = null;
    this._read = 0;  // responses already returned by response()
    this._waiters = new Set();
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      this.text += chunk.toString('latin1');
      this._wake();
    });
    const end = () => {
      if (!this.ended) {
        this.ended = true;
        this.closedAt = Date.now();
      }
      this._wake();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', (err) => {
      this.error = err;
      end();
    });
  }

  _wake() {
    for (const wake of [...this._waiters]) wake();
  }

  /** Waits until check() returns a value other than undefined, at most ms; resolves it, or rejects. */
  _until(check, ms, what) {
    return new Promise((resolve, reject) => {
      let timer;
      const attempt = () => {
        let value;
        try {
          value = check();
        } catch (err) {
          done();
          reject(err);
          return;
        }
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const done = () => {
        clearTimeout(timer);
        this._waiters.delete(attempt);
      };
      timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${ms} ms; received: ${JSON.stringify(this.text.slice(0, 800))}, closed: ${this.ended}`));
      }, ms);
      this._waiters.add(attempt);
      attempt();
    });
  }

  /** Sends text (latin1, so every byte is exactly what the test wrote) or a Buffer. */
  write(data) {
    if (this.ended || this.socket.destroyed) return false;
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    return true;
  }

  /** Every complete response received so far. */
  responses() {
    return parseResponses(this.text, this.ended).responses;
  }

  /** The next complete response (after those already returned); rejects after ms or at the close. */
  response(ms = 5000) {
    return this._until(
      () => {
        const all = this.responses();
        if (all.length > this._read) return all[this._read++];
        if (this.ended) throw new Error(`connection closed without a response; received: ${JSON.stringify(this.text.slice(0, 800))}`);
        return undefined;
      },
      ms,
      'response'
    );
  }

  /** Resolves true once the server closed the connection, false if it is still open after ms. */
  waitClosed(ms = 5000) {
    return this._until(() => (this.ended ? true : undefined), ms, 'close').catch(() => false);
  }

  /** Milliseconds from connecting to the server's close (null while open). */
  get openForMs() {
    return this.closedAt === null ? null : this.closedAt - this.openedAt;
  }

  /** Half-closes (FIN) the client side. */
  end() {
    this.socket.end();
  }

  /** Drops the connection. */
  destroy() {
    this.socket.destroy();
  }

  /**
   * Writes `text` one byte every intervalMs until it is all sent or the server closed.
   * Resolves { sent, closed } where closed = the server closed before the end.
   */
  async trickle(text, intervalMs) {
    let sent = 0;
    for (const ch of text) {
      if (this.ended) return { sent, closed: true };
      this.write(ch);
      sent++;
      await Promise.race([sleep(intervalMs), this.waitClosed(intervalMs)]);
    }
    return { sent, closed: this.ended };
  }
}

/**
 * Builds one raw HTTP request. `headers` is a list of [name, value] pairs sent as given (order
 * and duplicates kept); with `body` and no Content-Length / Transfer-Encoding among them a
 * Content-Length is added. `version` is "1.1" or "1.0".
 */
export function rawRequest({ method = 'POST', target = '/mcp', version = '1.1', headers = [], body = '' } = {}) {
  const names = headers.map(([name]) => name.toLowerCase());
  const lines = [`${method} ${target} HTTP/${version}`];
  for (const [name, value] of headers) lines.push(value === undefined ? name : `${name}: ${value}`);
  const bytes = Buffer.from(body, 'utf8').toString('latin1');
  if (body && !names.includes('content-length') && !names.includes('transfer-encoding')) {
    lines.push(`Content-Length: ${bytes.length}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n${bytes}`;
}

/** The usual headers of a JSON-RPC POST to /mcp on 127.0.0.1:port (and the session, if any). */
export function mcpHeaders(port, { sessionId, protocolVersion = '2025-11-25' } = {}) {
  const headers = [
    ['Host', `127.0.0.1:${port}`],
    ['Content-Type', 'application/json'],
    ['Accept', 'application/json, text/event-stream'],
  ];
  if (sessionId) headers.push(['Mcp-Session-Id', sessionId], ['MCP-Protocol-Version', protocolVersion]);
  return headers;
}

/**
 * Opens a connection, sends `text`, and resolves { response, closed, conn, extra } once a
 * response arrived and the server closed (or closeWaitMs passed): `closed` says whether the
 * server closed the connection, `extra` lists any further responses (e.g. to smuggled bytes).
 */
export async function exchangeOnce(port, text, { responseMs = 5000, closeWaitMs = 2000 } = {}) {
  const conn = await RawConnection.open(port);
  try {
    conn.write(text);
    const response = await conn.response(responseMs);
    const closed = await conn.waitClosed(closeWaitMs);
    const extra = conn.responses().slice(1);
    return { response, closed, conn, extra };
  } finally {
    conn.destroy();
  }
}
