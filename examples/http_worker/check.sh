#!/usr/bin/env bash
# CI check of the http_worker example, over real HTTP on a free loopback port (port 0, read from the
# "listening on" log line): /mcp initialize + tools/call; /worker/health without a token;
# /worker/tools and /worker/tools/invoke with an HS256 JWT minted here with openssl (independent
# of the library's code); a forged signature and a missing token get 401; the secret never shows
# in the logs; SIGTERM stops the server cleanly.
set -euo pipefail
bin=$1
secret='example-worker-secret-4d1f'
dir=$(mktemp -d)
pid=""
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$dir/err" >&2; exit 1; }

ARCADE_WORKER_SECRET=$secret ARCADE_SERVER_HOST=127.0.0.1 ARCADE_SERVER_PORT=0 ARCADE_USER_ID=mcp-user \
  timeout 60 "$bin" 2>"$dir/err" &
pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\)/mcp.*#\1#p' "$dir/err" | head -n1)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "the example exited before listening"
  sleep 0.1
done
[ -n "$port" ] || fail "no 'listening on' line within 10 s"
base="http://127.0.0.1:$port"

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
mint() {  # HS256 JWT keyed with $1: {"alg":"HS256","typ":"JWT"}.{"aud":"worker","ver":"1",iat,exp}
  local now h p s
  now=$(date +%s)
  h=$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url)
  p=$(printf '{"aud":"worker","ver":"1","iat":%d,"exp":%d}' "$now" $((now + 300)) | b64url)
  s=$(printf '%s' "$h.$p" | openssl dgst -sha256 -hmac "$1" -binary | b64url)
  printf '%s.%s.%s' "$h" "$p" "$s"
}
c() { curl -sS --max-time 5 "$@"; }
mcp_h=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream')

# --- MCP on /mcp: initialize (a session), then tools/call in it.
init=$(c -i "${mcp_h[@]}" "$base/mcp" \
  -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"check","version":"1"}}}')
grep -q '"serverInfo":{"name":"inventory"' <<<"$init" || fail "initialize: $init"
sid=$(tr -d '\r' <<<"$init" | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: *//p')
[ -n "$sid" ] || fail "no Mcp-Session-Id in: $init"
mcp_h+=(-H "Mcp-Session-Id: $sid" -H 'MCP-Protocol-Version: 2025-11-25')
code=$(c -o /dev/null -w '%{http_code}' "${mcp_h[@]}" "$base/mcp" -d '{"jsonrpc":"2.0","method":"notifications/initialized"}')
[ "$code" = 202 ] || fail "notifications/initialized: HTTP $code"
call=$(c "${mcp_h[@]}" "$base/mcp" \
  -d '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"Inventory_CheckStock","arguments":{"sku":"A-100"}}}')
echo "mcp tools/call: $call"
grep -q '"structuredContent":{"quantity":42,"sku":"A-100","warehouse":"Lyon"}' <<<"$call" || fail "tools/call: $call"
who=$(c "${mcp_h[@]}" "$base/mcp" \
  -d '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"Inventory.Whoami","arguments":{}}}')
grep -q '"structuredContent":{"result":"mcp-user"}' <<<"$who" || fail "whoami over MCP: $who"

# --- Worker routes.
health=$(c "$base/worker/health")
echo "health: $health"
[ "$health" = '{"status":"ok","tool_count":"2"}' ] || fail "health: $health"

token=$(mint "$secret")
tools=$(c -H "Authorization: Bearer $token" "$base/worker/tools")
grep -q '"name":"CheckStock"' <<<"$tools" && grep -q '"name":"Whoami"' <<<"$tools" || fail "tools: $tools"
grep -q '"toolkit":{[^}]*"name":"Inventory"' <<<"$tools" || fail "toolkit missing in: $tools"

invoke() {  # token tool inputs-json user -> "HTTP-status body"
  c -w ' %{http_code}' -H "Authorization: Bearer $1" -H 'Content-Type: application/json' "$base/worker/tools/invoke" \
    -d "{\"run_id\":\"run-1\",\"execution_id\":\"exec-$2\",\"created_at\":\"2026-01-01T00:00:00Z\",
         \"tool\":{\"name\":\"$2\",\"toolkit\":\"Inventory\",\"version\":\"1.0.0\"},\"inputs\":$3,
         \"context\":{\"authorization\":null,\"secrets\":[],\"metadata\":[],\"user_id\":\"$4\"}}"
}
r=$(invoke "$token" CheckStock '{"sku":"B-200"}' alice)
echo "invoke CheckStock: $r"
grep -q '"success":true' <<<"$r" && grep -q '"value":{"quantity":0,"sku":"B-200","warehouse":"Turin"}' <<<"$r" \
  && [ "${r##* }" = 200 ] || fail "invoke CheckStock: $r"
r=$(invoke "$token" Whoami '{}' alice)
grep -q '"value":"alice"' <<<"$r" || fail "invoke Whoami as alice: $r"
# A tool error is still HTTP 200, with success=false and Arcade's error kind.
r=$(invoke "$token" CheckStock '{"sku":"Z-999"}' alice)
echo "invoke unknown SKU: $r"
[ "${r##* }" = 200 ] && grep -q '"success":false' <<<"$r" && grep -q 'TOOL_RUNTIME_CONTEXT_REQUIRED' <<<"$r" \
  || fail "tool error over the worker protocol: $r"

# --- Refusals: a token signed with another key, and no token at all.
forged=$(mint "not-the-secret")
hdrs=$(c -o /dev/null -D - -H "Authorization: Bearer $forged" "$base/worker/tools")
grep -q '^HTTP/1.1 401' <<<"$hdrs" || fail "forged token not refused: $hdrs"
grep -qi '^www-authenticate: Bearer' <<<"$hdrs" || fail "no Bearer challenge: $hdrs"
r=$(invoke "$forged" Whoami '{}' mallory)
[ "${r##* }" = 401 ] || fail "forged token on invoke: $r"
code=$(c -o /dev/null -w '%{http_code}' "$base/worker/tools")
[ "$code" = 401 ] || fail "no token: HTTP $code"

# --- The secret is never logged; SIGTERM ends the server with exit code 0.
if grep -q "$secret" "$dir/err"; then fail "the worker secret appears in the log"; fi
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" = 0 ] || fail "exit code $rc after SIGTERM"
echo "http_worker: ok"
