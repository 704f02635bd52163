#!/usr/bin/env bash
# Set-up command 1 of the README: installs what is missing, builds Release, and starts
# arcade-eval-ref over Streamable HTTP on http://127.0.0.1:8000/mcp (override with the
# ARCADE_SERVER_* variables or flags; arguments are passed to the server, e.g. --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target arcade-eval-ref
export ARCADE_SERVER_TRANSPORT="${ARCADE_SERVER_TRANSPORT:-http}"
export ARCADE_SERVER_HOST="${ARCADE_SERVER_HOST:-127.0.0.1}"
export ARCADE_SERVER_PORT="${ARCADE_SERVER_PORT:-8000}"
exec build/release/bin/arcade-eval-ref "$@"
