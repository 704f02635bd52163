#!/usr/bin/env bash
# Tests deploy/docker/Dockerfile on a Debian 12 machine without a container daemon and without
# pulling anything from a container registry:
#   1. makes the Debian 12 base image the Dockerfile names (debian:bookworm-slim) with
#      debootstrap from Debian's archive, caches the root file system as a tarball, and imports
#      it into a private buildah store under docker.io/library/debian:bookworm-slim;
#   2. builds the Dockerfile unmodified with buildah (vfs storage, chroot isolation, no pulls);
#      the build stage compiles and runs the unit tests;
#   3. checks the image's configuration and contents (entrypoint, user, port, environment, no
#      secret, no shell, no package manager) and prints its size;
#   4. runs the image's own entrypoint with `buildah run` on the host network and checks from
#      outside the container, with curl: /worker/health, /healthz, /worker/tools with and without a
#      minted HS256 token, an MCP initialize and a tools/call, and that the server process
#      runs as uid/gid 10001 without capabilities; then stops it with SIGTERM.
# Needs root (debootstrap, buildah's vfs store and chroot isolation). Installs buildah,
# debootstrap, curl, openssl, jq, iproute2, procps and file with apt-get when missing.
#
# Environment (all optional):
#   ARCADE_IMAGE_TEST_CACHE  cache directory (default ${XDG_CACHE_HOME:-$HOME/.cache}/arcade-mcp-cpp):
#                            debootstrap tarball, buildah store (layer cache), last-build.log
#   DEBIAN_MIRROR            debootstrap mirror (default http://deb.debian.org/debian)
#   BUILD_JOBS               passed as --build-arg BUILD_JOBS (Dockerfile default 2)
#   IMAGE_UNIT_TESTS         0: --build-arg RUN_UNIT_TESTS=0, the build skips the unit tests (default 1)
#   IMAGE_TEST_PORT          host port for the server (default 8000, or a free one if 8000 is taken)
#   ARCADE_IMAGE_TEST_STORE_LIMIT_GB  empty the buildah store first when it is larger (default 20)
#   KEEP_IMAGE=0             remove the built image (and dangling layers) at the end
# Exit status: 0 when every check passed, 1 otherwise.
set -euo pipefail

started=$(date +%s)
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"

