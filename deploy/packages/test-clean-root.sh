#!/usr/bin/env bash
# From the Debian packages to a deployed server of your own, on a clean Debian 12 root (the
# debootstrap base of deploy/docker/test-image.sh, in a private buildah store):
#   1. builds the packages (cpack) from a release build tree;
#   2. installs them with apt in a fresh container of the base, with the toolchain a user adds
#      (g++, cmake, ninja, GoogleTest, libcurl), and times it to the first tool call;
#   3. `arcade-mcp new demo` there, builds it and runs its tests (unit tests with the test kit,
#      end to end over stdio);
#   4. the README's consumer instructions, copied verbatim, build and answer there;
#   5. the official TypeScript SDK client (tests/e2e/node_modules, on the host) lists and calls the
#      generated server's tools over stdio (through `buildah run`) and over HTTP (host network);
#   6. builds the generated project's image from its own Dockerfile (the .deb in its packages/)
#      and checks it runs as uid 10001 on port 8000 and answers /mcp.
# Usage (root): deploy/packages/test-clean-root.sh [build dir, default build/release]
# Environment: the cache variables of deploy/docker/test-image.sh (ARCADE_IMAGE_TEST_CACHE,
# DEBIAN_MIRROR). Exit status 0 when every step passed.
set -euo pipefail
started=$(date +%s)
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$repo/build/release}" && pwd)

