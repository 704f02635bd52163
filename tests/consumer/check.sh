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

# The README's instructions, verbatim: the files of "Use the library from another CMake project"
# (each fenced block after a `<!-- consumer:FILE -->` marker) written into an empty folder, and
# its `<!-- consumer:run -->` block run there, with CMAKE_PREFIX_PATH (as the README says for an
# install outside /usr) pointing at the prefix. The call it makes must answer the greeting.
readme_dir="$tmp/readme"
mkdir "$readme_dir"
readme_block() {  # extract MARKER: the fenced block after <!-- consumer:MARKER -->
  awk -v marker="<!-- consumer:$1 -->" '
    $0 == marker { armed = 1; next }
    armed && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$repo/README.md"
}
for file in CMakeLists.txt main.cpp; do
  readme_block "$file" >"$readme_dir/$file"
  [ -s "$readme_dir/$file" ] || { echo "README.md has no <!-- consumer:$file --> block" >&2; exit 1; }
done
readme_block run >"$tmp/readme-run.sh"
[ -s "$tmp/readme-run.sh" ] || { echo "README.md has no <!-- consumer:run --> block" >&2; exit 1; }
out=$(cd "$readme_dir" && CMAKE_PREFIX_PATH="$tmp/prefix" timeout 600 bash -euo pipefail "$tmp/readme-run.sh" 2>&1) \
  || { echo "$out" >&2; echo "the README's consumer instructions failed" >&2; exit 1; }
grep -q 'Hello, Ada!' <<<"$out" || { echo "$out" >&2; echo "the README's consumer call did not greet" >&2; exit 1; }
echo "the README's consumer instructions, verbatim, built and answered"
