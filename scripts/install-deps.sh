#!/usr/bin/env bash
# Installs what building and testing need on Debian 12, only what is missing: the C++ toolchain
# and libraries from Debian's archive, doxygen (for scripts/docs.sh), and Node.js for the
# end-to-end tests (Debian's nodejs when no node is on PATH). Then, on request, pinned npm
# projects from their committed lockfiles:
#   --with-e2e          tests/e2e (the end-to-end tests)
#   --with-conformance  tools/node22 (Node 22 binary), tools/conformance (MCP conformance suite
#                       0.1.16) and tools/conformance-next (0.2.0-alpha.12), for scripts/conformance.sh
#   --with-fuzz         clang 14 and its libFuzzer/sanitizer runtimes (libclang-rt-14-dev), for
#                       scripts/fuzz.sh and the `fuzz` CMake preset
#   --with-bench        wrk, nginx (nginx-light when no nginx is installed), gnuplot-nox, and
#                       bench/peers/ts-sdk and bench/peers/ts-sdk-v2 (the TypeScript SDK 1.x
#                       and v2 peers), for bench/run.sh
# Flags may be given in any order. A folder whose node_modules matches its lockfile is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

with_e2e=0 with_conformance=0 with_fuzz=0
with_bench=0
for arg in "$@"; do
  case "$arg" in
    --with-e2e) with_e2e=1 ;;
    --with-conformance) with_conformance=1 ;;
    --with-bench) with_bench=1 ;;
    --with-fuzz) with_fuzz=1 ;;
    *) echo "usage: $0 [--with-e2e] [--with-conformance] [--with-bench] [--with-fuzz]" >&2; exit 2 ;;
  esac
done

packages=(cmake ninja-build g++ pkg-config libboost-dev nlohmann-json3-dev libssl-dev
          libcli11-dev libcurl4-openssl-dev libhiredis-dev redis-server libgtest-dev libgmock-dev libbenchmark-dev curl ca-certificates
          doxygen  # the API reference, scripts/docs.sh
          jq python3)  # the examples' checks
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)
if ((with_e2e)); then packages+=(prometheus); fi  # promtool, for deploy/validate/validate.sh
if ((with_bench)); then
  packages+=(wrk gnuplot-nox)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || packages+=(nginx-light)
fi
# libclang-rt-14-dev is only a Recommends of clang, and --no-install-recommends skips it.
if ((with_fuzz)); then packages+=(clang libclang-rt-14-dev); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci in folder $1 unless node_modules/.lock-stamp holds the hash of its package-lock.json.
npm_ci() {
  local dir=$1 want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$dir/node_modules/.lock-stamp" 2>/dev/null)" = "$want" ]; then
    echo "$dir: node_modules up to date"
    return
  fi
  echo "$dir: npm ci"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$dir/node_modules/.lock-stamp"
}

if ((with_e2e)); then
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
if ((with_conformance)); then
  for dir in tools/node22 tools/conformance tools/conformance-next; do npm_ci "$dir"; done
fi
if ((with_bench)); then
  for dir in bench/peers/ts-sdk bench/peers/ts-sdk-v2; do npm_ci "$dir"; done
fi
