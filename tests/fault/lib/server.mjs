// Starting and stopping fault-server for the fault tests: HTTP on 127.0.0.1 with an ephemeral
// port (read from the "listening on" log line), stderr to a log file, a clean environment (no
// ARCADE_* / MCP_* of the caller, working directory a temporary folder so that no .env is read),
// every PID recorded in $FAULT_PID_FILE for run.sh's trap, stops by PID with bounded waits.
// Also a throw-away redis-server (no persistence) on a free port for the tasks scenario.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, openSync, closeSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { now } from './http1.mjs';

const live = new Set();
process.on('exit', () => {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** SIGKILLs every server still running (after a scenario that failed half-way). */
export function killAll() {
  const pids = [...live];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  return pids.length;
}

/** VmRSS of a process in kB, or null when it is gone. */
export function rssKb(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Threads of a process, or null when it is gone. */
export function threadCount(pid) {
  try {
    const m = /^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('ARCADE_') || k.startsWith('MCP_')) continue;
    env[k] = v;
  }
  return {
    ...env,
    ARCADE_SERVER_TRANSPORT: 'http',
    ARCADE_SERVER_HOST: '127.0.0.1',
    ARCADE_SERVER_PORT: '0',
    ARCADE_USER_ID: 'fault@example.com',
    // info (the default) at least: the port is read from the "listening on" line.
    ARCADE_LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? 'info',
    ...extra,
  };
}

/**
 * Starts fault-server with `env` added. Resolves { pid, port, child, logPath, log(), exited,
 * exitInfo, stop(), kill(signal) }.
 */
export async function startServer({ binary, workDir, name, env = {}, startTimeoutMs = 10000 }) {
  const logPath = path.join(workDir, `${name}.log`);
  const fd = openSync(logPath, 'w');
  const child = spawn(binary, [], { cwd: workDir, env: cleanEnv(env), stdio: ['ignore', 'ignore', fd] });
  closeSync(fd);
  const server = {
    name,
    child,
    pid: child.pid,
    logPath,
    exitInfo: null,
    log: () => {
      try {
        return readFileSync(logPath, 'utf8');
      } catch {
        return '';
      }
    },
  };
  server.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child.pid);
      server.exitInfo = { code, signal, at: now() };
      resolve(server.exitInfo);
    });
  });
  child.once('error', () => {});
  live.add(child.pid);
  if (process.env.FAULT_PID_FILE) appendFileSync(process.env.FAULT_PID_FILE, `${child.pid}\n`);
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\/mcp/.exec(server.log());
    if (m) {
      server.port = Number(m[1]);
      break;
    }
    if (server.exitInfo) throw new Error(`${name}: exited (${JSON.stringify(server.exitInfo)}) before listening:\n${server.log()}`);
    if (Date.now() > deadline) {
      await stopServer(server, { graceMs: 500 });
      throw new Error(`${name}: no "listening on" line within ${startTimeoutMs} ms:\n${server.log()}`);
    }
    await sleep(20);
  }
  server.kill = (signal = 'SIGTERM') => {
    try {
      process.kill(child.pid, signal);
    } catch {
      // gone
    }
  };
  return server;
}

/** Waits at most ms for the server to exit; resolves its exit info or null. */
export function waitExit(server, ms) {
  if (server.exitInfo) return Promise.resolve(server.exitInfo);
  return Promise.race([server.exited, sleep(ms).then(() => null)]);
}

/** SIGTERM, wait graceMs, then SIGKILL (bounded). Resolves { code, signal, forced, ms }. */
export async function stopServer(server, { graceMs = 7000 } = {}) {
  const t0 = now();
  if (!server.exitInfo) {
    try {
      process.kill(server.pid, 'SIGTERM');
    } catch {
      // gone
    }
  }
  let info = await waitExit(server, graceMs);
  let forced = false;
  if (!info) {
    forced = true;
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // gone
    }
    info = await waitExit(server, 2000);
  }
  return { code: info?.code ?? null, signal: info?.signal ?? null, forced, ms: Math.round(now() - t0) };
}

/** A TCP port free on 127.0.0.1 right now (the kernel's pick, released at once). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Whether redis-server is on the PATH. */
export function haveRedis() {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts redis-server on 127.0.0.1 and a free port, without persistence (--save "" --appendonly
 * no), working directory and log in workDir. Resolves an object stopServer() accepts: { pid,
 * port, child, logPath, log(), exited, exitInfo }. Tries three ports when one is taken meanwhile.
 */
export async function startRedis({ workDir, name, startTimeoutMs = 10000 }) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const logPath = path.join(workDir, `${name}.log`);
    const fd = openSync(logPath, 'w');
    const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'];
    args.push('--dir', workDir);
    const child = spawn('redis-server', args, { cwd: workDir, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const redis = { name, child, pid: child.pid, port, logPath, exitInfo: null };
    redis.log = () => {
      try {
        return readFileSync(logPath, 'utf8');
      } catch {
        return '';
      }
    };
    redis.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child.pid);
        redis.exitInfo = { code, signal, at: now() };
        resolve(redis.exitInfo);
      });
    });
    child.once('error', () => {});
    if (child.pid === undefined) throw new Error(`${name}: redis-server could not be started`);
    live.add(child.pid);
    if (process.env.FAULT_PID_FILE) appendFileSync(process.env.FAULT_PID_FILE, `${child.pid}\n`);
    const deadline = Date.now() + startTimeoutMs;
    while (!/Ready to accept connections/.test(redis.log())) {
      if (redis.exitInfo || Date.now() > deadline) break;
      await sleep(20);
    }
    if (/Ready to accept connections/.test(redis.log()) && !redis.exitInfo) return redis;
    const why = redis.log();
    await stopServer(redis, { graceMs: 1000 });
    if (attempt < 3 && /in use/i.test(why)) continue;
    throw new Error(`${name}: redis-server on port ${port} not ready within ${startTimeoutMs} ms:\n${why}`);
  }
}
