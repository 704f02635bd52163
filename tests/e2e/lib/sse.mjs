// Server-Sent Events for the raw HTTP tests: a parser that keeps every field of
// every event (id, event, retry, data; comments dropped), and a streaming reader
// over node:http whose waits are all bounded.
import http from 'node:http';

/**
 * Incremental text/event-stream parser: push(text) returns the events completed by
 * that text, each { id, event, retry, data, raw } (a field absent from the event is
 * undefined; data lines are joined with "\n").
 */
export class SseParser {
  constructor() {
    this._buffer = '';
  }

  push(text) {
    this._buffer += text;
    const events = [];
    let match;
    while ((match = /\r?\n\r?\n/.exec(this._buffer))) {
      const block = this._buffer.slice(0, match.index);
      this._buffer = this._buffer.slice(match.index + match[0].length);
      const event = parseBlock(block);
      if (event) events.push(event);
    }
    return events;
  }

  /** Text received after the last complete event (a partial event). */
  get pending() {
    return this._buffer;
  }
}

function parseBlock(block) {
  const event = { id: undefined, event: undefined, retry: undefined, data: undefined, raw: block };
  let fields = 0;
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    fields++;
    if (name === 'data') event.data = event.data === undefined ? value : `${event.data}\n${value}`;
    else if (name === 'id') event.id = value;
    else if (name === 'event') event.event = value;
    else if (name === 'retry') event.retry = value;
  }
  return fields > 0 ? event : null;
}

/** All events of a complete text/event-stream body. */
export function parseSse(text) {
  const parser = new SseParser();
  return parser.push(text.endsWith('\n\n') ? text : `${text}\n\n`);
}

/** The JSON-RPC message of an event, or null for an event without data (a priming event). */
export function eventMessage(event) {
  return event.data ? JSON.parse(event.data) : null;
}

/**
 * Opens a request whose response is read as an event stream. Resolves on the response
 * headers with { status, headers, events, ended, next(predicate, timeoutMs), waitEnd(timeoutMs),
 * close() }: `events` grows as events arrive, next() resolves the first event (after the ones
 * already returned by next) matching `predicate`, waitEnd() resolves true once the server ended
 * the response. close() destroys the connection.
 */
export function openEventStream(url, { method = 'GET', headers = {}, body, timeoutMs = 10000 } = {}) {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method, headers, agent: false },
      (res) => {
        clearTimeout(timer);
        const parser = new SseParser();
        const stream = {
          status: res.statusCode,
          headers: res.headers,
          events: [],
          ended: false,
          text: '',
          _read: 0,
          _waiters: new Set(),
          close: () => req.destroy(),
          next(predicate = () => true, ms = 5000) {
            return waitFor(this, () => {
              while (this._read < this.events.length) {
                const event = this.events[this._read++];
                if (predicate(event)) return { value: event };
              }
              if (this.ended) return { error: new Error(`stream ended without a matching event; got ${this.text.slice(0, 1000)}`) };
              return null;
            }, ms, 'a matching event');
          },
          waitEnd(ms = 5000) {
            return waitFor(this, () => (this.ended ? { value: true } : null), ms, 'the end of the stream').catch(() => false);
          },
        };
        const wake = () => {
          for (const w of [...stream._waiters]) w();
        };
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          stream.text += chunk;
          stream.events.push(...parser.push(chunk));
          wake();
        });
        const end = () => {
          stream.ended = true;
          wake();
        };
        res.on('end', end);
        res.on('close', end);
        res.on('error', end);
        resolve(stream);
      }
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`${method} ${url}: no response headers within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}

/** Re-evaluates `check` whenever the stream changes, until it returns { value } or { error }, at most `ms`. */
function waitFor(stream, check, ms, what) {
  return new Promise((resolve, reject) => {
    let timer;
    const attempt = () => {
      const outcome = check();
      if (!outcome) return;
      clearTimeout(timer);
      stream._waiters.delete(attempt);
      if (outcome.error) reject(outcome.error);
      else resolve(outcome.value);
    };
    timer = setTimeout(() => {
      stream._waiters.delete(attempt);
      reject(new Error(`no ${what} within ${ms} ms; received so far: ${stream.text.slice(0, 1000)}`));
    }, ms);
    stream._waiters.add(attempt);
    attempt();
  });
}
