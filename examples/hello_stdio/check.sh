#!/usr/bin/env bash
# CI check of the hello_stdio example: initialize, call Greeter_Greet, expect the greeting.
set -euo pipefail
bin=$1
out=$(printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}' \
  '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"Greeter_Greet","arguments":{"name":"Ada","times":2}}}' \
  | timeout 10 "$bin" 2>/dev/null)
echo "$out"
grep -q '"structuredContent":{"result":"Hello, Ada! Hello, Ada! "}' <<<"$out"
