#!/usr/bin/env bash
# Scale-out rehearsal: three arcade-eval-ref processes behind nginx (Debian package) on loopback,
# configured like the ingress in deploy/k8s (see docs/deploy.md, "Sessions or stateless").
#
#   usage: deploy/scale-out/test.sh path/to/arcade-eval-ref [path/to/conformance-server]
#
#   a1  sessions, nginx `hash $http_mcp_session_id consistent` (the naive header affinity):
#       measured and reported, not asserted -- `initialize` carries no session id, so the replica
#       that creates a session is chosen without it (nginx round-robins an empty key; ingress-nginx's
#       chash sends every empty key to one fixed pod), and its later requests go to hash(session
#       id), usually another replica: 404 unknown session.
#   a2  sessions, nginx `hash $remote_addr consistent` (client-address affinity, what the /mcp
#       Ingress of overlays/example does): clients from 127.0.0.2..127.0.0.7, each a full MCP
#       session (initialize, notifications/initialized, 5 tools/call Add, DELETE) through the
#       balancer; every answer right, every request of a session on one replica.
#   c   worker calls (/worker/tools/invoke, HS256 token minted here with openssl) round-robin:
#       each replica serves some, every answer right.
#   b   stateless (backends restarted with ARCADE_SERVER_STATELESS=true), round-robin /mcp:
#       tools/call without initialize or session, every answer right, all replicas used; then
#       (b2) the same with MCP 2026-07-28 requests (revision in _meta, resultType complete).
#   d   stateless, three clients send worker calls while one replica gets SIGKILL; nginx passes
#       refused connections to the next upstream (proxy_next_upstream, as ingress-nginx does by
#       default) and a client retries a failed call with the same execution_id like the engine;
#       every execution_id must be answered exactly once with the right value.
#   e   MCP tasks across replicas (docs/tasks.md), only with the second argument: redis-server
#       (no persistence) and three conformance-server replicas sharing it (ARCADE_TASK_STORE,
#       ARCADE_TASK_STALE_SECONDS=3), nginx round-robin in front; 2026-07-28 requests with the
#       io.modelcontextprotocol/tasks extension, sent straight to a replica or through nginx.
#       e1  slow_compute tasks made on one replica, polled with tasks/get on the other two and
#           through nginx until completed with the right text;
#       e2  confirm_delete made on A: input_required (elicitation/create) seen on B, answered with
#           tasks/update on C, completed on A;
#       e3  a 60 s task made on A, tasks/cancel on B: cancelled on every replica at once;
#       e4  a 60 s task made on A, A gets SIGKILL: B shows it failed within the stale time plus a
#           margin (never working forever); A restarted on its port;
#       e5  redis-server stopped: task requests get -32603 (task store) while a plain call still
#           answers; restarted on its port: new tasks are made and complete (the servers reconnect).
#
# Needs: nginx (installed from Debian with apt-get when missing: root or sudo), curl, openssl,
# jq, and for e redis-server (Debian package, installed the same way). Binds 127.0.0.1 only;
# every wait is bounded; everything started is stopped by PID.
set -euo pipefail