log() { printf '[clean-root %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { printf '[clean-root %s] FAIL: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; exit 1; }
pass() { printf '[clean-root %s]   ok: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
[ "$(id -u)" -eq 0 ] || fail "run as root (debootstrap, buildah's vfs store with chroot isolation)"
# shellcheck source=../docker/base-image.sh
. "$repo/deploy/docker/base-image.sh"
install_missing_tools buildah:buildah debootstrap:debootstrap curl:curl jq:jq
private_buildah_store
base_ref=docker.io/library/debian:bookworm-slim
image=arcade-mcp-new-demo:test
tmp=$(mktemp -d /tmp/clean-root.XXXXXX)
ctr=""
run_ctr=""
server_pid=""
server_cmd=/root/demo/build/release/demo  # the server's path inside the root (changes for the image)
# stop_server: SIGTERM to the server (found under its `buildah run`, which does not forward
# signals) and to buildah, up to 20 s for both to end, then SIGKILL.
stop_server() {
  [ -n "$server_pid" ] || return 0
  local children
  children=$(pgrep -f -- "$server_cmd" || true)
  # shellcheck disable=SC2086
  kill -TERM "$server_pid" $children 2>/dev/null || true
  for _ in $(seq 1 200); do
    kill -0 "$server_pid" 2>/dev/null || [ -n "$(pgrep -f -- "$server_cmd")" ] || break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL "$server_pid" $(pgrep -f -- "$server_cmd") 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
cleanup() {
  local rc=$?
  set +e
  stop_server
  [ -n "$ctr" ] && "${bah[@]}" rm "$ctr" >/dev/null 2>&1
  [ -n "$run_ctr" ] && "${bah[@]}" rm "$run_ctr" >/dev/null 2>&1
  "${bah[@]}" rmi "$image" >/dev/null 2>&1
  rm -rf "$tmp"
  if [ "$rc" -eq 0 ]; then log "PASS in $(($(date +%s) - started)) s"; else log "FAILED (exit $rc) after $(($(date +%s) - started)) s"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# ---- 1. packages ------------------------------------------------------------------------------
log "cpack: Debian packages from $build (written to a scratch folder: nothing of root's left in the build tree)"
(cd "$build" && cpack -G DEB -B "$tmp/cpack" >"$tmp/cpack.log" 2>&1) || { tail -30 "$tmp/cpack.log" >&2; fail "cpack failed"; }
mkdir "$tmp/debs" && cp "$tmp"/cpack/*.deb "$tmp/debs/"
for deb in "$tmp"/debs/*.deb; do
  log "  $(basename "$deb"): $(dpkg-deb -f "$deb" Version), depends: $(dpkg-deb -f "$deb" Depends)"
done
[ "$(ls "$tmp"/debs/*.deb | wc -l)" -eq 2 ] || fail "expected two packages (libarcade-mcp-dev, arcade-eval-ref)"

# ---- 2. a clean Debian 12 root, the packages installed with apt ------------------------------
ensure_debian_base_image
ctr=$("${bah[@]}" from --pull=never --name "clean-root-$$" "$base_ref")
"${bah[@]}" copy "$ctr" "$tmp/debs" /tmp/debs >/dev/null
in_root() { "${bah[@]}" run --isolation chroot --network host "$ctr" -- "$@"; }
t_install=$(date +%s)
log "apt install ./libarcade-mcp-dev_*.deb ./arcade-eval-ref_*.deb g++ cmake ninja-build libgtest-dev libcurl4-openssl-dev"
in_root sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  /tmp/debs/*.deb g++ cmake ninja-build libgtest-dev libcurl4-openssl-dev >/tmp/apt.log 2>&1 || { tail -30 /tmp/apt.log; exit 1; }' \
  || fail "apt install of the packages failed"
pass "installed in $(($(date +%s) - t_install)) s: $(in_root sh -c 'arcade-mcp --version; command -v arcade-eval-ref arcade-worker-check' | tr '\n' ' ')"
in_root sh -c 'printf "%s\n" "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ArcadeEvalRef_Add\",\"arguments\":{\"a\":2,\"b\":3},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}" | arcade-eval-ref' \
  | grep -q '"structuredContent":{"result":5}' || fail "the packaged arcade-eval-ref did not add"
pass "the packaged arcade-eval-ref answers"

# ---- 3. arcade-mcp new demo, built and tested -------------------------------------------------
t_new=$(date +%s)
in_root sh -c 'cd /root && arcade-mcp new demo && cd demo && { cmake --preset release && cmake --build --preset release; } \
  >/tmp/demo-build.log 2>&1 || { tail -40 /tmp/demo-build.log; exit 1; }; ctest --preset release' \
  || fail "the generated project was not made, did not build, or failed its tests"
pass "arcade-mcp new demo: built and its tests passed in $(($(date +%s) - t_new)) s"
in_root sh -c 'echo "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"Demo_CountWords\",\"arguments\":{\"text\":\"a b c\"},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}" | /root/demo/build/release/demo' \
  | grep -q '"words":3' || fail "the generated server did not count"
first_call=$(($(date +%s) - t_install))
pass "from apt install to the first call of the generated server's tool: $first_call s"

# ---- 4. the README's consumer instructions, verbatim -----------------------------------------
readme_block() {
  awk -v marker="<!-- consumer:$1 -->" '$0 == marker { armed = 1; next }
    armed && /^```/ { if (inside) exit; inside = 1; next } inside { print }' "$repo/README.md"
}
mkdir "$tmp/readme"
readme_block CMakeLists.txt >"$tmp/readme/CMakeLists.txt"
readme_block main.cpp >"$tmp/readme/main.cpp"
readme_block run >"$tmp/readme/run.sh"
for f in CMakeLists.txt main.cpp run.sh; do [ -s "$tmp/readme/$f" ] || fail "README.md has no consumer block $f"; done
"${bah[@]}" copy "$ctr" "$tmp/readme" /root/readme >/dev/null
in_root sh -c 'cd /root/readme && mv run.sh /tmp/run.sh && bash -euo pipefail /tmp/run.sh' >"$tmp/readme.out" 2>&1 \
  || { tail -30 "$tmp/readme.out" >&2; fail "the README's consumer instructions failed on the clean root"; }
grep -q 'Hello, Ada!' "$tmp/readme.out" || { tail -5 "$tmp/readme.out" >&2; fail "the README's program did not greet"; }
pass "the README's consumer instructions, verbatim: built against /usr and answered"

# ---- 5. the official TypeScript SDK client, stdio and HTTP -----------------------------------
client="$repo/tests/e2e/new_project_client.mjs"
[ -d "$repo/tests/e2e/node_modules/@modelcontextprotocol/sdk" ] || fail "tests/e2e/node_modules missing (npm ci in tests/e2e)"
node "$client" stdio Demo "${bah[@]}" run --isolation chroot "$ctr" -- /root/demo/build/release/demo \
  || fail "the SDK client over stdio"
port=$(free_port)
"${bah[@]}" run --isolation chroot --network host --env ARCADE_SERVER_TRANSPORT=http --env "ARCADE_SERVER_PORT=$port" \
  "$ctr" -- /root/demo/build/release/demo >"$tmp/http.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/worker/health" >/dev/null 2>&1 && break; \
  curl -s -o /dev/null "http://127.0.0.1:$port/mcp" && break; sleep 0.2; done
node "$client" http Demo "http://127.0.0.1:$port/mcp" || { tail -20 "$tmp/http.log" >&2; fail "the SDK client over HTTP"; }
stop_server

# ---- 6. the generated project's image, from its own Dockerfile -------------------------------
mnt=$("${bah[@]}" mount "$ctr")
mkdir "$tmp/demo" && (cd "$mnt/root/demo" && tar --exclude=./build -cf - .) | tar -C "$tmp/demo" -xf -
"${bah[@]}" umount "$ctr" >/dev/null
cp "$tmp"/debs/libarcade-mcp-dev_*.deb "$tmp/demo/packages/"
t_image=$(date +%s)
"${bah[@]}" bud --isolation chroot --pull=never --layers=false -t "$image" "$tmp/demo" >"$tmp/bud.log" 2>&1 \
  || { tail -40 "$tmp/bud.log" >&2; fail "the generated Dockerfile did not build"; }
cfg=$("${bah[@]}" inspect --type image "$image")
[ "$(jq -r '.OCIv1.config.User' <<<"$cfg")" = "10001:10001" ] || fail "the image does not run as 10001:10001"
jq -e '.OCIv1.config.ExposedPorts | has("8000/tcp")' <<<"$cfg" >/dev/null || fail "the image does not expose 8000"
pass "image built from the generated Dockerfile in $(($(date +%s) - t_image)) s: user 10001, port 8000, $("${bah[@]}" images --format '{{.Size}}' "$image")"
run_ctr=$("${bah[@]}" from --pull=never --name "clean-root-demo-$$" "$image")
server_cmd=/usr/local/bin/demo
port=$(free_port)
"${bah[@]}" run --isolation chroot --network host --env "ARCADE_SERVER_PORT=$port" "$run_ctr" -- /usr/local/bin/demo \
  >"$tmp/image.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/mcp" && break; sleep 0.2; done
node "$client" http Demo "http://127.0.0.1:$port/mcp" || { tail -20 "$tmp/image.log" >&2; fail "the image's server over HTTP"; }
pass "the image serves the generated tools over HTTP"
stop_server
