#!/usr/bin/env bash
# CI check of the arcade_oauth example: client.mjs (the official TypeScript SDK client of
# tests/e2e) runs the example over stdio against arcade_api_double.mjs, a stand-in of the Arcade
# API's authorization endpoints started on loopback for the check and stopped with it.
set -euo pipefail
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/../../tests/e2e/node_modules/@modelcontextprotocol/sdk" ]; then
  echo "the TypeScript SDK is missing: run scripts/install-deps.sh --with-e2e" >&2
  exit 1
fi
timeout 120 node "$here/client.mjs" "$bin"
