// Fault tests of the Streamable HTTP server (fault-server): SIGTERM under load, clients that
// disconnect mid-request and mid-stream, tools that throw / hang / allocate, 10,000 abandoned
// sessions, a soak, and MCP tasks (abandoned, cancelled, cut by SIGTERM). Every loop is bounded in
// time; every scenario prints its figures and a summary table ends the run. Exit code 0 when every
// expectation held, 1 otherwise.
//
//   node tests/fault/fault.mjs --binary build/release/bin/fault-server [--only 1,3]
//   SOAK_SECONDS=20 (scenario 5), FAULT_LOG_LEVEL=info (servers' log level; logs kept in
//   FAULT_WORK_DIR, default a temporary folder, printed on failure).
//
// The harness is lib/harness.mjs; the scenarios are lib/scenarios_lifecycle.mjs (1, 2),
// lib/scenarios_load.mjs (3-5) and lib/scenarios_tasks.mjs (6; part c needs redis-server).

import { existsSync } from 'node:fs';
import { now } from './lib/http1.mjs';
import { sleep, killAll } from './lib/server.mjs';
import { BINARY, ONLY, SOAK_SECONDS, WORK_DIR, summary, failures, setScenario, figure, expect } from './lib/harness.mjs';
import { scenarioDisconnects, scenarioSigterm } from './lib/scenarios_lifecycle.mjs';
import { scenarioAbandonedSessions, scenarioSoak, scenarioToolFaults } from './lib/scenarios_load.mjs';
import { scenarioTasks } from './lib/scenarios_tasks.mjs';

// ---------------------------------------------------------------------------------------------

const scenarios = [
  [1, 'SIGTERM under load', scenarioSigterm],
  [2, 'disconnects mid-request and mid-stream', scenarioDisconnects],
  [3, 'tools that throw, hang, allocate', scenarioToolFaults],
  [4, '10,000 abandoned sessions', scenarioAbandonedSessions],
  [5, `soak (${SOAK_SECONDS} s)`, scenarioSoak],
  [6, 'tasks: 10,000 abandoned, a handler ignoring cancel, SIGTERM on a Redis store', scenarioTasks],
];

async function main() {
  if (!existsSync(BINARY)) {
    console.error(`fault-server binary not found: ${BINARY} (pass --binary <build>/bin/fault-server)`);
    process.exit(2);
  }
  console.log(`fault tests: ${BINARY}; server logs in ${WORK_DIR}`);
  const started = now();
  for (const [n, title, fn] of scenarios) {
    if (!ONLY.includes(n)) continue;
    setScenario(`${n}`);
    console.log(`\n== ${n}. ${title}`);
    const t = now();
    try {
      await fn();
    } catch (err) {
      expect(false, `scenario threw: ${err.stack ?? err}`);
    }
    const leftover = killAll();
    if (leftover) {
      console.log(`  (killed ${leftover} server(s) the scenario left running)`);
      await sleep(200);
    }
    figure('duration', `${((now() - t) / 1000).toFixed(1)} s`);
  }
  console.log('\n== summary');
  const width = Math.max(...summary.map((r) => r.figure.length));
  for (const r of summary) console.log(`${r.scenario.padEnd(2)} ${r.figure.padEnd(width)}  ${r.value.length > 140 ? r.value.slice(0, 137) + '...' : r.value}`);
  console.log(`total ${((now() - started) / 1000).toFixed(1)} s`);
  if (failures.length) {
    console.log(`\n${failures.length} expectation(s) violated:`);
    for (const f of failures) console.log(`  ${f}`);
    process.exit(1);
  }
  console.log('\nall fault expectations held');
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
