#!/usr/bin/env bash
# CI check of the middleware example: a transfer within the limit runs, one above it is refused by
# the middleware (the tool does not run), and the lifespan hooks open and close the ledger.
set -euo pipefail
bin=$1
err=$(mktemp)
trap 'rm -f "$err"' EXIT
out=$(printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}' \
  '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"Bank_Transfer","arguments":{"to":"Ada","amount":500}}}' \
  '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"Bank_Transfer","arguments":{"to":"Bob","amount":50000}}}' \
  | timeout 10 "$bin" 2>"$err")
echo "$out"
cat "$err"
grep -q '"result":{"content":\[{"text":"sent 500 to Ada"' <<<"$out"
grep -q 'Transfers above 100.00 need approval' <<<"$out"
grep -q 'ledger opened' "$err"
grep -q 'ledger closed: total 500, calls ok 1, refused or failed 1' "$err"
