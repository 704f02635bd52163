#!/usr/bin/env bash
# CI check of the toolkits example: the three tools are listed under their toolkits' names (two
# Search tools side by side), each Search answers for its own toolkit, and Assistant_Brief gets
# both results through ctx.call_tool for the same user.
set -euo pipefail
bin=$1
out=$(printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}' \
  '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' \
  '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"Calendar_Search","arguments":{"query":"Launch"}}}' \
  '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"Assistant_Brief","arguments":{"query":"Launch"}}}' \
  | ARCADE_USER_ID=ada timeout 10 "$bin" 2>/dev/null)
echo "$out"
grep '"id":2' <<<"$out" | grep -o '"name":"[A-Za-z_]*"' | tr '\n' ' ' | grep -q '"name":"Assistant_Brief" "name":"Calendar_Search" "name":"Mail_Search"'
grep '"id":3' <<<"$out" | grep -q '"structuredContent":{"result":\["Launch review, Tue 10:00"\]}'
grep '"id":4' <<<"$out" | grep -q '2 mail(s), 1 event(s) for ada: \[mail\] Launch plan v2; \[mail\] Launch retro notes; \[event\] Launch review, Tue 10:00;'
