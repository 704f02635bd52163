#!/usr/bin/env bash
# Fault tests of the Streamable HTTP server, on tests/fault/fault_server.cpp (target fault-server):
#   1. SIGTERM under load (16 clients; in-flight answers, no lost requests, new connections
#      refused, exit 0 within the grace period + 2 s)
#   2. 500 clients that disconnect mid-request and 500 mid-stream (server still answers; request
#      slots, sessions and connection counts back to baseline; RSS before/after)
#   3. tools that throw, hang past ARCADE_TOOL_TIMEOUT_SECONDS, allocate 1 PiB / 256 MiB while
#      echo calls are interleaved (latencies)
#   4. 10,000 sessions opened and abandoned (RSS baseline, after opening, after expiry)
#   5. a soak of mixed load over sessions and a stateless server (RSS each second)
#   6. MCP tasks (2026-07-28 wire): 10,000 abandoned with a 1 s TTL (RSS baseline, after creating,
#      after expiry), a handler ignoring tasks/cancel (cancelled at once and after it returns),
#      SIGTERM with 20 tasks running on a Redis store (a second server finds them failed/cancelled)
# Every loop is bounded in time; the whole run is capped at FAULT_TIMEOUT_SECONDS (300). Prints
# each scenario's figures and a summary table; exits non-zero when an expectation is violated.
#
# Usage: tests/fault/run.sh <build-dir> [--only 1,3]      e.g. tests/fault/run.sh build/release
#   Needs <build-dir>/bin/fault-server (cmake --build build/release --target fault-server; a full
#   build of the preset includes it), Node.js >= 20 (built-in modules only) and, for scenario 6,
#   redis-server (Debian package redis-server; started on 127.0.0.1, a free port, no persistence).
#   SOAK_SECONDS (default 20), FAULT_LOG_LEVEL (servers' ARCADE_LOG_LEVEL, default info),
#   FAULT_KEEP_LOGS=1 keeps the servers' logs after a passing run.
# Every server listens on 127.0.0.1 with an ephemeral port; each is stopped by its PID, and the
# trap below kills any left behind (fault-server and redis-server processes it started only).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 <build-dir> [--only 1,2,...]   (e.g. $0 build/release)" >&2
  exit 2
fi
build="$(cd "$1" && pwd)"
shift
bin="$build/bin/fault-server"
if [ ! -x "$bin" ]; then
  echo "$bin not found: build it with  cmake --build $build --target fault-server" >&2
  exit 2
fi
if ! command -v node >/dev/null; then
  echo "node not found (Node.js >= 20 is needed)" >&2
  exit 2
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "Node.js >= 20 is needed, found $(node --version)" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/fault.XXXXXX")"
pid_file="$work/pids"
: >"$pid_file"
runner=""
cleanup() {
  local status=$?
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    kill "$runner" 2>/dev/null || true
    sleep 1
    kill -9 "$runner" 2>/dev/null || true
  fi
  # Servers the runner started and did not stop (it stops each by PID; this is the backstop).
  while read -r pid; do
    [ -n "$pid" ] || continue
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -Eq 'fault-server|redis-server'; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  done <"$pid_file"
  if [ "$status" -eq 0 ] && [ -z "${FAULT_KEEP_LOGS:-}" ]; then
    rm -rf "$work"
  else
    echo "server logs: $work" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

FAULT_PID_FILE="$pid_file" FAULT_WORK_DIR="$work" \
  timeout --kill-after=10 "${FAULT_TIMEOUT_SECONDS:-300}" node "$here/fault.mjs" --binary "$bin" "$@" &
runner=$!
status=0
wait "$runner" || status=$?
runner=""
exit "$status"
