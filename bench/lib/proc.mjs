// Processes of the benchmark: every child is spawned here, its PID appended to a file that
// bench/run.sh's trap also reads, and stopped by PID (SIGTERM, then SIGKILL after a grace period,
// then any descendant still alive, e.g. an nginx worker). Also the /proc readings: CPU ticks
// (utime + stime of the process and its descendants), VmRSS / VmHWM, whole-machine CPU.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function readText(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** PIDs of every descendant of `pid` (children of each of its threads, recursively). */
export function descendants(pid) {
  const out = [];
  const walk = (p) => {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const t of tasks) {
      const text = readText(`/proc/${p}/task/${t}/children`);
      if (!text) continue;
      for (const c of text.trim().split(/\s+/).filter(Boolean)) {
        out.push(Number(c));
        walk(Number(c));
      }
    }
  };
  walk(pid);
  return out;
}

/** utime + stime in ticks of one process (all its threads), or 0 when gone. */
function ownTicks(pid) {
  const text = readText(`/proc/${pid}/stat`);
  if (!text) return 0;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU ticks of `pid` and its descendants. */
export function cpuTicks(pid) {
  return [pid, ...descendants(pid)].reduce((sum, p) => sum + ownTicks(p), 0);
}

function statusKb(pid, key) {
  const text = readText(`/proc/${pid}/status`);
  if (!text) return 0;
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** VmRSS (key 'VmRSS') or VmHWM (key 'VmHWM') of `pid` plus its descendants, in KiB. */
export function memKb(pid, key = 'VmRSS') {
  return [pid, ...descendants(pid)].reduce((sum, p) => sum + statusKb(p, key), 0);
}

/** Whole-machine CPU ticks from /proc/stat: { busy, total }. */
export function machineTicks() {
  const line = (readText('/proc/stat') || '').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (line[3] || 0) + (line[4] || 0);
  return { busy: total - idle, total };
}

export function alive(pid) {
  return existsSync(`/proc/${pid}/stat`) && !/^\S+ \(.*\) [ZX]/.test(readText(`/proc/${pid}/stat`) || '');
}

export class ProcessSet {
  constructor(pidFile) {
    this.pidFile = pidFile;
    this.children = new Set();
    this.closed = false;
  }

  /** spawn() with the PID recorded; `name` is for messages. Resolves once spawned. */
  async spawn(name, command, args, options = {}) {
    if (this.closed) throw new Error(`${name}: not started, the run is stopping`);
    const child = spawn(command, args, options);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: spawn did not complete within 10 s`)), 10000);
      child.once('spawn', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`${name}: ${err.message}`));
      });
    });
    child.benchName = name;
    child.exited = false;
    child.exitInfo = null;
    child.once('exit', (code, signal) => {
      child.exited = true;
      child.exitInfo = { code, signal };
    });
    this.children.add(child);
    this.save();
    return child;
  }

  /** The PIDs of the children not yet stopped, one a line, for bench/run.sh's trap. */
  save() {
    if (this.pidFile) writeFileSync(this.pidFile, [...this.children].map((c) => `${c.pid}\n`).join(''));
  }

  /** Forgets a child that exited by itself. */
  forget(child) {
    this.children.delete(child);
    this.save();
  }

  /** Waits for the child's exit up to `ms`; true when it exited. */
  waitExit(child, ms) {
    if (child.exited) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** SIGTERM, SIGKILL after `graceMs`, then SIGKILL to descendants still alive. */
  async stop(child, graceMs = 3000) {
    if (!child) return;
    const kids = child.exited ? [] : descendants(child.pid);
    if (!child.exited) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {}
      if (!(await this.waitExit(child, graceMs))) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {}
        await this.waitExit(child, 2000);
      }
    }
    for (const k of kids) {
      if (alive(k)) {
        try {
          process.kill(k, 'SIGKILL');
        } catch {}
      }
    }
    this.forget(child);
  }

  async stopAll() {
    this.closed = true;
    await Promise.all([...this.children].map((c) => this.stop(c, 2000)));
  }

  /** Synchronous last resort (process 'exit' handler): SIGKILL everything still tracked. */
  killAllSync() {
    for (const c of this.children) {
      if (c.exited) continue;
      for (const pid of [...descendants(c.pid), c.pid]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    }
  }
}
