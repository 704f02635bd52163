#!/usr/bin/env bash
# Set-up command 2 of the README: installs what is missing (apt packages, the pinned npm
# packages of tests/e2e), then builds and runs every test under ASan + UBSan and in Release:
# unit tests, golden transcripts, the TypeScript SDK end-to-end tests over stdio and HTTP with
# schema validation, the example and the installed-package consumer. PRESETS overrides the list.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-e2e

if [ -z "${MCP_SCHEMA_DIR:-}" ] && [ ! -d ../shared/mcp-schema ]; then
  echo "error: the official MCP schemas are expected in ../shared/mcp-schema (or set MCP_SCHEMA_DIR)" >&2
  exit 1
fi

for preset in ${PRESETS:-asan release}; do
  echo "== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "== $preset: test"
  ctest --preset "$preset" -j2 --timeout 600
done
echo "== all tests passed (${PRESETS:-asan release})"
