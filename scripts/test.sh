#!/usr/bin/env bash
# Set-up command 2 of the README: installs what is missing (apt packages, the pinned npm
# packages of tests/e2e and of the conformance suites), then builds and tests, compiling each
# configuration once:
#   asan (clang, ASan + UBSan, libFuzzer coverage): unit tests and golden transcripts (as 4
#     ctest shards: one ASan start-up per shard, not per test) and the examples; the same build
#     has the libFuzzer targets;
#   gcc-asan (g++, ASan + UBSan; only the three servers the end-to-end tests start): the
#     TypeScript SDK end-to-end tests over stdio and HTTP with schema validation, so the coroutine
#     code is also checked as the production compiler builds it (GCC 12 miscompiles some co_await
#     temporaries into double frees, design/cpp-stack.md 3.5, which only ASan on g++ code sees);
#   release: the examples and the installed-package consumer (the unit tests already ran, on the
#     same code, under the sanitizers), then the official MCP conformance suites (0.1.16 --suite all,
#     0.2.0-alpha.12, --requirements) against examples/conformance-server, the fault tests, the
#     deployment validators and the scale-out rehearsal (arcade-eval-ref behind nginx, then MCP
#     tasks across conformance-server replicas sharing a Redis task store);
#   in the background from the start, at nice 10 (it waits on apt inside buildah and takes the
#   cores the builds leave idle): the container image test (buildah, the unmodified
#   Dockerfile), then, once the Release build is there, the Debian packages on a clean Debian 12
#   root (arcade-mcp new, the generated project built, tested, called with the TypeScript SDK and
#   containerised);
#   and, from the asan build once its tests passed, in the background at nice 19: the libFuzzer
#   targets, every committed input replayed, then a fixed number of runs from a fixed seed per
#   target, so the same commit gives the same result anywhere.
# Each configuration is a unity build (CMAKE_UNITY_BUILD: 16 sources per compiler run; a third of
# the compile time on 2 cores). The presets are not, but the option stays in the build/<preset>
# caches this script configures: `cmake --preset <p> -DCMAKE_UNITY_BUILD=OFF` turns it off there.
# PRESETS overrides the presets (PRESETS=release also builds and runs the unit tests in Release;
# without gcc-asan the end-to-end tests run in the first preset that has them).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-e2e --with-conformance --with-fuzz

if [ -z "${MCP_SCHEMA_DIR:-}" ] && [ ! -d ../shared/mcp-schema ]; then
  # The official schemas are not on npm; they come with the shared reference folder. Without it
  # the end-to-end tests still run, but skip schema validation, and say so loudly.
  echo "WARNING: ../shared/mcp-schema not found and MCP_SCHEMA_DIR unset: e2e schema validation is SKIPPED" >&2
  export MCP_SCHEMA_DIR=skip
fi

started=$(date +%s)
stamp() { echo "   ($(( $(date +%s) - started )) s since the start)"; }
presets=${PRESETS:-asan gcc-asan release}
both=0
[[ " $presets " == *" asan "* && " $presets " == *" release "* ]] && both=1
has() { [[ " $presets " == *" $1 "* ]]; }

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
image_pid="" image_log="" image_group="" release_built=""
fuzz_pid="" fuzz_log=""
if has release; then
  echo "== deploy: container image (buildah, unmodified Dockerfile), then the packages on a clean Debian 12 root"
  echo "   (arcade-mcp new, the generated project built, tested, called and containerised): in the background"
  echo "   at nice 10; their log comes last"
  # Not root: sudo asks now, in the foreground; the one sudo below covers the whole job.
  [ -z "$sudo" ] || sudo -v
  image_log=$(mktemp /tmp/test-image.XXXXXX.log)
  image_group=$(mktemp /tmp/test-image.XXXXXX.pgid)
  release_built=$(mktemp -u /tmp/release-built.XXXXXX)
  # The image build skips the unit tests: they run below on this commit. The clean-root test packs
  # the Release build, so it waits (at most 90 minutes) for the mark left once that build is done.
  # A session of its own (setsid; its process group id in $image_group), so stopping it reaches
  # buildah and the compilers inside. With the scheduler's autogroups (one per session) a nice
  # value only ranks processes inside their session, so the session's own is set to 10 too.
  $sudo setsid nice -n 10 env IMAGE_UNIT_TESTS=0 RELEASE_BUILT="$release_built" GROUP_FILE="$image_group" bash -c '
    echo $$ >"$GROUP_FILE"
    echo 10 >/proc/self/autogroup 2>/dev/null || true
    deploy/docker/test-image.sh || { echo "== step failed: the container image test"; exit 1; }
    for _ in $(seq 1 5400); do [ -e "$RELEASE_BUILT" ] && break; sleep 1; done
    [ -e "$RELEASE_BUILT" ] || { echo "== step failed: the Release build never finished"; exit 1; }
    deploy/packages/test-clean-root.sh build/release || { echo "== step failed: the packages on a clean root"; exit 1; }
  ' >"$image_log" 2>&1 &
  image_pid=$!
