// A stand-in OpenTelemetry collector for BENCH_ONLY=observe: a tiny node:http server on 127.0.0.1
// (free port) that takes OTLP/HTTP JSON exports (POST /v1/traces, application/json), answers
// 200 `{}` as soon as the body is in, and then counts the spans of the body
// (resourceSpans[].scopeSpans[].spans[]), by span name too. Nothing is kept but the counts; the
// caller closes the server at the end (close()). startOtlpSinkProcess() runs it in a child process
// of its own (what the bench uses), so its CPU is neither the server's nor the harness's.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

/** Starts the sink; resolves { endpoint, stats(), close() }. endpoint is http://127.0.0.1:<port>. */
export async function startOtlpSink() {
  const counts = { posts: 0, spans: 0, bytes: 0, refused: 0, unparsable: 0, by_name: {} };
  const count = (body) => {
    let doc;
    try {
      doc = JSON.parse(body);
    } catch {
      ++counts.unparsable;
      return;
    }
    for (const rs of doc?.resourceSpans ?? []) {
      for (const ss of rs?.scopeSpans ?? []) {
        const spans = ss?.spans ?? [];
        counts.spans += spans.length;
        for (const s of spans) counts.by_name[s?.name] = (counts.by_name[s?.name] ?? 0) + 1;
      }
    }
  };
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/stats') {  // for startOtlpSinkProcess's stats()
      const body = JSON.stringify(counts);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const json = /^application\/json\b/i.test(req.headers['content-type'] ?? '');
    if (req.method !== 'POST' || req.url !== '/v1/traces' || !json) {
      ++counts.refused;
      req.resume();
      res.writeHead(req.url === '/v1/traces' ? 415 : 404, { 'Content-Length': 0 });
      res.end();
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 2 });
      res.end('{}');
      const body = Buffer.concat(chunks);
      ++counts.posts;
      counts.bytes += body.length;
      count(body.toString('utf8'));
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  /** A copy of the counts so far. */
  const stats = () => ({ ...counts, by_name: { ...counts.by_name } });
  const close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // the exporter keeps its connection alive
    });
  return { endpoint, stats, close };
}

/**
 * The same sink in a child process of its own (so that its JSON parsing does not share the
 * harness's event loop, and its CPU is apart from the harness's): resolves
 * { endpoint, stats() (async), close() }. Stopped by PID in close().
 */
export async function startOtlpSinkProcess() {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the OTLP sink did not start within 10 s')), 10000);
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      const line = text.split('\n')[0];
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('exit', (code) => reject(new Error(`the OTLP sink exited (${code})`)));
  });
  const stats = async () => {
    const r = await fetch(`${endpoint}/stats`);
    return r.json();
  };
  const close = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { endpoint, stats, close, pid: child.pid };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--serve') {
  const sink = await startOtlpSink();
  process.stdout.write(`${sink.endpoint}\n`);
  process.on('SIGTERM', () => sink.close().then(() => process.exit(0)));
}
