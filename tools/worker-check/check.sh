#!/usr/bin/env bash
# End-to-end check: start arcade-eval-ref on an ephemeral loopback port with a worker secret, run
# `arcade-worker-check engine-check` against it, and expect exit 0, PASS for steps 2-6 and a WARN
# that 127.0.0.1 is a loopback address. Every wait is bounded; the server is stopped by its PID.
# Usage: check.sh <arcade-worker-check-bin> <arcade-eval-ref-bin>
set -euo pipefail

checker=${1:?usage: check.sh <arcade-worker-check-bin> <arcade-eval-ref-bin>}
server=${2:?usage: check.sh <arcade-worker-check-bin> <arcade-eval-ref-bin>}
work=$(mktemp -d)
server_pid=""

cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "worker_engine_check: $*" >&2
    echo "--- server stderr ---" >&2
    cat "$work/server.err" >&2 || true
    exit 1
}

ARCADE_SERVER_TRANSPORT=http ARCADE_SERVER_HOST=127.0.0.1 ARCADE_SERVER_PORT=0 ARCADE_WORKER_SECRET=s3cret \
    "$server" >"$work/server.out" 2>"$work/server.err" </dev/null &
server_pid=$!

port=""
for _ in $(seq 1 100); do  # <= 10 s
    port=$(sed -n 's#.*listening on http://[^ "]*:\([0-9][0-9]*\)/mcp.*#\1#p' "$work/server.err" | head -n1)
    [[ -n "$port" ]] && break
    kill -0 "$server_pid" 2>/dev/null || fail "the server exited before listening"
    sleep 0.1
done
[[ -n "$port" ]] || fail "no 'listening on http://127.0.0.1:<port>/mcp' line within 10 s"

rc=0
ARCADE_WORKER_SECRET=s3cret timeout 60 "$checker" engine-check "http://127.0.0.1:$port" --timeout 5 \
    >"$work/check.out" 2>&1 || rc=$?
cat "$work/check.out"

[[ $rc -eq 0 ]] || fail "engine-check exited with $rc (expected 0)"
for step in health tools tools-auth invoke mcp-initialize; do
    grep -q "^PASS $step (" "$work/check.out" || fail "no PASS line for step '$step'"
done
grep -q '^WARN public-only .*127\.0\.0\.1 is a loopback address' "$work/check.out" ||
    fail "no WARN that 127.0.0.1 is a loopback address"
if grep -q 's3cret' "$work/check.out"; then fail "the secret appears in the output"; fi
if grep -Eq 'eyJ[A-Za-z0-9_-]+\.eyJ' "$work/check.out"; then fail "a token appears in the output"; fi
echo "worker_engine_check: ok"