fi
# On an early exit: the background checks still running are stopped (their whole process
# groups), and what they logged so far is shown.
stop_background() {
  if [ -n "$fuzz_pid" ]; then
    kill -TERM -- -"$fuzz_pid" 2>/dev/null || true
    echo "== aborted: the fuzz log so far ($fuzz_log)"
    tail -n 30 "$fuzz_log" 2>/dev/null || true
  fi
  if [ -n "$image_pid" ]; then
    local group
    group=$(cat "$image_group" 2>/dev/null || true)
    [ -z "$group" ] || ${sudo:+$sudo -n} kill -TERM -- -"$group" 2>/dev/null || true
    echo "== aborted: the container image and clean-root log so far ($image_log)"
    tail -n 30 "$image_log" 2>/dev/null || true
  fi
  rm -f "$image_group" "$release_built"
}
trap stop_background EXIT
# The end-to-end tests (TypeScript SDK clients, ~2 minutes) run once: under g++ ASan + UBSan when
# that preset runs, else in the first preset.
e2e_preset=${presets%% *}
has gcc-asan && e2e_preset=gcc-asan
for preset in $presets; do
  echo "== $preset: configure and build"
  options=(-DCMAKE_UNITY_BUILD=ON)
  case $preset in
    asan) options+=(-DARCADE_MCP_UNIT_TEST_SHARDS=4) ;;
    release) if [ $both = 1 ]; then options+=(-DARCADE_MCP_BUILD_UNIT_TESTS=OFF); else options+=(-DARCADE_MCP_BUILD_UNIT_TESTS=ON); fi ;;
  esac
  cmake --preset "$preset" "${options[@]}" >/dev/null
  targets=()
  if [ "$preset" = asan ] && has gcc-asan; then
    # What runs from this build; the servers of the end-to-end and fault tests (conformance,
    # fixture and fault servers) come from the gcc-asan and release builds.
    targets=(--target unit_tests fuzzers hello_stdio middleware_example embedded_example worker_check_tests
             arcade-worker-check arcade-eval-ref)
    # The developer CLI and its unit tests (its end-to-end test runs in Release only).
    targets+=(--target arcade-mcp arcade_mcp_cli_tests)
  fi
  cmake --build --preset "$preset" "${targets[@]}"
  [ "$preset" = release ] && [ -n "$release_built" ] && touch "$release_built"
  stamp
  echo "== $preset: test"
  skip=()
  [ "$preset" = "$e2e_preset" ] || skip=(-E '^e2e(_auth_on)?$')
  ctest --preset "$preset" -j2 --timeout 600 "${skip[@]}"
  stamp
  if [ "$preset" = asan ]; then
    # The fuzzers (one core, fixed runs: the result does not depend on speed) run from this build
    # in the background at nice 19, in the time the next builds and tests leave a core idle.
    echo "== fuzz: libFuzzer targets under ASan + UBSan, in the background at nice 19; their log follows the tests'"
    # setsid: a process group of its own (its id is fuzz_pid), stopped whole on an early exit; its
    # session's autogroup gets the nice value as well (see the image job above).
    fuzz_log=$(mktemp /tmp/fuzz.XXXXXX.log)
    FUZZ_PRESET=asan setsid bash -c 'echo 19 >/proc/self/autogroup 2>/dev/null || true; exec nice -n 19 scripts/fuzz.sh' \
      >"$fuzz_log" 2>&1 &
    fuzz_pid=$!
  fi
done
if has release; then
  echo "== release: the official MCP conformance suites (pinned) against examples/conformance-server"
  scripts/conformance.sh "build/release/bin/conformance-server"
  stamp
  echo "== fault tests (Release): SIGTERM under load, disconnects, faulty tools, abandoned sessions, soak"
  tests/fault/run.sh build/release
  echo "== reference docs: doxygen over the public headers, warnings as errors"
  scripts/docs.sh build/release/docs
  echo "== deploy: validators (and those of a project made by arcade-mcp new)"
  ARCADE_MCP_CLI=build/release/bin/arcade-mcp deploy/validate/validate.sh
  echo "== deploy: scale-out rehearsal"
  deploy/scale-out/test.sh build/release/bin/arcade-eval-ref build/release/bin/conformance-server
  stamp
fi
fuzz_rc=0
if [ -n "$fuzz_pid" ]; then
  wait "$fuzz_pid" || fuzz_rc=$?
  fuzz_pid=""
  echo "== fuzz: libFuzzer targets under ASan + UBSan: committed inputs replayed, then fixed runs from fixed seeds"
  cat "$fuzz_log"
  rm -f "$fuzz_log"
  stamp
fi
image_rc=0
if [ -n "$image_pid" ]; then
  wait "$image_pid" || image_rc=$?
  image_pid=""
  echo "== deploy: container image test and packages on a clean root: output"
  cat "$image_log"
  rm -f "$image_log" "$image_group" "$release_built"
  stamp
fi
# Both verdicts, then the exit status.
[ "$fuzz_rc" -eq 0 ] || echo "== the fuzz targets FAILED (exit $fuzz_rc)"
[ "$image_rc" -eq 0 ] || echo "== the container image or clean-root test FAILED (exit $image_rc; the step is named above)"
[ "$fuzz_rc" -eq 0 ] && [ "$image_rc" -eq 0 ] || exit 1
echo "== all tests passed ($presets)"
