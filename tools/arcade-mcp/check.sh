#!/usr/bin/env bash
# The path of a new user, end to end, against a build tree: install the dev component into an
# empty prefix, `arcade-mcp new demo` from there, configure the generated project with
# CMAKE_PREFIX_PATH pointing at the prefix, build it, and run its own tests (unit tests with the
# test kit, end to end over stdio); then `--minimal --no-deploy` the same way; a second `new demo`
# must be refused with the project untouched; and a one-file server built with pkg-config alone.
# Usage: tools/arcade-mcp/check.sh <build dir>
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d /tmp/arcade-mcp-new.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
step() { echo "== $* ($(( $(date +%s) - start )) s)"; }
start=$(date +%s)

step "install the dev component into $tmp/prefix"
cmake --install "$build" --prefix "$tmp/prefix" --component dev >/dev/null
cli="$tmp/prefix/bin/arcade-mcp"
"$cli" --version

step "arcade-mcp new demo"
cd "$tmp"
"$cli" new demo
export CMAKE_PREFIX_PATH="$tmp/prefix"
(cd demo && cmake --preset release >/dev/null && cmake --build --preset release >/dev/null && ctest --preset release)

step "arcade-mcp new tiny --minimal --no-deploy --toolkit TinyKit"
"$cli" new tiny --minimal --no-deploy --toolkit TinyKit
test ! -e tiny/Dockerfile && test ! -e tiny/src/upstream.cpp
(cd tiny && cmake --preset release >/dev/null && cmake --build --preset release >/dev/null && ctest --preset release)
grep -q '"name":"TinyKit_CountWords"' <(printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}' \
  | timeout 10 tiny/build/release/tiny)

step "refusals"
before=$(cd demo && find . -path ./build -prune -o -type f -print | sort | xargs md5sum)
if "$cli" new demo 2>"$tmp/err"; then echo "FAIL: a second 'new demo' overwrote the project" >&2; exit 1; fi
grep -q "refusing to overwrite" "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
[ "$before" = "$(cd demo && find . -path ./build -prune -o -type f -print | sort | xargs md5sum)" ] \
  || { echo "FAIL: the refused 'new' changed the project" >&2; exit 1; }
for bad in Bad_Name 9lives "a b"; do
  if "$cli" new "$bad" 2>/dev/null; then echo "FAIL: project name '$bad' was accepted" >&2; exit 1; fi
done
if "$cli" new good --toolkit 'Bad.Kit' 2>/dev/null; then echo "FAIL: toolkit 'Bad.Kit' was accepted" >&2; exit 1; fi
test ! -e good

step "pkg-config alone"
cat >"$tmp/one.cpp" <<'CPP'
#include <arcade_mcp/mcp.hpp>

int main(int argc, char** argv) {
    arcade_mcp::server_info info;
    info.name = "one";
    info.version = "1.0.0";
    arcade_mcp::server srv(info);
    srv.add_tool<arcade_mcp::no_arguments>("ping", "Answers pong.", [](const arcade_mcp::no_arguments&) { return std::string("pong"); });
    return arcade_mcp::run(srv, argc, argv);
}
CPP
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
g++ -O1 "$tmp/one.cpp" -o "$tmp/one" $(pkg-config --cflags --libs arcade_mcp)
printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ping","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}' \
  | timeout 10 "$tmp/one" | grep -q '"text":"pong"'
pkg-config --exists --print-errors arcade_mcp_testing
step "PASS: new projects build and pass their tests against the installed package"
