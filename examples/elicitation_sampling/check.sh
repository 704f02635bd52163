#!/usr/bin/env bash
# CI check of the elicitation_sampling example: client.mjs (the official TypeScript SDK client of
# tests/e2e) runs the example over stdio and answers its elicitation and sampling requests: a form
# accepted and declined, a model answer and a refusal, and a client without either capability.
set -euo pipefail
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/../../tests/e2e/node_modules/@modelcontextprotocol/sdk" ]; then
  echo "the TypeScript SDK is missing: run scripts/install-deps.sh --with-e2e" >&2
  exit 1
fi
# The client spawns the example and closes it (stdin EOF, then signals) before it exits; timeout
# bounds the whole conversation.
timeout 60 node "$here/client.mjs" "$bin"