log() { printf '[test-image %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { printf '[test-image %s] FAIL: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; exit 1; }
pass() { printf '[test-image %s]   ok: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
elapsed() { echo $(($(date +%s) - started)); }

[ "$(id -u)" -eq 0 ] || fail "run as root: debootstrap and buildah's vfs store with chroot isolation need it"

# ---- tools ------------------------------------------------------------------------------------
# shellcheck source=base-image.sh
. "$here/base-image.sh"
install_missing_tools buildah:buildah debootstrap:debootstrap curl:curl openssl:openssl jq:jq ss:iproute2 ps:procps file:file
private_buildah_store
image=arcade-eval-ref:test
base_ref=docker.io/library/debian:bookworm-slim

ctr=""
server_pid=""
run_pid=""
tmp=$(mktemp -d)
cleanup() {
  local rc=$?
  set +e
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid"; fi
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then kill -TERM "$run_pid"; sleep 1; kill -KILL "$run_pid" 2>/dev/null; fi
  [ -n "$run_pid" ] && wait "$run_pid" 2>/dev/null
  if [ -n "$ctr" ]; then "${bah[@]}" rm "$ctr" >/dev/null 2>&1 || log "could not remove container $ctr"; fi
  if [ "${KEEP_IMAGE:-1}" = 0 ]; then "${bah[@]}" rmi "$image" >/dev/null 2>&1; "${bah[@]}" rmi --prune >/dev/null 2>&1; fi
  rm -rf "$tmp"
  if [ "$rc" -eq 0 ]; then log "PASS in $(elapsed) s"; else log "FAILED (exit $rc) after $(elapsed) s"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# vfs copies the whole file system for every layer (about 3 GB per build of changed sources), and
# the layer cache keeps old builds: start over when the store outgrows the limit.
store_limit_gb=${ARCADE_IMAGE_TEST_STORE_LIMIT_GB:-20}
if [ -d "$cache/containers/storage" ]; then
  store_kb=$(du -sk "$cache/containers/storage" | cut -f1)
  if [ "$store_kb" -gt $((store_limit_gb * 1024 * 1024)) ]; then
    log "the buildah store holds $((store_kb / 1024 / 1024)) GB (limit $store_limit_gb GB): removing every image in it"
    "${bah[@]}" rm --all >/dev/null 2>&1 || true
    "${bah[@]}" rmi --all --force >/dev/null 2>&1 || true
  fi
fi

# ---- 1. base image: debian:bookworm-slim made with debootstrap --------------------------------
ensure_debian_base_image

# ---- 2. the image, from the unmodified Dockerfile ---------------------------------------------
log "buildah bud -f deploy/docker/Dockerfile -t $image . (compiles$([ "${IMAGE_UNIT_TESTS:-1}" = 0 ] || echo " and runs the unit tests"); slow on 2 cores)"
t0=$(date +%s)
build_args=()
build_log="$cache/last-build.log"
[ -n "${BUILD_JOBS:-}" ] && build_args+=(--build-arg "BUILD_JOBS=$BUILD_JOBS")
[ "${IMAGE_UNIT_TESTS:-1}" = 0 ] && build_args+=(--build-arg "RUN_UNIT_TESTS=0")
if ! "${bah[@]}" bud --isolation chroot --pull=never --layers "${build_args[@]}" \
      -f deploy/docker/Dockerfile -t "$image" . 2>&1 | while IFS= read -r line; do printf '%(%H:%M:%S)T %s\n' -1 "$line"; done > "$build_log"; then
  tail -60 "$build_log" >&2
  fail "image build failed (whole log: $build_log)"
fi
build_s=$(($(date +%s) - t0))
grep -E '^[0-9:]+ \[  (PASSED|FAILED) +\]|tests? from .* ran' "$build_log" | cut -d' ' -f2- | sed 's/^/    unit tests: /' || true
if [ "${IMAGE_UNIT_TESTS:-1}" = 0 ]; then
  log "unit tests skipped in the image build (IMAGE_UNIT_TESTS=0)"
else
  grep -q '^[0-9:]* \[  PASSED  \]' "$build_log" || log "unit tests not run: their layer came from the cache (sources unchanged since a passing build)"
fi
pass "image built in $build_s s"

# ---- 3. configuration, contents, size ---------------------------------------------------------
cfg=$("${bah[@]}" inspect --type image "$image")
entrypoint_json=$(jq -c '.OCIv1.config.Entrypoint' <<<"$cfg")
[ "$entrypoint_json" = '["/usr/local/bin/arcade-eval-ref"]' ] || fail "entrypoint is $entrypoint_json"
user=$(jq -r '.OCIv1.config.User' <<<"$cfg")
[ "$user" = "10001:10001" ] || fail "user is '$user', want 10001:10001"
jq -e '.OCIv1.config.ExposedPorts | has("8000/tcp")' <<<"$cfg" >/dev/null || fail "port 8000/tcp not exposed"
for kv in ARCADE_SERVER_TRANSPORT=http ARCADE_SERVER_HOST=0.0.0.0 ARCADE_SERVER_PORT=8000; do
  jq -e --arg kv "$kv" '.OCIv1.config.Env | index($kv)' <<<"$cfg" >/dev/null || fail "image env lacks $kv"
done
if grep -q ARCADE_WORKER_SECRET <<<"$cfg"; then fail "ARCADE_WORKER_SECRET appears in the image configuration or history"; fi
pass "config: entrypoint $entrypoint_json, user $user, port 8000/tcp, transport/host/port env, no secret"

ctr=$("${bah[@]}" from --pull=never --name "arcade-eval-ref-test-$$" "$image")
mnt=$("${bah[@]}" mount "$ctr")
files=$(cd "$mnt" && find . -mindepth 1 \( -type f -o -type l \) | sort)
for forbidden in bin/sh usr/bin/sh bin/bash usr/bin/bash bin/busybox usr/bin/apt-get usr/bin/dpkg usr/bin/gcc usr/bin/g++; do
  if [ -e "$mnt/$forbidden" ] || [ -L "$mnt/$forbidden" ]; then fail "image contains /$forbidden"; fi
done
bin_kind=$(file -b "$mnt/usr/local/bin/arcade-eval-ref")
grep -q ', stripped' <<<"$bin_kind" || fail "binary is not stripped: $bin_kind"
[ "$(stat -c %a "$mnt/tmp")" = 1777 ] || fail "/tmp is not mode 1777"
grep -q '^app:x:10001:10001:' "$mnt/etc/passwd" || fail "/etc/passwd lacks uid 10001"
[ -s "$mnt/etc/ssl/certs/ca-certificates.crt" ] || fail "no CA bundle at /etc/ssl/certs/ca-certificates.crt (JWKS over https)"
log "image files ($(wc -l <<<"$files")):"
(cd "$mnt" && find . -mindepth 1 \( -type f -o -type l \) -printf '%10s  /%P\n' | sort -k2) | sed 's/^/    /'
content_bytes=$(du -sb "$mnt" | cut -f1)
"${bah[@]}" umount "$ctr" >/dev/null
pass "no shell, no package manager, no compiler; binary stripped; /tmp 1777; passwd has uid 10001; CA bundle"

size_h=$("${bah[@]}" images --format '{{.Size}}' "$image" | head -1)
# Exact sizes: `docker save` form (uncompressed layer tar + config) and the gzip layer a registry stores.
"${bah[@]}" push --quiet "$image" "docker-archive:$tmp/image.tar:$image" >/dev/null \
  || fail "could not export the image with buildah push docker-archive:"
size_b=$(stat -c %s "$tmp/image.tar")
"${bah[@]}" push --quiet --compression-format gzip "$image" "oci:$tmp/oci:test" >/dev/null \
  || fail "could not export the image with buildah push oci:"
manifest=$(jq -r '.manifests[0].digest' "$tmp/oci/index.json" | cut -d: -f2)
gz_b=$(jq '[.layers[].size] | add' "$tmp/oci/blobs/sha256/$manifest")
rm -rf "$tmp/image.tar" "$tmp/oci"
log "runtime image $image: $size_h per buildah images; $size_b bytes saved uncompressed (files $content_bytes bytes); $gz_b bytes gzip-compressed in a registry"
[ "$size_b" -lt $((30 * 1000 * 1000)) ] || fail "runtime image is $size_b bytes, not under 30 MB"
pass "runtime image under 30 MB"

# ---- 4. run the image's entrypoint, check from outside ----------------------------------------
port=${IMAGE_TEST_PORT:-8000}
port_taken() { ss -Hltn "sport = :$1" | grep -q .; }
if port_taken "$port"; then
  [ -z "${IMAGE_TEST_PORT:-}" ] || fail "port $port is taken"
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 30000))
    port_taken "$port" || break
  done
  port_taken "$port" && fail "no free port found"
  log "port 8000 is taken; the server gets ARCADE_SERVER_PORT=$port"