BIN=${1:?usage: $0 path/to/arcade-eval-ref [path/to/conformance-server]}
[ -x "$BIN" ] || { echo "not executable: $BIN" >&2; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
CONF_BIN=${2:-}                        # part e (tasks across replicas) runs only with it
if [ -n "$CONF_BIN" ]; then
  [ -x "$CONF_BIN" ] || { echo "not executable: $CONF_BIN" >&2; exit 2; }
  CONF_BIN=$(cd "$(dirname "$CONF_BIN")" && pwd)/$(basename "$CONF_BIN")
fi
HOST_NAME=arcade-eval-ref.st.dev       # the ingress host, as in overlays/example
SECRET="scale-out-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
start_time=$(date +%s)

need_pkgs=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_pkgs+=(nginx-light)
for c in curl openssl jq; do command -v "$c" >/dev/null 2>&1 || need_pkgs+=("$c"); done
if [ -n "$CONF_BIN" ]; then
  command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || need_pkgs+=(redis-server)
fi
if ((${#need_pkgs[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${need_pkgs[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
REDIS_SERVER=$(command -v redis-server || echo /usr/bin/redis-server)
REDIS_CLI=$(command -v redis-cli || echo /usr/bin/redis-cli)

WORK=$(mktemp -d /tmp/arcade-scale-out.XXXXXX)
chmod 755 "$WORK"
BACKEND_PIDS=()
NGINX_PID=""
REDIS_PID=""
CLIENT_PIDS=()

stop_pid() {  # stop_pid PID: TERM, wait up to 5 s, then KILL
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
stop_backends() {
  local p
  for p in "${BACKEND_PIDS[@]}"; do stop_pid "$p"; done
  BACKEND_PIDS=()
}
stop_nginx() { [ -z "$NGINX_PID" ] || stop_pid "$NGINX_PID"; NGINX_PID=""; }
stop_redis() { [ -z "$REDIS_PID" ] || stop_pid "$REDIS_PID"; REDIS_PID=""; }
cleanup() {
  local rc=$? p
  for p in "${CLIENT_PIDS[@]}"; do stop_pid "$p"; done
  stop_nginx
  stop_backends
  stop_redis
  if [ "$rc" -ne 0 ]; then
    echo "--- FAILED (exit $rc); logs in $WORK:" >&2
    for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "== $f" >&2; tail -n 15 "$f" >&2; }; done
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }

# ---- token: HS256 JWT {"aud":"worker","ver":"1","iat","exp"} minted with openssl ------------------
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
mint_token() {
  local now header payload sig
  now=$(date +%s)
  header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
  payload=$(printf '{"aud":"worker","ver":"1","iat":%d,"exp":%d}' "$now" "$((now + 600))" | b64url)
  sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$SECRET" -binary | b64url)
  printf '%s.%s.%s' "$header" "$payload" "$sig"
}
TOKEN=$(mint_token)

# ---- backends ---------------------------------------------------------------------------------------
PORTS=()
start_backends() {  # start_backends STATELESS(true|false)
  local stateless=$1 i log port
  PORTS=()
  for i in 1 2 3; do
    log="$WORK/backend$i-$([ "$stateless" = true ] && echo stateless || echo sessions).log"
    ARCADE_SERVER_TRANSPORT=http ARCADE_SERVER_HOST=127.0.0.1 ARCADE_SERVER_PORT=0 \
      ARCADE_WORKER_SECRET="$SECRET" ARCADE_SERVER_STATELESS="$stateless" \
      ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN=2 MCP_TRANSPORT_ALLOWED_HOSTS="$HOST_NAME" \
      "$BIN" </dev/null 2>"$log" &
    BACKEND_PIDS+=($!)
  done
  for i in 1 2 3; do
    log="$WORK/backend$i-$([ "$stateless" = true ] && echo stateless || echo sessions).log"
    port=""
    for _ in $(seq 100); do
      port=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\)/mcp.*#\1#p' "$log" | head -n1)
      [ -n "$port" ] && break
      kill -0 "${BACKEND_PIDS[$((i - 1))]}" 2>/dev/null || fail "backend $i exited: $(cat "$log")"
      sleep 0.1
    done
    [ -n "$port" ] || fail "backend $i did not print its port within 10 s"
    PORTS+=("$port")
  done
  echo "backends (stateless=$stateless): ports ${PORTS[*]}, pids ${BACKEND_PIDS[*]}"
}

# ---- nginx ------------------------------------------------------------------------------------------
NGINX_PORT=""
start_nginx() {  # start_nginx MCP_BALANCING_DIRECTIVE (e.g. "hash $remote_addr consistent;" or "")
  local mcp_balance=$1 attempt port p servers="" ok
  for p in "${PORTS[@]}"; do servers+="    server 127.0.0.1:$p max_fails=1 fail_timeout=10s;"$'\n'; done
  mkdir -p "$WORK/nginx"
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 512; }
http {
  log_format upstreams '\$remote_addr "\$request" \$status up=\$upstream_addr us=\$upstream_status sid=\$http_mcp_session_id';
  access_log $WORK/nginx-access.log upstreams;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;

  # /mcp: the balancing under test (ingress-nginx: upstream-hash-by on the /mcp Ingress).
  upstream mcp {
    $mcp_balance
$servers    keepalive 16;
  }
  # /worker: round-robin (the /worker Ingress has no affinity: the engine sends no session).
  upstream worker {
$servers    keepalive 16;
  }
  server {
    listen 127.0.0.1:$port;
    server_name $HOST_NAME;
    client_max_body_size 1m;           # ARCADE_SERVER_MAX_BODY_BYTES
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host \$host;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto http;
    proxy_buffering off;               # SSE answers stream through
    proxy_connect_timeout 2s;
    proxy_read_timeout 30s;
    # ingress-nginx defaults: retry the next upstream on connect errors and timeouts, at most
    # 3 tries; a POST already sent to a replica is not resent (non_idempotent not set).
    proxy_next_upstream error timeout;
    proxy_next_upstream_tries 3;
    add_header X-Upstream \$upstream_addr always;
    location /mcp { proxy_pass http://mcp; }
    location /worker/ { proxy_pass http://worker; }
  }
}
EOF
    "$NGINX" -e "$WORK/nginx-error.log" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -t >"$WORK/nginx-t.log" 2>&1 \
      || fail "nginx -t: $(cat "$WORK/nginx-t.log")"
    "$NGINX" -e "$WORK/nginx-error.log" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' \
      </dev/null >>"$WORK/nginx-stdout.log" 2>&1 &
    NGINX_PID=$!
    ok=""
    for _ in $(seq 50); do
      if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then ok=1; break; fi
      kill -0 "$NGINX_PID" 2>/dev/null || break
      sleep 0.1
    done
    if [ -n "$ok" ]; then NGINX_PORT=$port; echo "nginx on 127.0.0.1:$port (/mcp: ${mcp_balance:-round-robin})"; return 0; fi
    stop_nginx   # port taken or slow start: try another port
  done
  fail "nginx did not start (see $WORK/nginx-error.log)"
}

# ---- HTTP helpers -----------------------------------------------------------------------------------
# post_mcp FROM_ADDR SESSION BODY -> sets STATUS, SID_OUT, UPSTREAM, BODY_OUT
post_mcp() {
  local from=$1 sid=$2 body=$3 hdr="$WORK/h.$$" out="$WORK/b.$$"
  local args=(-s --max-time 10 --interface "$from" -o "$out" -D "$hdr" -w '%{http_code}'
              -H "Host: $HOST_NAME" -H 'Content-Type: application/json'
              -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2025-06-18')
  [ -n "$sid" ] && args+=(-H "Mcp-Session-Id: $sid")
  STATUS=$(curl "${args[@]}" --data-binary "$body" "http://127.0.0.1:$NGINX_PORT/mcp" || echo 000)
  SID_OUT=$(tr -d '\r' <"$hdr" 2>/dev/null | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: *//p' | tail -n1)
  UPSTREAM=$(tr -d '\r' <"$hdr" 2>/dev/null | sed -n 's/^[Xx]-[Uu]pstream: *//p' | tail -n1)
  BODY_OUT=$(cat "$out" 2>/dev/null || true)
  # An SSE answer carries the JSON-RPC message on a data: line.
  case "$BODY_OUT" in event:*|data:*|:*) BODY_OUT=$(printf '%s\n' "$BODY_OUT" | sed -n 's/^data: *//p' | tail -n1) ;; esac
  rm -f "$hdr" "$out"
}
# post_modern BODY NAME: an MCP 2026-07-28 request (no session; revision in the header and _meta).
post_modern() {
  local body=$1 name=$2 hdr="$WORK/h.$$" out="$WORK/b.$$"
  STATUS=$(curl -s --max-time 10 -o "$out" -D "$hdr" -w '%{http_code}' -H "Host: $HOST_NAME" -H 'Content-Type: application/json' \
                -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2026-07-28' \
                -H 'Mcp-Method: tools/call' -H "Mcp-Name: $name" --data-binary "$body" "http://127.0.0.1:$NGINX_PORT/mcp" || echo 000)
  SID_OUT=$(tr -d '\r' <"$hdr" 2>/dev/null | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: *//p' | tail -n1)
  UPSTREAM=$(tr -d '\r' <"$hdr" 2>/dev/null | sed -n 's/^[Xx]-[Uu]pstream: *//p' | tail -n1)
  BODY_OUT=$(cat "$out" 2>/dev/null || true)
  rm -f "$hdr" "$out"
}
modern_add_call() {
  printf '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"ArcadeEvalRef_Add","arguments":{"a":%d,"b":%d},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}' "$1" "$2" "$3"
}
INIT='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"scale-out","version":"1"}}}'
INITIALIZED='{"jsonrpc":"2.0","method":"notifications/initialized"}'
add_call() { printf '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"ArcadeEvalRef_Add","arguments":{"a":%d,"b":%d}}}' "$1" "$2" "$3"; }
add_result() { printf '%s' "$1" | jq -r '.result.structuredContent.result // (.result.content[0].text // empty)' 2>/dev/null; }

# run_session FROM_ADDR -> 0 when every step worked; prints one line
run_session() {
  local from=$1 sid first_up ups i a b want got bad=""
  post_mcp "$from" "" "$INIT"
  [ "$STATUS" = 200 ] || { echo "  $from: initialize -> $STATUS"; return 1; }
  sid=$SID_OUT; first_up=$UPSTREAM
  [ -n "$sid" ] || { echo "  $from: initialize gave no Mcp-Session-Id"; return 1; }
  ups="$UPSTREAM"
  post_mcp "$from" "$sid" "$INITIALIZED"
  [ "$STATUS" = 202 ] || bad+=" initialized->$STATUS@$UPSTREAM"
  ups+=" $UPSTREAM"
  for i in 1 2 3 4 5; do
    a=$((RANDOM % 1000)); b=$((RANDOM % 1000)); want=$((a + b))
    post_mcp "$from" "$sid" "$(add_call "$i" "$a" "$b")"
    ups+=" $UPSTREAM"
    got=$(add_result "$BODY_OUT")
    [ "$STATUS" = 200 ] && [ "$got" = "$want" ] || bad+=" call$i->$STATUS@$UPSTREAM(${got:-no result})"
  done
  curl -s -o /dev/null --max-time 5 --interface "$from" -X DELETE -H "Host: $HOST_NAME" -H "Mcp-Session-Id: $sid" \
    "http://127.0.0.1:$NGINX_PORT/mcp" || true
  if [ -n "$bad" ]; then
    echo "  $from: session created on $first_up, then:$bad"
    return 1
  fi
  local distinct; distinct=$(tr ' ' '\n' <<<"$ups" | sort -u | grep -c . || true)
  [ "$distinct" = 1 ] || { echo "  $from: requests of one session went to $distinct replicas: $ups"; return 1; }
  echo "  $from: session on $first_up: initialize, initialized, 5 x Add all right"
  SESSION_UPSTREAMS+=("$first_up")
  return 0
}

# invoke_add EXEC_ID A B -> sets STATUS, BODY_OUT, UPSTREAM (one attempt)
invoke_add() {
  local hdr="$WORK/wh.$BASHPID" out="$WORK/wb.$BASHPID"
  STATUS=$(curl -s --max-time 10 -o "$out" -D "$hdr" -w '%{http_code}' -H "Host: $HOST_NAME" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "$(printf '{"run_id":"scale-out","execution_id":"%s","created_at":"2026-01-01T00:00:00Z","tool":{"name":"Add","toolkit":"ArcadeEvalRef","version":null},"inputs":{"a":%d,"b":%d},"context":{"authorization":null,"secrets":[],"metadata":[],"user_id":"scale-out"}}' "$1" "$2" "$3")" \
    "http://127.0.0.1:$NGINX_PORT/worker/tools/invoke" || echo 000)
  UPSTREAM=$(tr -d '\r' <"$hdr" 2>/dev/null | sed -n 's/^[Xx]-[Uu]pstream: *//p' | tail -n1)
  BODY_OUT=$(cat "$out" 2>/dev/null || true)
  rm -f "$hdr" "$out"
}
invoke_ok() {  # invoke_ok EXEC_ID WANT: the last answer is a success for this id with this value
  [ "$STATUS" = 200 ] && [ "$(printf '%s' "$BODY_OUT" | jq -r 'select(.success == true and .execution_id == "'"$1"'") | .output.value' 2>/dev/null)" = "$2" ]
}

SUMMARY=()

# ==== a: sessions ====================================================================================
start_backends false

echo "== a1: sessions behind 'hash \$http_mcp_session_id consistent' (naive header affinity; measured, not asserted)"
start_nginx 'hash $http_mcp_session_id consistent;'
SESSION_UPSTREAMS=()
a1_ok=0
for n in 2 3 4 5 6 7; do
  if run_session "127.0.0.$n"; then a1_ok=$((a1_ok + 1)); fi
done
SUMMARY+=("a1 header-hash affinity: $a1_ok/6 sessions survived (initialize has no Mcp-Session-Id to hash; later requests hash to another replica: the pitfall in docs/deploy.md)")
stop_nginx

echo "== a2: sessions behind 'hash \$remote_addr consistent' (client-address affinity, overlays/example /mcp)"
start_nginx 'hash $remote_addr consistent;'
SESSION_UPSTREAMS=()
a2_ok=0
for n in 2 3 4 5 6 7; do
  run_session "127.0.0.$n" && a2_ok=$((a2_ok + 1))
done
[ "$a2_ok" = 6 ] || fail "a2: only $a2_ok/6 sessions worked through the balancer"
a2_spread=$(printf '%s\n' "${SESSION_UPSTREAMS[@]}" | sort -u | grep -c .)
SUMMARY+=("a2 client-address affinity: 6/6 sessions (7 requests each, all on one replica), spread over $a2_spread replica(s)")

echo "== c: worker calls, round-robin, on every replica"
c_ok=0; declare -A c_seen=()
for i in $(seq 1 30); do
  a=$((RANDOM % 1000)); b=$((RANDOM % 1000))
  invoke_add "c-$i" "$a" "$b"
  invoke_ok "c-$i" "$((a + b))" || fail "c: worker call c-$i -> $STATUS $BODY_OUT"
  c_ok=$((c_ok + 1)); c_seen[$UPSTREAM]=1
done
[ "${#c_seen[@]}" = 3 ] || fail "c: worker calls reached ${#c_seen[@]} replica(s), expected 3: ${!c_seen[*]}"
SUMMARY+=("c worker calls: $c_ok/30 right, served by all 3 replicas")
stop_nginx
stop_backends

# ==== b: stateless ===================================================================================
start_backends true
start_nginx ''
echo "== b: stateless, round-robin, tools/call without a session"
b_ok=0; declare -A b_seen=()
for i in $(seq 1 15); do
  a=$((RANDOM % 1000)); b=$((RANDOM % 1000))
  post_mcp 127.0.0.1 "" "$(add_call "$i" "$a" "$b")"
  got=$(add_result "$BODY_OUT")
  [ "$STATUS" = 200 ] && [ "$got" = "$((a + b))" ] || fail "b: call $i -> $STATUS ${BODY_OUT:0:200}"
  [ -z "$SID_OUT" ] || fail "b: stateless answer carried Mcp-Session-Id"
  b_ok=$((b_ok + 1)); b_seen[$UPSTREAM]=1
done
post_mcp 127.0.0.1 "" "$INIT"
[ "$STATUS" = 200 ] || fail "b: stateless initialize -> $STATUS"
[ "${#b_seen[@]}" = 3 ] || fail "b: calls reached ${#b_seen[@]} replica(s), expected 3"
SUMMARY+=("b stateless: $b_ok/15 tools/call Add right without a session, on all 3 replicas; initialize 200 without Mcp-Session-Id")
echo "== b2: MCP 2026-07-28 tools/call, round-robin (the revision has no sessions)"
m_ok=0; declare -A m_seen=()
for i in $(seq 1 15); do
  a=$((RANDOM % 1000)); b=$((RANDOM % 1000))
  post_modern "$(modern_add_call "$i" "$a" "$b")" ArcadeEvalRef_Add
  got=$(add_result "$BODY_OUT")
  kind=$(printf '%s' "$BODY_OUT" | jq -r '.result.resultType // empty' 2>/dev/null)
  [ "$STATUS" = 200 ] && [ "$got" = "$((a + b))" ] && [ "$kind" = complete ] || fail "b2: call $i -> $STATUS ${BODY_OUT:0:200}"
  [ -z "$SID_OUT" ] || fail "b2: a 2026-07-28 answer carried Mcp-Session-Id"
  m_ok=$((m_ok + 1)); m_seen[$UPSTREAM]=1
done
[ "${#m_seen[@]}" = 3 ] || fail "b2: calls reached ${#m_seen[@]} replica(s), expected 3"
SUMMARY+=("b2 2026-07-28: $m_ok/15 tools/call Add right (resultType complete, no session id), on all 3 replicas")

# ==== d: kill one replica under worker traffic =====================================================
echo "== d: 3 clients x 40 worker calls; SIGKILL replica 2 (port ${PORTS[1]}) mid-run; client retries like the engine"
client() {  # client N: 40 calls, up to 5 attempts each with the same execution_id; one result line per id
  local n=$1 i a b want attempt answered
  for i in $(seq 1 40); do
    a=$((RANDOM % 1000)); b=$((RANDOM % 1000)); want=$((a + b)); answered=""
    for attempt in 1 2 3 4 5; do
      invoke_add "d-$n-$i" "$a" "$b"
      if invoke_ok "d-$n-$i" "$want"; then
        echo "d-$n-$i $want $(printf '%s' "$BODY_OUT" | jq -r .output.value) attempt=$attempt up=$UPSTREAM" >>"$WORK/d-answers-$n.txt"
        answered=1; break
      fi
      echo "d-$n-$i attempt=$attempt status=$STATUS up=$UPSTREAM" >>"$WORK/d-retries.txt"
      sleep 0.2
    done
    [ -n "$answered" ] || echo "d-$n-$i LOST" >>"$WORK/d-answers-$n.txt"
    sleep 0.02
  done
}
: >"$WORK/d-retries.txt"
for n in 1 2 3; do client "$n" & CLIENT_PIDS+=($!); done
# Kill once the clients are well under way (at least 30 answers), bounded at 10 s.
for _ in $(seq 100); do
  [ "$(cat "$WORK"/d-answers-*.txt 2>/dev/null | wc -l)" -ge 30 ] && break
  sleep 0.1
done
before_kill=$(cat "$WORK"/d-answers-*.txt 2>/dev/null | wc -l)
{ kill -KILL "${BACKEND_PIDS[1]}"; wait "${BACKEND_PIDS[1]}"; } 2>/dev/null || true
echo "   SIGKILL sent to replica 2 after $before_kill answers"
deadline=$(( $(date +%s) + 120 ))
for p in "${CLIENT_PIDS[@]}"; do
  while kill -0 "$p" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "d: clients still running after 120 s"
    sleep 0.2
  done
  wait "$p" || true
done
CLIENT_PIDS=()
cat "$WORK"/d-answers-*.txt >"$WORK/d-all.txt"
total=$(wc -l <"$WORK/d-all.txt")
lost=$(grep -c LOST "$WORK/d-all.txt" || true)
dups=$(awk '{print $1}' "$WORK/d-all.txt" | sort | uniq -d | wc -l)
wrong=$(awk '$2 != $3 && $2 != "LOST"' "$WORK/d-all.txt" | wc -l)
retried=$(awk '{print $1}' "$WORK/d-retries.txt" | sort -u | grep -c . || true)
nginx_next=$(grep -c "us=[0-9]*, " "$WORK/nginx-access.log" || true)
echo "   $total ids answered, $lost lost, $dups answered twice, $wrong wrong; $retried id(s) retried by the client; nginx passed $nginx_next request(s) to a next upstream"
[ "$total" = 120 ] || fail "d: expected 120 execution ids, got $total"
[ "$lost" = 0 ] || fail "d: $lost call(s) lost: $(grep LOST "$WORK/d-all.txt" | head -5 | tr '\n' ' ')"
[ "$dups" = 0 ] || fail "d: $dups execution id(s) answered twice"
[ "$wrong" = 0 ] || fail "d: $wrong wrong value(s)"
survivors=0
for i in 0 2; do kill -0 "${BACKEND_PIDS[$i]}" 2>/dev/null && survivors=$((survivors + 1)); done
[ "$survivors" = 2 ] || fail "d: a surviving replica died"
SUMMARY+=("d replica killed under load: 120/120 execution ids answered exactly once with the right value; $retried retried by the client, $nginx_next passed on by nginx (proxy_next_upstream)")

stop_nginx
stop_backends
parts_run=4

# ==== e: MCP tasks across replicas, Redis task store ==============================================
now_ms() { date +%s%3N; }
since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%d s' $((ms / 1000)) $(((ms % 1000) / 100)); }

# start_redis [PORT]: redis-server on 127.0.0.1:PORT (else a free port), no persistence; REDIS_PORT
REDIS_PORT=""
start_redis() {
  local want=${1:-} attempt port ok pid
  mkdir -p "$WORK/redis"
  for attempt in 1 2 3 4 5; do
    port=${want:-$((20000 + RANDOM % 30000))}
    "$REDIS_SERVER" --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$WORK/redis" \
      --daemonize no --logfile "" </dev/null >>"$WORK/redis.log" 2>&1 &
    REDIS_PID=$!
    ok=""
    for _ in $(seq 50); do
      # The PID check: a PONG from another redis already on this port does not count.
      pid=$("$REDIS_CLI" -h 127.0.0.1 -p "$port" info server 2>/dev/null | tr -d '\r' \
              | sed -n 's/^process_id://p' || true)
      if [ "$pid" = "$REDIS_PID" ]; then ok=1; break; fi
      kill -0 "$REDIS_PID" 2>/dev/null || break
      sleep 0.1
    done
    if [ -n "$ok" ]; then REDIS_PORT=$port; echo "redis-server on 127.0.0.1:$port, pid $REDIS_PID"; return 0; fi
    stop_redis   # port taken or slow start
    [ -z "$want" ] || sleep 1   # the same port again: give it a moment
  done
  fail "redis-server did not start (see $WORK/redis.log)"
}

# start_task_replica I PORT: conformance-server replica I (1..3) with the Redis task store on PORT
# (0: a free one); sets BACKEND_PIDS[I-1] and PORTS[I-1].
TASK_STATE_SECRET="state-$SECRET"
start_task_replica() {
  local i=$1 want=$2 log port=""
  log="$WORK/tasks-replica$i.log"
  [ -e "$log" ] && log="$WORK/tasks-replica$i-restarted.log"
  ARCADE_SERVER_TRANSPORT=http ARCADE_SERVER_HOST=127.0.0.1 ARCADE_SERVER_PORT="$want" \
    ARCADE_TASK_STORE="redis://127.0.0.1:$REDIS_PORT/0" ARCADE_TASK_STALE_SECONDS=3 \
    MCP_REQUEST_STATE_SECRET="$TASK_STATE_SECRET" ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN=2 \
    MCP_TRANSPORT_ALLOWED_HOSTS="$HOST_NAME" "$CONF_BIN" </dev/null 2>"$log" &
  BACKEND_PIDS[$((i - 1))]=$!
  for _ in $(seq 100); do
    port=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\)/mcp.*#\1#p' "$log" | head -n1)
    [ -n "$port" ] && break
    kill -0 "${BACKEND_PIDS[$((i - 1))]}" 2>/dev/null || fail "task replica $i exited: $(cat "$log")"
    sleep 0.1
  done
  [ -n "$port" ] || fail "task replica $i did not print its port within 10 s"
  PORTS[$((i - 1))]=$port
}

# post_rpc PORT METHOD NAME BODY: a 2026-07-28 request to 127.0.0.1:PORT (a replica, or nginx with
# the ingress Host) with the routing headers -> STATUS, UPSTREAM, BODY_OUT (the JSON-RPC message),
# LAST_EXCHANGE (request and answer, for failure messages).
post_rpc() {
  local port=$1 method=$2 name=$3 body=$4 hdr="$WORK/h.$$" out="$WORK/b.$$" host="127.0.0.1:$1" via=""
  if [ "$port" = "$NGINX_PORT" ]; then host=$HOST_NAME; via=" (nginx)"; fi
  STATUS=$(curl -s --max-time 10 -o "$out" -D "$hdr" -w '%{http_code}' -H "Host: $host" \
             -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
             -H 'MCP-Protocol-Version: 2026-07-28' -H "Mcp-Method: $method" -H "Mcp-Name: $name" \
             --data-binary "$body" "http://127.0.0.1:$port/mcp" || echo 000)
  UPSTREAM=$(tr -d '\r' <"$hdr" 2>/dev/null | sed -n 's/^[Xx]-[Uu]pstream: *//p' | tail -n1)
  BODY_OUT=$(cat "$out" 2>/dev/null || true)
  case "$BODY_OUT" in
    event:*|data:*|:*) BODY_OUT=$(printf '%s\n' "$BODY_OUT" | sed -n 's/^data: *//p' | tail -n1) ;;
  esac
  LAST_EXCHANGE="POST :$port$via/mcp Mcp-Method: $method"
  LAST_EXCHANGE+=" Mcp-Name: $name $body -> HTTP $STATUS${UPSTREAM:+ (upstream $UPSTREAM)} ${BODY_OUT:0:600}"
  rm -f "$hdr" "$out"
}
# Every request declares the tasks extension and elicitation (confirm_delete asks a question).
TASK_META='{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
  "io.modelcontextprotocol/clientCapabilities":{"elicitation":{},"extensions":{"io.modelcontextprotocol/tasks":{}}}}'
RPC_ID=0
# call_tool PORT TOOL ARGS_JSON -> post_rpc; TASK_ID (empty unless the answer is a task)
call_tool() {
  RPC_ID=$((RPC_ID + 1))
  post_rpc "$1" tools/call "$2" "$(jq -nc --argjson id "$RPC_ID" --arg name "$2" --argjson args "$3" \
    --argjson meta "$TASK_META" \
    '{jsonrpc:"2.0",id:$id,method:"tools/call",params:{name:$name,arguments:$args,_meta:$meta}}')"
  TASK_ID=$(jq -r 'select(.result.resultType == "task") | .result.taskId // empty' <<<"$BODY_OUT" 2>/dev/null || true)
}
# task_rpc PORT METHOD TASK_ID [EXTRA_PARAMS_JSON] -> post_rpc; TASK_STATUS (the status, error:CODE or none)
task_rpc() {
  local extra=${4:-'{}'}
  RPC_ID=$((RPC_ID + 1))
  post_rpc "$1" "$2" "$3" "$(jq -nc --argjson id "$RPC_ID" --arg m "$2" --arg t "$3" --argjson extra "$extra" \
    --argjson meta "$TASK_META" '{jsonrpc:"2.0",id:$id,method:$m,params:({taskId:$t} + $extra + {_meta:$meta})}')"
  TASK_STATUS=$(jq -r 'if .error then "error:\(.error.code)" else (.result.status // "none") end' \
                  <<<"$BODY_OUT" 2>/dev/null || echo unparsable)
}
# make_task PORT ARGS_JSON [TOOL]: a task on one replica, or the script fails
make_task() {
  call_tool "$1" "${3:-slow_compute}" "$2"
  [ "$STATUS" = 200 ] && [ -n "$TASK_ID" ] || fail "e: no task from :$1: $LAST_EXCHANGE"
}
# poll_task TASK_ID SECONDS "STATUSES" PORT...: tasks/get on each PORT in turn, 0.2 s apart, until the
# status is one of STATUSES -> 0 (TASK_STATUS), else 1 after SECONDS. A JSON-RPC error fails. Counts
# POLLS and SEEN_WORKING, and in POLLED_ON the replicas nginx passed polls to.
POLLS=0; SEEN_WORKING=0
poll_task() {
  local id=$1 secs=$2 stop=" $3 " deadline p
  shift 3
  deadline=$(( $(now_ms) + secs * 1000 ))
  while :; do
    for p in "$@"; do
      task_rpc "$p" tasks/get "$id"
      POLLS=$((POLLS + 1))
      case "$TASK_STATUS" in working|input_required|completed|failed|cancelled) ;;
        *) fail "e: tasks/get answered no task status: $LAST_EXCHANGE" ;; esac
      [ "$p" = "$NGINX_PORT" ] && [ -n "$UPSTREAM" ] && POLLED_ON[$UPSTREAM]=1
      [ "$TASK_STATUS" != working ] || SEEN_WORKING=$((SEEN_WORKING + 1))
      [[ "$stop" == *" $TASK_STATUS "* ]] && return 0
      [ "$(now_ms)" -lt "$deadline" ] || return 1
      sleep 0.2
    done
  done
}
task_text() { jq -r '.result.result.content[0].text // empty' <<<"$BODY_OUT" 2>/dev/null || true; }

if [ -z "$CONF_BIN" ]; then
  echo "== e: tasks across replicas with Redis: SKIPPED (no conformance-server path, the second argument)"
  SUMMARY+=("e tasks across replicas: skipped (give the conformance-server path as the second argument)")
else
  parts_run=5
  e_start=$(now_ms)
  start_redis
  PORTS=(); BACKEND_PIDS=()
  for i in 1 2 3; do start_task_replica "$i" 0; done
  echo "conformance-server replicas (ARCADE_TASK_STORE=redis://127.0.0.1:$REDIS_PORT/0): ports ${PORTS[*]}," \
       "pids ${BACKEND_PIDS[*]}"
  start_nginx ''
  A=${PORTS[0]}; B=${PORTS[1]}; C=${PORTS[2]}

  echo "== e1: a slow_compute task made on each replica, polled on the other two and through nginx"
  t0=$(now_ms); POLLS=0; declare -A POLLED_ON=()
  e1_ids=(); e1_working=()
  for i in 0 1 2; do   # one after the other, so that each is polled while it works
    make_task "${PORTS[$i]}" "{\"seconds\":2,\"label\":\"e1-$i\"}"
    [ "$(jq -r .result.status <<<"$BODY_OUT")" = working ] \
      || fail "e1: a 2 s task is not working at first: $LAST_EXCHANGE"
    e1_ids+=("$TASK_ID")
    others=(); for j in 0 1 2; do [ "$j" = "$i" ] || others+=("${PORTS[$j]}"); done
    SEEN_WORKING=0
    poll_task "${e1_ids[$i]}" 15 "completed failed cancelled" "${others[@]}" "$NGINX_PORT" \
      || fail "e1: task of replica $((i + 1)) not terminal within 15 s: $LAST_EXCHANGE"
    [ "$TASK_STATUS" = completed ] || fail "e1: task of replica $((i + 1)) ended $TASK_STATUS: $LAST_EXCHANGE"
    [ "$SEEN_WORKING" -gt 0 ] || fail "e1: the task of replica $((i + 1)) was never seen working elsewhere"
    e1_working+=("$SEEN_WORKING")
    for p in "${others[@]}" "$NGINX_PORT"; do   # the result, read everywhere but on its replica
      task_rpc "$p" tasks/get "${e1_ids[$i]}"
      [ "$TASK_STATUS" = completed ] && [ "$(task_text)" = "Computed e1-$i in 2 s" ] \
        || fail "e1: wrong answer for the task of replica $((i + 1)): $LAST_EXCHANGE"
    done
  done
  echo "   3 tasks completed, $POLLS tasks/get (working: ${e1_working[*]}); nginx passed polls to" \
       "${#POLLED_ON[@]} replica(s)"
  line="e1 tasks across replicas: 3/3 slow_compute tasks (one made on each replica) polled on the other two and"
  line+=" through nginx ($POLLS tasks/get, working ${e1_working[*]} times, nginx reaching ${#POLLED_ON[@]}"
  line+=" replica(s)): completed, right text everywhere"
  SUMMARY+=("$line ($(since "$t0"))")

  echo "== e2: confirm_delete made on A, input_required on B, tasks/update on C, completed on A"
  t0=$(now_ms)
  make_task "$A" '{"filename":"e2.txt"}' confirm_delete
  e2_id=$TASK_ID
  poll_task "$e2_id" 10 "input_required completed failed cancelled" "$B" \
    || fail "e2: not input_required on B within 10 s: $LAST_EXCHANGE"
  [ "$TASK_STATUS" = input_required ] || fail "e2: B shows $TASK_STATUS, expected input_required: $LAST_EXCHANGE"
  e2_key=$(jq -r '.result.inputRequests // {} | to_entries[] | select(.value.method == "elicitation/create") | .key' \
             <<<"$BODY_OUT" | head -n1)
  [ -n "$e2_key" ] || fail "e2: no elicitation/create in inputRequests on B: $LAST_EXCHANGE"
  task_rpc "$C" tasks/update "$e2_id" \
    "$(jq -nc --arg k "$e2_key" '{inputResponses:{($k):{action:"accept",content:{confirm:true}}}}')"
  [ "$STATUS" = 200 ] && [ "$(jq -r '.result.resultType // empty' <<<"$BODY_OUT")" = complete ] \
    || fail "e2: tasks/update on C: $LAST_EXCHANGE"
  poll_task "$e2_id" 10 "completed failed cancelled" "$A" || fail "e2: not terminal on A within 10 s: $LAST_EXCHANGE"
  [ "$TASK_STATUS" = completed ] && [ "$(task_text)" = "Deleted e2.txt" ] || fail "e2: on A: $LAST_EXCHANGE"
  line="e2 input across replicas: confirm_delete made on A; B showed input_required (elicitation/create, key"
  line+=" $e2_key); tasks/update on C accepted; completed on A with \"Deleted e2.txt\""
  SUMMARY+=("$line ($(since "$t0"))")

  echo "== e3: a 60 s task made on A, tasks/cancel on B"
  t0=$(now_ms)
  make_task "$A" '{"seconds":60,"label":"e3"}'
  e3_id=$TASK_ID
  poll_task "$e3_id" 5 working "$C" || fail "e3: not working on C: $LAST_EXCHANGE"
  task_rpc "$B" tasks/cancel "$e3_id"
  [ "$STATUS" = 200 ] && [ "$(jq -r '.result.resultType // empty' <<<"$BODY_OUT")" = complete ] \
    || fail "e3: tasks/cancel on B: $LAST_EXCHANGE"
  for p in "$A" "$B" "$C" "$NGINX_PORT"; do   # at once: no waiting between the cancel and these
    task_rpc "$p" tasks/get "$e3_id"
    [ "$TASK_STATUS" = cancelled ] || fail "e3: right after the cancel, tasks/get shows $TASK_STATUS: $LAST_EXCHANGE"
  done
  sleep 1.5   # A's handler notices the flag (polled every 250 ms) and returns; the status must stay
  task_rpc "$A" tasks/get "$e3_id"
  [ "$TASK_STATUS" = cancelled ] || fail "e3: 1.5 s after the cancel A shows $TASK_STATUS: $LAST_EXCHANGE"
  line="e3 cancel across replicas: 60 s task made on A, tasks/cancel on B; cancelled on A, B, C and nginx right"
  line+=" after, still cancelled on A 1.5 s later"
  SUMMARY+=("$line ($(since "$t0"))")

  echo "== e4: a 60 s task made on A, then SIGKILL to A; B must show it failed (stale after 3 s)"
  t0=$(now_ms)
  make_task "$A" '{"seconds":60,"label":"e4"}'
  e4_id=$TASK_ID
  poll_task "$e4_id" 5 working "$B" || fail "e4: not working on B: $LAST_EXCHANGE"
  sleep 1.2   # at least one heartbeat from A
  { kill -KILL "${BACKEND_PIDS[0]}"; wait "${BACKEND_PIDS[0]}"; } 2>/dev/null || true
  killed=$(now_ms)
  POLLS=0
  poll_task "$e4_id" 15 "completed failed cancelled" "$B" \
    || fail "e4: still $TASK_STATUS on B 15 s after A was killed (stale time 3 s): $LAST_EXCHANGE"
  e4_after=$(since "$killed"); e4_polls=$POLLS
  [ "$TASK_STATUS" = failed ] || fail "e4: B shows $TASK_STATUS, expected failed: $LAST_EXCHANGE"
  e4_msg=$(jq -r '.result.error.message // empty' <<<"$BODY_OUT")
  [ -n "$e4_msg" ] || fail "e4: failed without an error: $LAST_EXCHANGE"
  for p in "$C" "$NGINX_PORT"; do
    task_rpc "$p" tasks/get "$e4_id"
    [ "$TASK_STATUS" = failed ] || fail "e4: after B saw failed, tasks/get shows $TASK_STATUS: $LAST_EXCHANGE"
  done
  echo "   failed on B $e4_after after the SIGKILL ($e4_polls tasks/get): $e4_msg"
  start_task_replica 1 "$A"
  echo "   replica A restarted on port $A, pid ${BACKEND_PIDS[0]}"
  line="e4 replica killed mid-task: 60 s task made on A, A SIGKILLed; B showed failed $e4_after after the kill"
  line+=" (stale 3 s, $e4_polls polls; \"$e4_msg\"), C and nginx too; A restarted on its port"
  SUMMARY+=("$line ($(since "$t0"))")

  echo "== e5: redis-server stopped mid-run, then restarted on the same port"
  t0=$(now_ms)
  stop_redis
  t1=$(now_ms)
  task_rpc "$B" tasks/get "${e1_ids[0]}"
  e5_get_time=$(since "$t1")
  [ "$TASK_STATUS" = error:-32603 ] && jq -e '.error.message | test("task store"; "i")' <<<"$BODY_OUT" >/dev/null \
    || fail "e5: tasks/get with Redis down: $LAST_EXCHANGE"
  e5_get_msg=$(jq -r .error.message <<<"$BODY_OUT")
  call_tool "$C" slow_compute '{"seconds":1,"label":"e5-down"}'
  [ "$(jq -r '.error.code // empty' <<<"$BODY_OUT")" = -32603 ] \
    && jq -e '.error.message | test("task store"; "i")' <<<"$BODY_OUT" >/dev/null \
    || fail "e5: task-creating tools/call with Redis down: $LAST_EXCHANGE"
  for p in "$A" "$B" "$C" "$NGINX_PORT"; do
    call_tool "$p" greet '{"name":"scale-out"}'
    [ "$STATUS" = 200 ] && [ "$(jq -r '.result.content[0].text // empty' <<<"$BODY_OUT")" = "Hello, scale-out!" ] \
      || fail "e5: greet (a plain call) with Redis down: $LAST_EXCHANGE"
  done
  start_redis "$REDIS_PORT"
  t1=$(now_ms); e5_tries=()
  e5_ids=()
  for i in 0 1 2; do   # a new task on each replica; the first try should do, retried for up to 10 s
    tries=0
    while :; do
      tries=$((tries + 1))
      call_tool "${PORTS[$i]}" slow_compute "{\"seconds\":1,\"label\":\"e5-$i\"}"
      [ "$STATUS" = 200 ] && [ -n "$TASK_ID" ] && break
      [ $(( $(now_ms) - t1 )) -lt 10000 ] \
        || fail "e5: no task from replica $((i + 1)) 10 s after Redis restarted: $LAST_EXCHANGE"
      sleep 0.5
    done
    e5_tries+=("$tries"); e5_ids+=("$TASK_ID")
  done
  for i in 0 1 2; do
    poll_task "${e5_ids[$i]}" 15 "completed failed cancelled" "$NGINX_PORT" \
      || fail "e5: the task of replica $((i + 1)) not terminal within 15 s: $LAST_EXCHANGE"
    [ "$TASK_STATUS" = completed ] && [ "$(task_text)" = "Computed e5-$i in 1 s" ] \
      || fail "e5: the task of replica $((i + 1)) after the restart: $LAST_EXCHANGE"
  done
  line="e5 Redis restarted: with it down, tasks/get -32603 \"$e5_get_msg\" in $e5_get_time, task-creating"
  line+=" tools/call -32603, greet right on A, B, C and nginx; after the restart on port $REDIS_PORT a task made"
  line+=" on each replica (tries ${e5_tries[*]}) completed, polled through nginx"
  SUMMARY+=("$line ($(since "$t0"))")
  echo "   part e took $(since "$e_start")"
fi

echo
echo "== scale-out summary ($(( $(date +%s) - start_time )) s)"
for s in "${SUMMARY[@]}"; do echo "  $s"; done
if [ "$parts_run" = 5 ]; then echo "scale-out: 5 passed, 0 failed"
else echo "scale-out: 4 passed, 0 failed, 1 skipped (e: no conformance-server given)"; fi
