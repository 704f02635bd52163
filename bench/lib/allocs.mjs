// Heap allocations per call on the running server (issue #15), the client side: reading the
// allocation count of a process that runs with bench/alloc/alloc_count.c preloaded (SIGUSR2, then
// the line it appends to ALLOC_COUNT_FILE), and driving an exact number of Echo tools/call
// requests over kept-alive connections with a fixed number in flight (every answer checked), for
// three paths: a 2025-11-25 session, a stateless 2025-11-25 server, and 2026-07-28 requests
// (per-request _meta and the routing headers, no session). bench/harness.mjs (allocsPhase) uses it.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { MCP_HEADERS, answerJson, echoCall, request } from './client.mjs';
import { sleep } from './proc.mjs';

export const MODERN_PROTOCOL = '2026-07-28';
export const MODERN_HEADERS = {
  'Content-Type': 'application/json',
  Accept: 'application/json, text/event-stream',
  'MCP-Protocol-Version': MODERN_PROTOCOL,
  'Mcp-Method': 'tools/call',
  'Mcp-Name': 'ArcadeEvalRef_Echo',
};
/** A 2026-07-28 tools/call of ArcadeEvalRef_Echo: the 2025 message plus params._meta. */
export const modernEchoCall = (id, message = 'hello') => {
  const m = echoCall(id, message);
  m.params._meta = {
    'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL,
    'io.modelcontextprotocol/clientCapabilities': {},
    'io.modelcontextprotocol/clientInfo': { name: 'arcade-bench', version: '1' },
  };
  return m;
};
/** The headers of a 2025-11-25 request, with the session when there is one. */
export const legacyHeaders = (sid) => (sid ? { ...MCP_HEADERS, 'Mcp-Session-Id': sid } : MCP_HEADERS);

function lines(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => /^\d+$/.test(l));
  } catch {
    return [];
  }
}

/**
 * Sends SIGUSR2 to `pid` and resolves the total the shim appends to `file` (a Number; exact up to
 * 2^53). Rejects when no new line appears within `limitMs`.
 */
export async function readAllocCount(pid, file, limitMs = 5000) {
  const before = lines(file).length;
  process.kill(pid, 'SIGUSR2');
  const t0 = performance.now();
  for (;;) {
    const now = lines(file);
    if (now.length > before) return Number(now[now.length - 1]);
    if (performance.now() - t0 > limitMs) throw new Error(`no allocation count in ${file} within ${limitMs} ms of SIGUSR2 (is the shim preloaded?)`);
    await sleep(5);
  }
}

/**
 * `total` requests to 127.0.0.1:`port`/mcp, `conns` at a time over `agent` (keep-alive; pass the
 * same agent to the warm-up and the measured run so that no connection is opened in between).
 * `make(i)` gives { headers, body }; an answer is right when HTTP 200 and the Echo text comes back
 * without an error. Resolves { requests, wrong, first_wrong, seconds }; rejects after `limitMs`.
 */
export async function driveCalls(port, { total, conns, agent, make, limitMs = 120000, idPrefix = 'a' }) {
  let next = 0;
  let wrong = 0;
  let firstWrong = null;
  const t0 = performance.now();
  const deadline = t0 + limitMs;
  const worker = async () => {
    while (next < total) {
      if (performance.now() > deadline) throw new Error(`${total} requests not done within ${limitMs} ms (${next} sent)`);
      const i = next++;
      const { headers, body } = make(`${idPrefix}${i}`);
      try {
        const r = await request(port, { headers, body, agent, timeoutMs: 10000 });
        const msg = r.status === 200 ? answerJson(r.text) : null;
        if (!msg || msg.error || msg.result?.isError || msg.result?.content?.[0]?.text !== 'hello') {
          ++wrong;
          firstWrong ??= `HTTP ${r.status}: ${r.text.slice(0, 200)}`;
        }
      } catch (err) {
        ++wrong;
        firstWrong ??= err.message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, conns) }, worker));
  return { requests: total, wrong, first_wrong: firstWrong, seconds: (performance.now() - t0) / 1000 };
}

/** A keep-alive agent for driveCalls with up to `conns` sockets; `opened` counts its connections. */
export function keepAliveAgent(conns) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: conns, maxFreeSockets: conns });
  agent.opened = 0;
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (...args) => {
    ++agent.opened;
    return create(...args);
  };
  return agent;
}
