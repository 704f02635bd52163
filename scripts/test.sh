#!/usr/bin/env bash
# Set-up command 2 of the README: installs what is missing (apt packages, the pinned npm
# packages of tests/e2e and of the conformance suites), then builds and runs every test under
# ASan + UBSan and in Release: unit tests, golden transcripts, the examples and the
# installed-package consumer, and once (under ASan + UBSan) the TypeScript SDK end-to-end tests
# over stdio and HTTP with schema validation;
# then, once, on the Release build: the official MCP conformance suites (0.1.16 --suite all,
# 0.2.0-alpha.12, --requirements) against examples/conformance-server, the fault tests, the
# deployment validators, the scale-out rehearsal and the container image test; last, the libFuzzer
# targets (clang, ASan + UBSan): every committed input replayed, then a fixed number of runs from
# a fixed seed per target, so the same commit gives the same result on any machine.
# PRESETS overrides the presets.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-e2e --with-conformance --with-fuzz

if [ -z "${MCP_SCHEMA_DIR:-}" ] && [ ! -d ../shared/mcp-schema ]; then
  # The official schemas are not on npm; they come with the shared reference folder. Without it
  # the end-to-end tests still run, but skip schema validation, and say so loudly.
  echo "WARNING: ../shared/mcp-schema not found and MCP_SCHEMA_DIR unset: e2e schema validation is SKIPPED" >&2
  export MCP_SCHEMA_DIR=skip
fi

# Every preset: unit tests, golden transcripts, examples (ASan + UBSan catch memory and UB errors
# there). The long checks run once, on the Release build.
started=$(date +%s)
stamp() { echo "   ($(( $(date +%s) - started )) s since the start)"; }
# The end-to-end tests (TypeScript SDK clients, ~2 minutes) run once, under ASan + UBSan, when
# both presets run; every other test runs in both.
presets=${PRESETS:-asan release}
for preset in $presets; do
  echo "== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  stamp
  echo "== $preset: test"
  skip=()
  if [ "$preset" = release ] && [[ " $presets " == *" asan "* ]]; then skip=(-E '^e2e$'); fi
  ctest --preset "$preset" -j2 --timeout 600 "${skip[@]}"
  stamp
done
if [[ " ${PRESETS:-asan release} " == *" release "* ]]; then
  echo "== release: the official MCP conformance suites (pinned) against examples/conformance-server"
  scripts/conformance.sh "build/release/bin/conformance-server"
  stamp
  echo "== fault tests (Release): SIGTERM under load, disconnects, faulty tools, abandoned sessions, soak"
  tests/fault/run.sh build/release
  echo "== deploy: validators"
  deploy/validate/validate.sh
  echo "== deploy: scale-out rehearsal"
  deploy/scale-out/test.sh build/release/bin/arcade-eval-ref
  echo "== deploy: container image (buildah, unmodified Dockerfile)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # The image build skips the unit tests: they ran above on this commit, twice.
  $sudo env IMAGE_UNIT_TESTS=0 deploy/docker/test-image.sh
  stamp
fi
echo "== fuzz: libFuzzer targets under ASan + UBSan: committed inputs replayed, then fixed runs from fixed seeds"
scripts/fuzz.sh
stamp
echo "== all tests passed (${PRESETS:-asan release})"
