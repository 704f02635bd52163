#!/usr/bin/env bash
# End to end over stdio, as an MCP client starts the server: initialize, list the tools, call
# CountWords{{#full}}, and FetchJson against an unreachable upstream (a retryable upstream error){{/full}}.
set -euo pipefail
server=$1
out=$(printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}' \
  '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
  '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' \
  '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"{{Toolkit}}_CountWords","arguments":{"text":"to be or not"}}}' \
{{#full}}
  '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"{{Toolkit}}_FetchJson","arguments":{"path":"/todos/1"}}}' \
{{/full}}
  | UPSTREAM_URL=http://127.0.0.1:9 timeout 30 "$server" 2>/dev/null)
echo "$out"
fail() { echo "FAIL: $*" >&2; exit 1; }
grep -q '"id":2,.*"name":"{{Toolkit}}_CountWords"' <<<"$out" || fail "tools/list lacks {{Toolkit}}_CountWords"
grep -q '"id":3,.*"structuredContent":{"characters":12,"words":4}' <<<"$out" || fail "CountWords answered wrongly"
{{#full}}
grep -q '"id":4,.*"isError":true' <<<"$out" || fail "FetchJson did not report the unreachable upstream"
{{/full}}
echo "stdio end-to-end: PASS"
