// Reads a child's stdout as newline-separated lines, with a time limit on every
// wait, and keeps every byte received so a test can check that stdout carried
// nothing but JSON lines.

export class LineReader {
  /** @param {import('node:stream').Readable} stream */
  constructor(stream) {
    this._buffer = '';
    this._lines = [];
    this._waiters = [];
    this._ended = false;
    this.raw = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      this.raw += chunk;
      this._buffer += chunk;
      let index;
      while ((index = this._buffer.indexOf('\n')) !== -1) {
        this._lines.push(this._buffer.slice(0, index));
        this._buffer = this._buffer.slice(index + 1);
      }
      this._wake();
    });
    stream.on('end', () => {
      this._ended = true;
      this._wake();
    });
    stream.on('error', () => {
      this._ended = true;
      this._wake();
    });
  }

  _wake() {
    const waiters = this._waiters;
    this._waiters = [];
    for (const wake of waiters) wake();
  }

  /** True once the stream ended and every complete line was read. */
  get done() {
    return this._ended && this._lines.length === 0;
  }

  /** The next line (without its newline); rejects after timeoutMs or at end of stream. */
  async next(timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this._lines.length > 0) return this._lines.shift();
      if (this._ended) throw new Error('stdout ended while waiting for a line');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line on stdout within ${timeoutMs} ms`);
      await new Promise((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this._waiters.push(done);
      });
    }
  }

  /** Resolves true if no line arrives within ms (used to check that nothing is answered). */
  async quietFor(ms) {
    try {
      const line = await this.next(ms);
      this._lines.unshift(line);
      return false;
    } catch {
      return this._lines.length === 0;
    }
  }
}
