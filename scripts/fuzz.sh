#!/usr/bin/env bash
# Builds the libFuzzer targets (CMake preset `fuzz`: clang, ASan + UBSan) and runs each for a
# bounded time on a COPY of its committed seed corpus (fuzz/corpus/<target>/), so a run never
# modifies the repository. Fails when any target reports a crash, leak, timeout, out-of-memory or
# sanitizer error; the reproducer stays in build/fuzz/run/<target>/artifacts/ and the log next
# to it. Prints per target the executions and exec/s, then one summary line. See fuzz/README.md.
#   FUZZ_SECONDS  seconds per target (default 30)
#   FUZZ_TARGETS  space-separated subset (default: all five)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-30}
all="jsonrpc_dispatch value_codec jwt http_request sse_uri_template request_state"
targets=${FUZZ_TARGETS:-$all}
command -v clang++ >/dev/null 2>&1 || { echo "fuzz: clang++ not found; run scripts/install-deps.sh --with-fuzz" >&2; exit 2; }

echo "== fuzz: configure and build (preset fuzz)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

# libFuzzer options per target beyond the common ones.
extra_args() {
  case "$1" in
    jsonrpc_dispatch | value_codec | request_state) echo "-dict=fuzz/dict/json.dict" ;;
    jwt) echo "-dict=fuzz/dict/jwt.dict" ;;
    http_request) echo "-dict=fuzz/dict/http.dict -max_len=12288" ;;  # room for the 8 KiB header limit
    sse_uri_template) echo "-dict=fuzz/dict/sse_uri_template.dict" ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
run=build/fuzz/run
rm -rf "$run"
failed=() total_execs=0
for t in $targets; do
  bin=build/fuzz/bin/${t}_fuzz
  [ -x "$bin" ] || { echo "fuzz: unknown target '$t' (known: $all)" >&2; exit 2; }
  dir=$run/$t
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp -R "fuzz/corpus/$t/." "$dir/corpus/"
  echo "== fuzz: $t for ${seconds}s"
  rc=0
  # shellcheck disable=SC2046  # extra_args is a list of words
  "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" $(extra_args "$t") "$dir/corpus" >"$dir/fuzz.log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/fuzz.log" | tail -1)
  units=$(ls "$dir/corpus" | wc -l)
  findings=$(ls "$dir/artifacts" | wc -l)
  echo "   $t: ${execs:-?} executions, ${rate:-?} exec/s, corpus $units inputs, exit $rc"
  total_execs=$((total_execs + ${execs:-0}))
  if [ "$rc" -ne 0 ] || [ "$findings" -ne 0 ]; then
    failed+=("$t")
    echo "   $t: FINDING — log $dir/fuzz.log, reproducer(s):" >&2
    ls "$dir/artifacts" | sed "s|^|     $dir/artifacts/|" >&2
    grep -m1 -E "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|ALARM|==ERROR|deadly signal" "$dir/fuzz.log" >&2 || true
  fi
done
count=$(wc -w <<<"$targets")
if ((${#failed[@]})); then
  echo "== fuzz: FAILED ${#failed[@]} of $count targets (${failed[*]}); ${seconds}s each, $total_execs executions in total"
  exit 1
fi
echo "== fuzz: all $count targets passed; ${seconds}s each, $total_execs executions in total, no crash, leak or timeout"
