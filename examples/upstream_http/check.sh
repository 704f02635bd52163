#!/usr/bin/env bash
# CI check of the upstream_http example: a local upstream (upstream.mjs, node, a free loopback
# port) and the example over stdio, kept open through a FIFO so calls overlap: a success (with the
# caller's trace passed on in the traceparent header), 404 -> UPSTREAM_RUNTIME_NOT_FOUND, 429 -> rate limit with
# retryAfterMs, 500 -> UPSTREAM_RUNTIME_SERVER_ERROR, a slow route -> the libcurl timeout as
# NETWORK_TRANSPORT_RUNTIME_TIMEOUT, and a slow call cancelled by the client -> the upstream connection closed well
# before the timeout and no answer. Every wait is bounded.
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
up_pid="" pid=""
cleanup() {
  for p in $pid $up_pid; do kill "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; cat "$dir/out" "$dir/err" "$dir/up.log" >&2 2>/dev/null || true; exit 1; }
wait_for() {  # file pattern seconds
  for _ in $(seq $(($3 * 10))); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  fail "no '$2' in $1 within $3 s"
}

timeout 60 node "$here/upstream.mjs" >"$dir/up.log" &
up_pid=$!
wait_for "$dir/up.log" '^port ' 10
port=$(sed -n 's/^port //p' "$dir/up.log")

mkfifo "$dir/in"
# Traces exported (to the upstream, which answers 404 to /v1/traces: spans lost, calls unaffected),
# so the tool runs in a span of the caller's trace and passes that on. Without an exporter,
# params._meta.traceparent is not read over stdio (HTTP reads the traceparent header either way).
OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$port" OTEL_SERVICE_NAME=upstream-http-check \
  UPSTREAM_BASE_URL="http://127.0.0.1:$port" UPSTREAM_TIMEOUT_MS=4000 \
  timeout 60 "$bin" <"$dir/in" >"$dir/out" 2>"$dir/err" &
pid=$!
exec 3>"$dir/in"  # held open: the calls below overlap
send() { printf '%s\n' "$1" >&3; }
get() {  # id item-id [extra params]
  send "{\"jsonrpc\":\"2.0\",\"id\":$1,\"method\":\"tools/call\",\"params\":{\"name\":\"Catalog_GetItem\",\"arguments\":{\"id\":\"$2\"}${3:-}}}"
}
answer() { wait_for "$dir/out" "\"id\":$1[,}]" "${2:-10}"; grep "\"id\":$1[,}]" "$dir/out"; }
expect() {  # id fixed-string...
  local a
  a=$(answer "$1")
  shift
  for s in "$@"; do grep -qF -- "$s" <<<"$a" || fail "answer lacks $s: $a"; done
}

send '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"check","version":"1"}}}'
send '{"jsonrpc":"2.0","method":"notifications/initialized"}'
answer 1 >/dev/null
tp='00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
started=$(date +%s%N)
get 6 slow-timeout  # runs into the 4 s libcurl timeout while the others go on
get 7 slow-cancelled
get 2 A-100 ",\"_meta\":{\"traceparent\":\"$tp\"}"
get 3 missing
get 4 busy
get 5 broken
sleep 0.3
send '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"user gave up"}}'

trace_id=$(cut -d- -f2 <<<"$tp")
expect 2 '"isError":false' '"name":"Widget"' '"price":4.5' "\"traceparent\":\"00-$trace_id-"
expect 3 '"isError":true' '"errorKind":"UPSTREAM_RUNTIME_NOT_FOUND"' '"statusCode":404' '"canRetry":false' 'No item with id missing'
expect 4 '"isError":true' '"errorKind":"UPSTREAM_RUNTIME_RATE_LIMIT"' '"canRetry":true' '"retryAfterMs":7000' \
  'Upstream HTTP request failed (Too Many Requests, client error). Retry after 7 second(s).'
expect 5 '"isError":true' '"errorKind":"UPSTREAM_RUNTIME_SERVER_ERROR"' '"statusCode":500' '"canRetry":true'
# The cancelled call: libcurl aborts from the progress callback within about a second.
wait_for "$dir/up.log" 'closed slow-cancelled after' 5
ms=$(sed -n 's/^closed slow-cancelled after \([0-9]*\) ms$/\1/p' "$dir/up.log")
[ "$ms" -lt 3000 ] || fail "the cancelled transfer lasted $ms ms (the timeout is 4000)"
expect 6 '"isError":true' '"errorKind":"NETWORK_TRANSPORT_RUNTIME_TIMEOUT"' '"canRetry":true' \
  'HTTP request timed out before a complete response was received.'
elapsed=$((($(date +%s%N) - started) / 1000000))
[ "$elapsed" -lt 7000 ] || fail "the timed-out call took $elapsed ms"
grep -q 'closed slow-timeout after' "$dir/up.log" || fail "the timed-out transfer was not closed"
sleep 0.5
if grep -q '"id":7[,}]' "$dir/out"; then fail "the cancelled call was answered"; fi

exec 3>&-  # end of input: the example stops
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "the example did not stop within 10 s of end of input"
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" = 0 ] || fail "exit code $rc"
cat "$dir/out" "$dir/up.log"
echo "upstream_http: ok"
