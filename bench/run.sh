#!/usr/bin/env bash
# The benchmark suite of issue #7, one command: installs what is missing
# (scripts/install-deps.sh --with-bench: wrk, nginx, gnuplot-nox, the TypeScript SDK peers'
# pinned npm packages), builds Release (cmake --preset release), then bench/harness.mjs starts
# arcade-eval-ref and the peers (nginx with a fixed body; the TypeScript MCP SDK 1.32.2 in
# bench/peers/ts-sdk and the TypeScript MCP SDK v2, @modelcontextprotocol/server 2.4.0 with
# @modelcontextprotocol/node 2.1.2, in bench/peers/ts-sdk-v2; each stateful and stateless, and
# over stdio) on free 127.0.0.1 ports, drives them with wrk and the checking Lua scripts of
# bench/lua/, runs the micro-benchmarks, prints one table plus ratios, and writes
# bench/results/<date>-<host>.{json,md,png}. A full run takes about 20 minutes.
#
# Settings are environment variables, listed at the top of bench/harness.mjs; the common ones:
#   BENCH_SECONDS=10  BENCH_SWEEP_SECONDS=5  BENCH_SOAK_SECONDS=60  BENCH_QUICK=1 (smoke run)
#   BENCH_SKIP_BUILD=1 (use the binaries already in build/release)  BENCH_NOTE="text for the notes"
#   BENCH_UPDATE_README=1 (rewrite the marked block of README's Performance section)
#   BENCH_KEEP_TMP=1 (keep the temp dir: server logs, wrk output, nginx config)
#   BENCH_ONLY=allocs (only the heap allocations per call, issue #15: micro_bench's tools/call
#   benchmarks and the server under load with bench/alloc/alloc_count.c preloaded; ~1 minute)
#   BENCH_ONLY=auth (only arcade-eval-ref with and without an OAuth bearer token: Echo at 32 and
#   1 connections, alternated 3 times, with the median auth/unauth rate; ~2 minutes)
# Every process the run starts is stopped by PID when it ends, fails or is interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

scripts/install-deps.sh --with-bench
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/arcade-bench.XXXXXX")
harness=""
# Stops PIDs ($@): SIGTERM, up to 3 s, then SIGKILL.
stop_pids() {
  (($#)) || return 0
  kill -TERM "$@" 2>/dev/null || true
  for _ in $(seq 1 30); do
    local left=0 pid
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && left=1; done
    [ "$left" = 0 ] && return 0
    sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
}
# The harness stops its own children; whatever it could not (it was killed) is in $tmp/pids.
cleanup() {
  [ -n "$harness" ] && stop_pids "$harness"
  local pids=()
  [ -f "$tmp/pids" ] && mapfile -t pids <"$tmp/pids"
  stop_pids "${pids[@]}"
  if [ "${BENCH_KEEP_TMP:-0}" = 1 ]; then echo "temp dir kept: $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1,024 connections for wrk plus the servers' own: raise the soft limit on open files.
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -ge 65536 ]; then ulimit -Sn 65536; else ulimit -Sn "$hard"; fi

node bench/harness.mjs --tmp "$tmp" --started "$started" &
harness=$!
status=0
wait "$harness" || status=$?
harness=""
exit "$status"
