#!/usr/bin/env bash
# CI check of the embedded example: both servers answer tools/call on their own port while the
# process serves them from one event loop, and a "stop" on stdin ends the process cleanly.
set -euo pipefail
bin=$1
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
mkfifo "$dir/in"
"$bin" <"$dir/in" >"$dir/out" 2>"$dir/err" &
pid=$!
exec 3>"$dir/in"  # held open: the example serves until "stop" or end of input
for _ in $(seq 100); do
  [ "$(wc -l <"$dir/out")" -ge 2 ] && break
  sleep 0.1
done
greeter=$(sed -n 's/^greeter //p' "$dir/out")
calculator=$(sed -n 's/^calculator //p' "$dir/out")
[ -n "$greeter" ] && [ -n "$calculator" ] || { cat "$dir/out" "$dir/err"; exit 1; }
call() {  # url tool arguments
  curl -sS --max-time 5 "$1" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H 'MCP-Protocol-Version: 2025-11-25' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$2\",\"arguments\":$3}}"
}
g=$(call "$greeter" Greeter_Greet '{"name":"Ada"}')
c=$(call "$calculator" Calc_Add '{"a":2,"b":40}')
echo "$g"
echo "$c"
grep -q 'Hello, Ada!' <<<"$g"
grep -q '"text":"42' <<<"$c"
# Each server knows only its own tools.
grep -q 'Unknown tool\|not found\|-32602' <<<"$(call "$greeter" Calc_Add '{"a":1,"b":1}')"
echo stop >&3
exec 3>&-
for _ in $(seq 100); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then echo "example did not stop within 10 s" >&2; cat "$dir/err"; exit 1; fi
wait "$pid"
grep -qx stopped "$dir/out"
grep -c 'HTTP server stopped' "$dir/err" | grep -qx 2