fi
secret=$(openssl rand -hex 24)
mapfile -t entrypoint < <(jq -r '.[]' <<<"$entrypoint_json")
env_args=(--env "ARCADE_WORKER_SECRET=$secret")
[ "$port" = 8000 ] || env_args+=(--env "ARCADE_SERVER_PORT=$port")
log "buildah run --network host $ctr -- ${entrypoint[*]} (image user, image env + ARCADE_WORKER_SECRET)"
"${bah[@]}" run --isolation chroot --network host "${env_args[@]}" "$ctr" -- "${entrypoint[@]}" \
  > "$tmp/server.log" 2>&1 &
run_pid=$!

descendants() {  # every process below $1
  local p kids
  for p in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$p"; descendants "$p"; done
}
base="http://127.0.0.1:$port"
deadline=$(($(date +%s) + 30))
code=000
while :; do
  kill -0 "$run_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; fail "buildah run exited before the server answered"; }
  if [ -z "$server_pid" ]; then
    for p in $(descendants "$run_pid"); do
      if [ "$(tr '\0' '\n' < "/proc/$p/cmdline" 2>/dev/null | head -1)" = "${entrypoint[0]}" ]; then server_pid=$p; fi
    done
  fi
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/worker/health" || true)
  [ "$code" = 200 ] && [ -n "$server_pid" ] && break
  [ "$(date +%s)" -lt "$deadline" ] || { cat "$tmp/server.log" >&2; fail "no 200 from $base/worker/health within 30 s (last $code, server pid '${server_pid}')"; }
  sleep 0.5
done
health=$(curl -fsS --max-time 5 "$base/worker/health")
pass "GET /worker/health: 200 $health"
code=$(curl -s -o "$tmp/healthz" -w '%{http_code}' --max-time 5 "$base/healthz")
[ "$code" = 200 ] || fail "GET /healthz (the probe endpoint, no secret needed): $code, want 200"
pass "GET /healthz: 200 $(head -c 200 "$tmp/healthz")"

