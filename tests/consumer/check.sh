#!/usr/bin/env bash
# Installs the build tree into a temporary prefix and builds tests/consumer against it with
# find_package(arcade_mcp); also checks that no public header includes Boost, fmt, CLI11 or OpenSSL,
# and that the package config asks for nothing more than nlohmann-json, Threads and OpenSSL.
set -euo pipefail
build_dir=$1
src_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$src_dir/../.." && pwd)
# Public headers include std and nlohmann-json only: no Boost, fmt, CLI11 or OpenSSL.
if grep -rnE '#include *<(boost|fmt|CLI|openssl)/' "$repo/include"; then echo "public headers include a private dependency" >&2; exit 1; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build_dir" --prefix "$tmp/prefix" >/dev/null
config=$(cat "$tmp"/prefix/lib*/cmake/arcade_mcp/arcade_mcp*.cmake)
if grep -nE 'find_dependency\((Boost|fmt|CLI11)|Boost::|fmt::|CLI11::' <<<"$config"; then
  echo "the installed package asks for a dependency its users do not need" >&2; exit 1
fi
cmake -S "$src_dir" -B "$tmp/build" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tmp/build" >/dev/null
"$tmp/build/consumer"
echo "consumer built and ran against the installed package"
