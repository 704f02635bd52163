// A small HTTP/1.1 client on node:net for the fault tests: one keep-alive connection, one request
// at a time, with the timings and failure kinds the tests need (when the request was fully
// written, whether any response byte came, whether the connection was refused or reset).
// Responses are parsed strictly (Content-Length, chunked, or read-to-close); anything malformed
// is an error of kind 'invalid'. Every wait is bounded.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();

/** An Error with a kind: refused | reset | timeout | closed | truncated | invalid. */
export class HttpError extends Error {
  constructor(kind, message, extra = {}) {
    super(message);
    this.kind = kind;
    Object.assign(this, extra);
  }
}

function kindOf(err) {
  if (!err) return 'closed';
  if (err.code === 'ECONNREFUSED') return 'refused';
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return 'reset';
  return err.code ?? 'error';
}

export class Conn {
  /** Connects to 127.0.0.1:port; rejects with an HttpError (kind 'refused', 'timeout', ...). */
  static open(port, { timeoutMs = 5000 } = {}) {
    const startedAt = now();
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new HttpError('timeout', `connect to ${port}: no answer within ${timeoutMs} ms`, { startedAt }));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new Conn(socket, startedAt, now()));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new HttpError(kindOf(err), `connect to ${port}: ${err.message}`, { startedAt, code: err.code }));
      });
    });
  }

  constructor(socket, startedAt, connectedAt) {
    this.socket = socket;
    this.startedAt = startedAt;
    this.connectedAt = connectedAt;
    this.buf = Buffer.alloc(0);
    this.cur = null; // the request waiting for its response
    this.closed = false;
    this.closeError = null;
    this.unsolicited = 0; // response bytes with no request waiting
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => {
      this.closeError = err;
    });
    socket.on('end', () => {
      this.peerEnded = true; // the server closed its side: a new request here would not be read
    });
    socket.on('close', () => this.onClose());
  }

  /** Ends the connection (FIN); reset=true sends RST instead. */
  close({ reset = false } = {}) {
    if (reset && typeof this.socket.resetAndDestroy === 'function') this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  /**
   * Sends one request and resolves with { status, headers, body, keepAlive, sentAt, firstByteAt,
   * doneAt } once the whole response arrived; rejects with an HttpError carrying sentAt (null when
   * the request was not fully written) and bytes (response bytes received).
   */
  request({ method = 'POST', path = '/mcp', headers = {}, body = '', timeoutMs = 10000 }) {
    if (this.cur) throw new Error('one request at a time');
    const payload = Buffer.from(body, 'utf8');
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1'];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (method !== 'GET' || payload.length) lines.push(`Content-Length: ${payload.length}`);
    const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
    return new Promise((resolve, reject) => {
      const c = {
        resolve,
        reject,
        state: 'head',
        status: 0,
        headers: {},
        chunks: [],
        remaining: 0,
        bytes: 0,
        sentAt: null,
        firstByteAt: null,
        issuedAt: now(),
        timer: null,
      };
      c.timer = setTimeout(() => {
        this.fail(new HttpError('timeout', `${method} ${path}: no complete response within ${timeoutMs} ms`));
        this.socket.destroy();
      }, timeoutMs);
      this.cur = c;
      if (this.closed || this.peerEnded) {
        this.fail(new HttpError('closed', 'connection already closed'));
        return;
      }
      // sentAt: when the whole request was handed to the kernel (the write callback).
      this.socket.write(Buffer.concat([head, payload]), (err) => {
        if (!err && c.sentAt === null) c.sentAt = now();
      });
    });
  }

  fail(err) {
    const c = this.cur;
    if (!c) return;
    this.cur = null;
    clearTimeout(c.timer);
    err.sentAt = c.sentAt;
    err.issuedAt = c.issuedAt;
    err.bytes = c.bytes;
    err.status = c.status || null;
    c.reject(err);
  }

  finish() {
    const c = this.cur;
    this.cur = null;
    clearTimeout(c.timer);
    const connection = (c.headers.connection ?? '').toLowerCase();
    c.resolve({
      status: c.status,
      headers: c.headers,
      body: Buffer.concat(c.chunks).toString('utf8'),
      keepAlive: connection !== 'close' && !this.closed,
      sentAt: c.sentAt ?? c.issuedAt,
      issuedAt: c.issuedAt,
      firstByteAt: c.firstByteAt,
      doneAt: now(),
    });
  }

  onData(chunk) {
    if (!this.cur) {
      this.unsolicited += chunk.length;
      return;
    }
    const c = this.cur;
    if (c.firstByteAt === null) c.firstByteAt = now();
    if (c.sentAt === null) c.sentAt = c.firstByteAt; // the server answered: the request was written
    c.bytes += chunk.length;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    try {
      this.parse();
    } catch (err) {
      this.fail(err instanceof HttpError ? err : new HttpError('invalid', err.message));
      this.socket.destroy();
    }
  }

  parse() {
    for (;;) {
      const c = this.cur;
      if (!c) return;
      if (c.state === 'head') {
        const idx = this.buf.indexOf('\r\n\r\n');
        if (idx < 0) {
          if (this.buf.length > 16384) throw new HttpError('invalid', 'response header over 16 KiB');
          return;
        }
        const lines = this.buf.subarray(0, idx).toString('latin1').split('\r\n');
        this.buf = this.buf.subarray(idx + 4);
        const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]);
        if (!m) throw new HttpError('invalid', `bad status line: ${JSON.stringify(lines[0])}`);
        const status = Number(m[1]);
        const headers = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          if (colon <= 0) throw new HttpError('invalid', `bad header line: ${JSON.stringify(line)}`);
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        if (status >= 100 && status < 200) continue; // interim
        c.status = status;
        c.headers = headers;
        if (c.onHead) c.onHead(c);
        if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) c.state = 'chunk-size';
        else if (headers['content-length'] !== undefined) {
          c.remaining = Number(headers['content-length']);
          if (!Number.isInteger(c.remaining) || c.remaining < 0) throw new HttpError('invalid', 'bad Content-Length');
          c.state = 'body';
        } else if (status === 204 || status === 304) c.state = 'done';
        else c.state = 'to-close';
      }
      if (c.state === 'body') {
        const take = Math.min(c.remaining, this.buf.length);
        if (take) c.chunks.push(this.buf.subarray(0, take));
        this.buf = this.buf.subarray(take);
        c.remaining -= take;
        if (c.remaining > 0) return;
        c.state = 'done';
      }
      if (c.state === 'chunk-size') {
        const idx = this.buf.indexOf('\r\n');
        if (idx < 0) return;
        const sizeText = this.buf.subarray(0, idx).toString('latin1').split(';')[0].trim();
        if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new HttpError('invalid', `bad chunk size ${JSON.stringify(sizeText)}`);
        this.buf = this.buf.subarray(idx + 2);
        const size = parseInt(sizeText, 16);
        if (size === 0) c.state = 'trailer';
        else {
          c.state = 'chunk-data';
          c.remaining = size;
        }
        continue;
      }
      if (c.state === 'chunk-data') {
        if (this.buf.length < c.remaining + 2) return;
        c.chunks.push(this.buf.subarray(0, c.remaining));
        if (c.onChunk) c.onChunk(this.buf.subarray(0, c.remaining));
        if (this.buf[c.remaining] !== 13 || this.buf[c.remaining + 1] !== 10) throw new HttpError('invalid', 'chunk not followed by CRLF');
        this.buf = this.buf.subarray(c.remaining + 2);
        c.state = 'chunk-size';
        continue;
      }
      if (c.state === 'trailer') {
        const idx = this.buf.indexOf('\r\n');
        if (idx < 0) return;
        this.buf = this.buf.subarray(idx + 2);
        if (idx === 0) c.state = 'done';
        else continue;
      }
      if (c.state === 'to-close') {
        if (this.buf.length) c.chunks.push(this.buf);
        this.buf = Buffer.alloc(0);
        return;
      }
      if (c.state === 'done') {
        this.finish();
        if (this.buf.length) this.unsolicited += this.buf.length;
        return;
      }
    }
  }

  onClose() {
    this.closed = true;
    const c = this.cur;
    if (!c) return;
    if (c.state === 'to-close') {
      this.finish();
      return;
    }
    const kind = c.bytes > 0 ? 'truncated' : this.closeError ? kindOf(this.closeError) : 'closed';
    this.fail(new HttpError(kind, `connection closed after ${c.bytes} response bytes${this.closeError ? ` (${this.closeError.code})` : ''}`));
  }
}

/** One request on a fresh connection, closed afterwards. */
export async function oneShot(port, req) {
  const conn = await Conn.open(port, { timeoutMs: req.timeoutMs ?? 5000 });
  try {
    return await conn.request(req);
  } finally {
    conn.close();
  }
}