status=$(cat "/proc/$server_pid/status")
uid_line=$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' <<<"$status")
gid_line=$(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' <<<"$status")
capeff=$(awk '$1 == "CapEff:" { print $2 }' <<<"$status")
[ "$uid_line" = "10001 10001 10001 10001" ] || fail "server pid $server_pid runs with Uid $uid_line"
[ "$gid_line" = "10001 10001 10001 10001" ] || fail "server pid $server_pid runs with Gid $gid_line"
[ "$capeff" = 0000000000000000 ] || fail "server pid $server_pid has effective capabilities $capeff"
pass "server process $server_pid ($(tr '\0' ' ' < "/proc/$server_pid/cmdline" | sed 's/ $//')) runs as uid/gid 10001, no capabilities"

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
jwt_head=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
jwt_body=$(printf '{"aud":"worker","ver":"1","iat":%d,"exp":%d}' "$now" $((now + 300)) | b64url)
jwt_sig=$(printf '%s.%s' "$jwt_head" "$jwt_body" | openssl dgst -sha256 -hmac "$secret" -binary | b64url)
token="$jwt_head.$jwt_body.$jwt_sig"

code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/worker/tools")
[ "$code" = 401 ] || fail "GET /worker/tools without a token: $code, want 401"
code=$(curl -s -o "$tmp/tools.json" -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $token" "$base/worker/tools")
[ "$code" = 200 ] || fail "GET /worker/tools with a token: $code, want 200: $(head -c 300 "$tmp/tools.json")"
names=$(jq -r '[.[].fully_qualified_name] | sort | join(",")' "$tmp/tools.json")
[ "$names" = "ArcadeEvalRef.Add,ArcadeEvalRef.Echo,ArcadeEvalRef.Whoami" ] || fail "/worker/tools lists '$names'"
pass "GET /worker/tools: 401 without a token, 200 with a minted HS256 token: $names"

hdrs=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream')
code=$(curl -s -D "$tmp/init.headers" -o "$tmp/init.json" -w '%{http_code}' --max-time 5 "${hdrs[@]}" \
  -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"test-image","version":"1"}}}' \
  "$base/mcp")
[ "$code" = 200 ] || fail "POST /mcp initialize: $code: $(head -c 300 "$tmp/init.json")"
server_name=$(jq -r '.result.serverInfo.name' "$tmp/init.json")
[ "$server_name" = arcade-eval-ref ] || fail "initialize answered serverInfo.name '$server_name'"
session=$(awk -F': *' 'tolower($1) == "mcp-session-id" { sub(/\r$/, "", $2); print $2 }' "$tmp/init.headers")
[ -n "$session" ] || fail "initialize answer has no Mcp-Session-Id"
pass "POST /mcp initialize: 200, serverInfo.name $server_name, protocol $(jq -r .result.protocolVersion "$tmp/init.json")"

curl -s -o /dev/null --max-time 5 "${hdrs[@]}" -H "Mcp-Session-Id: $session" -H 'MCP-Protocol-Version: 2025-11-25' \
  -d '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$base/mcp"
answer=$(curl -s --max-time 5 "${hdrs[@]}" -H "Mcp-Session-Id: $session" -H 'MCP-Protocol-Version: 2025-11-25' \
  -d '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ArcadeEvalRef_Add","arguments":{"a":2,"b":3}}}' "$base/mcp")
[ "$(jq -r '.result.structuredContent.result' <<<"$answer" 2>/dev/null)" = 5 ] || fail "tools/call Add 2+3: $answer"
pass "POST /mcp tools/call ArcadeEvalRef_Add(2,3) = 5"

log "stopping the server (SIGTERM to pid $server_pid)"
kill -TERM "$server_pid"
deadline=$(($(date +%s) + 20))
while kill -0 "$run_pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
kill -0 "$run_pid" 2>/dev/null && fail "the server did not stop within 20 s of SIGTERM"
set +e; wait "$run_pid"; run_rc=$?; set -e
run_pid=""
server_pid=""
sed 's/^/    server: /' "$tmp/server.log"
if grep -qF "$secret" "$tmp/server.log"; then fail "the server logged the worker secret"; fi
pass "server stopped after SIGTERM (buildah run exit status $run_rc)"

log "runtime image size: $size_h ($size_b bytes uncompressed, $gz_b bytes compressed); image build $build_s s; total $(elapsed) s"
