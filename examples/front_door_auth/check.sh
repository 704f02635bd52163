#!/usr/bin/env bash
# CI check of the front_door_auth example. A stand-in authorization server: an RSA key made with
# openssl, its JWK Set served by `python3 -m http.server` on loopback, tokens signed with
# `openssl dgst`. Checks: the protected resource metadata; 401 with the resource_metadata
# challenge without a token, with a malformed one, one signed by another key and an expired one;
# a valid token calls Whoami (its `sub`); a token lacking `reports:read` gets 403
# insufficient_scope for read_report. Everything binds 127.0.0.1; both processes stop by PID.
set -euo pipefail
bin=$1
# shellcheck source=../check_lib.sh
. "$(dirname "$0")/../check_lib.sh"
need curl jq openssl python3
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

# The authorization server's key and JWK Set (kid "k1"), and a second key it never published.
openssl genrsa -out "$dir/key.pem" 2048 2>/dev/null
openssl genrsa -out "$dir/other.pem" 2048 2>/dev/null
n=$(openssl rsa -in "$dir/key.pem" -noout -modulus | sed 's/^Modulus=//' |
  python3 -c 'import base64, sys; print(base64.urlsafe_b64encode(bytes.fromhex(sys.stdin.read())).decode().rstrip("="))')
mkdir "$dir/as"
printf '{"keys":[{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":"%s","e":"AQAB"}]}' "$n" >"$dir/as/jwks.json"
as_port=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$dir/as" "$as_port" >/dev/null 2>&1 &
pids+=($!)
issuer="http://127.0.0.1:$as_port"

port=$(free_port)
mkfifo "$dir/in"
"$bin" "$port" "$issuer" "$issuer/jwks.json" <"$dir/in" >"$dir/out" 2>"$dir/err" &
pids+=($!)
pid=$!
exec 3>"$dir/in"  # held open: the example serves until "stop" or end of input
base="http://127.0.0.1:$port"
for _ in $(seq 100); do
  grep -q '^serving' "$dir/out" && curl -sf "$base/healthz" >/dev/null &&
    curl -sf "$issuer/jwks.json" >/dev/null && break
  sleep 0.1
done
grep -q "^serving $base/mcp" "$dir/out" || fail "the example did not start"

# token KEY CLAIMS-JSON: an RS256 JWT with kid k1.
token() {
  local signing_input
  signing_input="$(printf '{"alg":"RS256","typ":"at+jwt","kid":"k1"}' | b64url).$(printf '%s' "$2" | b64url)"
  # RS256 is RSASSA-PKCS1-v1_5 with SHA-256: what `openssl dgst -sha256 -sign` makes.
  printf '%s.%s' "$signing_input" "$(printf '%s' "$signing_input" | openssl dgst -sha256 -sign "$1" | b64url)"
}
now=$(date +%s)
claims() {  # SCOPE EXP
  printf '{"iss":"%s","sub":"alice","aud":"%s","iat":%d,"exp":%d,"scope":"%s"}' "$issuer" "$base/mcp" "$now" "$2" "$1"
}
good=$(token "$dir/key.pem" "$(claims 'mcp reports:read' $((now + 300)))")
narrow=$(token "$dir/key.pem" "$(claims 'mcp' $((now + 300)))")
forged=$(token "$dir/other.pem" "$(claims 'mcp reports:read' $((now + 300)))")
expired=$(token "$dir/key.pem" "$(claims 'mcp reports:read' $((now - 600)))")

# post TOKEN BODY [SESSION]: prints the status line, headers and body.
post() {
  local args=(-sS -i --max-time 10 "$base/mcp" -H 'Content-Type: application/json'
    -H 'Accept: application/json, text/event-stream' -d "$2")
  [ -n "$1" ] && args+=(-H "Authorization: Bearer $1")
  [ -n "${3:-}" ] && args+=(-H "Mcp-Session-Id: $3")
  curl "${args[@]}"
}
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"check","version":"1"}}}'

# 1. The metadata, open to anyone.
meta=$(curl -sS --max-time 5 "$base/.well-known/oauth-protected-resource/mcp")
echo "metadata: $meta"
jq -e --arg r "$base/mcp" --arg iss "$issuer" \
  '.resource == $r and .authorization_servers == [$iss] and (.scopes_supported | index("reports:read")) != null' \
  <<<"$meta" >/dev/null || fail "metadata: $meta"

# 2. Refusals: 401 with the challenge that points at the metadata.
challenge="resource_metadata=\"$base/.well-known/oauth-protected-resource/mcp\""
r=$(post "" "$init")
grep -q '^HTTP/1.1 401' <<<"$r" || fail "no token: $r"
grep -i '^www-authenticate: Bearer' <<<"$r" | grep -qF "$challenge" || fail "no token, challenge: $r"
grep -i '^www-authenticate' <<<"$r"
bad_tokens=(not-a-jwt "$forged" "$expired")
reasons=("token is not a compact JWS" "signature does not verify" "token expired")
for i in 0 1 2; do
  r=$(post "${bad_tokens[$i]}" "$init")
  grep -q '^HTTP/1.1 401' <<<"$r" || fail "invalid token accepted: $r"
  grep -i '^www-authenticate: Bearer error="invalid_token"' <<<"$r" | grep -F "$challenge" |
    grep -qF "error_description=\"${reasons[$i]}" || fail "invalid token (${reasons[$i]}), challenge: $r"
done

# 3. A valid token: a session, and the tools see its subject.
r=$(post "$good" "$init")
grep -q '^HTTP/1.1 200' <<<"$r" || fail "valid token refused: $r"
session=$(grep -i '^mcp-session-id:' <<<"$r" | tr -d '\r' | awk '{print $2}')
post "$good" '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$session" >/dev/null
r=$(post "$good" '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"Reports_Whoami","arguments":{}}}' "$session")
echo "whoami: $(tail -1 <<<"$r")"
grep -q '"structuredContent":{"result":"alice"}' <<<"$r" || fail "Whoami: $r"
read_report='{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"Reports_ReadReport","arguments":{"quarter":"2026-Q3"}}}'
r=$(post "$good" "$read_report" "$session")
grep -q 'Revenue for 2026-Q3: 42' <<<"$r" || fail "read_report with the scope: $r"

# 4. Step-up: a token without reports:read gets 403 naming the scope it needs.
r=$(post "$narrow" "$read_report" "$session")
grep -q '^HTTP/1.1 403' <<<"$r" || fail "insufficient scope: $r"
grep -i '^www-authenticate' <<<"$r" | grep 'error="insufficient_scope"' | grep -q 'scope="reports:read"' ||
  fail "insufficient scope, challenge: $r"

echo stop >&3
exec 3>&-
for _ in $(seq 100); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "example did not stop within 10 s"
wait "$pid" || fail "example exited with $?"
grep -qx stopped "$dir/out"
echo "front_door_auth example: OK"
