#!/usr/bin/env bash
# CI check of the metrics example: served over HTTP (free loopback port) with the metrics listener
# on a second free port and traces sent to a stand-in OTLP/HTTP collector (a few lines of Python
# that keep what is posted). Three tools/call of Inventory_Lookup (two ok, one tool error) with a
# caller's traceparent; then /metrics shows the calls by tool and outcome, the latency histogram
# and the MCP requests; /metrics is not on the main port; /healthz answers on both; the collector
# got the request's and the tool's spans in the caller's trace; the log line carries the trace id.
set -euo pipefail
bin=$1
# shellcheck source=../check_lib.sh
. "$(dirname "$0")/../check_lib.sh"
need curl jq python3

# The collector: binds a free loopback port, writes it to a file, appends each POST body to a file.
python3 - "$dir/otlp_port" "$dir/spans" <<'EOF' &
import http.server, sys
class Collector(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "ab") as f:
            f.write(body + b"\n")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Collector)
open(sys.argv[1], "w").write(str(server.server_address[1]))
server.serve_forever()
EOF
pids+=($!)
for _ in $(seq 50); do [ -s "$dir/otlp_port" ] && break; sleep 0.1; done
[ -s "$dir/otlp_port" ] || fail "the collector did not start"

# Port 0 for both listeners: the server logs where it listens.
unset OTEL_SDK_DISABLED OTEL_TRACES_EXPORTER OTEL_EXPORTER_OTLP_TRACES_ENDPOINT OTEL_TRACES_SAMPLER
ARCADE_LOG_FORMAT=text ARCADE_LOG_LEVEL=info \
  ARCADE_SERVER_TRANSPORT=http ARCADE_SERVER_HOST=127.0.0.1 ARCADE_SERVER_PORT=0 ARCADE_METRICS_PORT=0 \
  OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$(cat "$dir/otlp_port")" OTEL_BSP_SCHEDULE_DELAY=100 \
  timeout 60 "$bin" 2>"$dir/err" &
pid=$!
pids+=("$pid")
for _ in $(seq 100); do
  [ "$(grep -c 'listening on' "$dir/err")" -ge 2 ] && break
  sleep 0.1
done
base=$(sed -n 's|.*listening on \(http://127.0.0.1:[0-9]*\)/mcp.*|\1|p' "$dir/err")
metrics=$(sed -n 's|.*listening on \(http://127.0.0.1:[0-9]*\) (no /mcp here).*|\1|p' "$dir/err")
{ [ -n "$base" ] && [ -n "$metrics" ]; } || fail "no 'listening on' lines"
echo "mcp $base/mcp, metrics $metrics/metrics"

trace_id=4bf92f3577b34da6a3ce929d0e0e4736
post() {  # BODY [SESSION]
  local args=(-sS -i --max-time 10 "$base/mcp" -H 'Content-Type: application/json'
    -H 'Accept: application/json, text/event-stream' -H "traceparent: 00-$trace_id-00f067aa0ba902b7-01" -d "$1")
  [ -n "${2:-}" ] && args+=(-H "Mcp-Session-Id: $2")
  curl "${args[@]}"
}
r=$(post '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},
  "clientInfo":{"name":"check","version":"1"}}}')
session=$(grep -i '^mcp-session-id:' <<<"$r" | tr -d '\r' | awk '{print $2}')
[ -n "$session" ] || fail "initialize: $r"
post '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$session" >/dev/null
call() {  # ID SKU: prints the JSON-RPC answer
  post "{\"jsonrpc\":\"2.0\",\"id\":$1,\"method\":\"tools/call\",
    \"params\":{\"name\":\"Inventory_Lookup\",\"arguments\":{\"sku\":\"$2\"}}}" "$session" | tail -1
}
ok=$(call 2 A-1)
call 3 A-2 >/dev/null
bad=$(call 4 Z-9)
echo "$ok"
jq -e '.result.structuredContent.quantity == 7' <<<"$ok" >/dev/null || fail "lookup: $ok"
jq -e '.result.isError == true' <<<"$bad" >/dev/null || fail "unknown SKU: $bad"
# The handler's trace context is in the caller's trace (with export on: the tool's span).
jq -e --arg t "$trace_id" '.result.structuredContent.traceparent | test("^00-" + $t + "-[0-9a-f]{16}-01$")' <<<"$ok" \
  >/dev/null || fail "traceparent seen by the tool: $ok"

# Metrics: on their own port only.
m=$(curl -sS --max-time 5 "$metrics/metrics")
value() { awk -v s="$1" '$1 == s { print $2 }' <<<"$m"; }
grep '^arcade_mcp_tool_call' <<<"$m"
[ "$(value 'arcade_mcp_tool_calls_total{tool="Inventory.Lookup",outcome="ok"}')" = 2 ] || fail "ok calls"
[ "$(value 'arcade_mcp_tool_calls_total{tool="Inventory.Lookup",outcome="tool_error"}')" = 1 ] || fail "failed calls"
[ "$(value 'arcade_mcp_tool_call_duration_seconds_count{tool="Inventory.Lookup"}')" = 3 ] || fail "histogram count"
[ "$(value 'arcade_mcp_tool_call_duration_seconds_bucket{tool="Inventory.Lookup",le="+Inf"}')" = 3 ] || fail "+Inf"
[ "$(value 'arcade_mcp_tool_call_duration_seconds_bucket{tool="Inventory.Lookup",le="0.005"}')" = 0 ] ||
  fail "20 ms calls in the 5 ms bucket"
awk '{ exit !($1 >= 0.06) }' <<<"$(value 'arcade_mcp_tool_call_duration_seconds_sum{tool="Inventory.Lookup"}')" ||
  fail "histogram sum below 3 x 20 ms"
[ "$(value 'arcade_mcp_requests_total{method="tools/call",era="legacy",outcome="ok"}')" = 3 ] || fail "MCP requests"
grep -q '^arcade_mcp_build_info{version="1.0.0"} 1$' <<<"$m" || fail "build_info"
[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/metrics")" = 404 ] || fail "/metrics on the main port"
for h in "$base" "$metrics"; do
  [ "$(curl -sS --max-time 5 "$h/healthz")" = '{"status":"ok"}' ] || fail "$h/healthz"
done

# Traces: the SERVER span of the request and the RunTool span, both in the caller's trace.
for _ in $(seq 50); do
  grep -q RunTool "$dir/spans" 2>/dev/null && grep -q 'tools/call Inventory_Lookup' "$dir/spans" && break
  sleep 0.1
done
spans=$(jq -c '.resourceSpans[].scopeSpans[].spans[] | {name, traceId}' "$dir/spans" 2>/dev/null || true)
grep -q "{\"name\":\"tools/call Inventory_Lookup\",\"traceId\":\"$trace_id\"}" <<<"$spans" || fail "server span: $spans"
grep -q "{\"name\":\"RunTool\",\"traceId\":\"$trace_id\"}" <<<"$spans" || fail "RunTool span: $spans"
grep -q "tool call.*trace_id=$trace_id" "$dir/err" || fail "no trace id on the tool call log line"

kill -TERM "$pid"
wait "$pid" || fail "server exited with $? after SIGTERM"
echo "metrics example: OK"
