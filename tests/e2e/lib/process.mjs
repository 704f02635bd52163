// Child-process bookkeeping for the tests: bounded waits for exit, stop by PID
// (signal, grace period, then SIGKILL), and a last-resort SIGKILL of every
// server still alive when the test process exits. Also reads a process's RSS.
import { readFileSync } from 'node:fs';

const live = new Set();

process.on('exit', () => {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Remembers a PID so that it is killed if the test process exits first. */
export function trackPid(pid) {
  if (Number.isInteger(pid) && pid > 0) live.add(pid);
}

/** Forgets a PID once its process is known to be gone. */
export function untrackPid(pid) {
  live.delete(pid);
}

/** True while a process with this PID exists (and is not a zombie we reaped). */
export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * Waits at most timeoutMs for a ChildProcess to exit.
 * Resolves { code, signal } on exit, or null on time-out.
 */
export function waitForExit(child, timeoutMs) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(null);
    }, timeoutMs);
    const onExit = (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    };
    child.once('exit', onExit);
  });
}

/**
 * Stops a ChildProcess by PID: sends `signal` (default SIGTERM), waits graceMs,
 * then SIGKILL and waits up to 2 s more. Never throws, never waits unbounded.
 * Resolves { code, signal, forced } (forced = SIGKILL was needed).
 */
export async function stopChild(child, { signal = 'SIGTERM', graceMs = 3000 } = {}) {
  const pid = child.pid;
  let exited = await waitForExit(child, 0);
  if (!exited) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
    exited = await waitForExit(child, graceMs);
  }
  let forced = false;
  if (!exited) {
    forced = true;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    exited = await waitForExit(child, 2000);
  }
  if (exited) untrackPid(pid);
  return { code: exited?.code ?? null, signal: exited?.signal ?? null, forced };
}

/**
 * Stops a process known only by PID (e.g. one spawned by the SDK transport):
 * SIGTERM, poll up to graceMs, then SIGKILL. Bounded; never throws.
 */
export async function stopPid(pid, { graceMs = 3000 } = {}) {
  if (!pid || !pidAlive(pid)) {
    untrackPid(pid);
    return;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pidAlive(pid)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (pidAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  untrackPid(pid);
}

/** Resident set size of a process in kB, from /proc/<pid>/status (VmRSS). */
export function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}
