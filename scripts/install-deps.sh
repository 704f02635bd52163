#!/usr/bin/env bash
# Installs what building and testing need on Debian 12, only what is missing: the C++ toolchain
# and libraries from Debian's archive, and Node.js for the end-to-end tests (Debian's nodejs when
# no node is on PATH). Then the pinned npm packages of tests/e2e from its committed lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake ninja-build g++ pkg-config libboost-dev nlohmann-json3-dev libssl-dev libfmt-dev
          libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev curl ca-certificates)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

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

if [ "${1:-}" = "--with-e2e" ]; then
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
