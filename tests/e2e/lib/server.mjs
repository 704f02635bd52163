// Starts the arcade-eval-ref binary for a test and stops it by PID in every case.
// HTTP: ARCADE_SERVER_TRANSPORT=http on 127.0.0.1, ephemeral port parsed from the
// "listening on http://127.0.0.1:<port>/mcp" line on stderr (10 s limit).
// stdio: raw pipes with a LineReader on stdout, for tests that bypass the SDK.
import { spawn } from 'node:child_process';
import { serverBinary, serverEnv } from './config.mjs';
import { LineReader } from './lines.mjs';
import { stopChild, trackPid, waitForExit } from './process.mjs';

const STDERR_KEEP = 64 * 1024;

function keepTail(text, keep = STDERR_KEEP) {
  return text.length > keep ? text.slice(-keep) : text;
}

/**
 * Starts an HTTP server. Resolves { child, pid, port, origin, url, stderr(), stdout(), stop() }.
 * `env` entries are added to (and override) the default server environment; `binary`
 * replaces serverBinary(); stderr() and stdout() are the last `keep` characters of each
 * (64 KiB; Infinity keeps everything, for tests that search all the output).
 */
export async function startHttpServer({ env = {}, startTimeoutMs = 10000, binary, keep = STDERR_KEEP } = {}) {
  const child = spawn(binary ?? serverBinary(), [], {
    env: serverEnv({
      ARCADE_SERVER_TRANSPORT: 'http',
      ARCADE_SERVER_HOST: '127.0.0.1',
      ARCADE_SERVER_PORT: '0',
      ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackPid(child.pid);
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8');
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    stdout = keepTail(stdout + chunk, keep);
  });

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      finish(new Error(`server printed no "listening on" line within ${startTimeoutMs} ms; stderr:\n${stderr}`));
    }, startTimeoutMs);
    const onData = (chunk) => {
      stderr = keepTail(stderr + chunk, keep);
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\/mcp/.exec(stderr);
      if (match) finish(null, Number(match[1]));
    };
    const onExit = (code, signal) => {
      finish(new Error(`server exited (code ${code}, signal ${signal}) before listening; stderr:\n${stderr}`));
    };
    const onError = (err) => finish(err);
    function finish(err, value) {
      clearTimeout(timer);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      if (err) reject(err);
      else resolve(value);
    }
    child.stderr.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  }).catch(async (err) => {
    await stopChild(child, { signal: 'SIGKILL', graceMs: 1000 });
    throw err;
  });
  child.stderr.on('data', (chunk) => {
    stderr = keepTail(stderr + chunk, keep);
  });

  const origin = `http://127.0.0.1:${port}`;
  return {
    child,
    pid: child.pid,
    port,
    origin,
    url: `${origin}/mcp`,
    stderr: () => stderr,
    stdout: () => stdout,
    waitForExit: (ms) => waitForExit(child, ms),
    stop: (opts) => stopChild(child, opts),
  };
}

/**
 * Starts a stdio server with raw pipes. Resolves
 * { child, pid, lines, send(text|object), closeStdin(), stderr(), stop() }.
 * `binary` replaces serverBinary().
 */
export async function startStdioServer({ env = {}, binary } = {}) {
  const child = spawn(binary ?? serverBinary(), [], {
    env: serverEnv({ ARCADE_SERVER_TRANSPORT: 'stdio', ...env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('spawn did not complete within 5 s')), 5000);
    child.once('spawn', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  trackPid(child.pid);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = keepTail(stderr + chunk);
  });
  child.stdin.on('error', () => {
    // EPIPE once the server exits; the test sees it through the exit code.
  });
  const lines = new LineReader(child.stdout);
  return {
    child,
    pid: child.pid,
    lines,
    send(message) {
      const text = typeof message === 'string' ? message : JSON.stringify(message);
      child.stdin.write(text + '\n');
    },
    closeStdin() {
      child.stdin.end();
    },
    stderr: () => stderr,
    waitForExit: (ms) => waitForExit(child, ms),
    stop: (opts) => stopChild(child, opts),
  };
}
