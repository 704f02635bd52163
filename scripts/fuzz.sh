#!/usr/bin/env bash
# Builds the libFuzzer targets (CMake preset `fuzz`: clang, ASan + UBSan) and runs them. See
# fuzz/README.md.
#
# Default (CI) mode is reproducible: the same commit gives the same result on any machine.
#   1. replay: every committed input of fuzz/corpus/<target>/ (seeds and regression-* files) runs
#      once, by name; any crash, leak or sanitizer report fails the run;
#   2. fuzz: a fixed number of executions (-runs) from a fixed seed (-seed) per target, on a COPY
#      of the committed corpus, so the execution count is the same everywhere (printed per
#      target) and a finding means the commit broke something, not that this run was luckier.
# Explore mode (`scripts/fuzz.sh --explore`) is open-ended, for outside CI: a random seed, a time
# budget per target (FUZZ_SECONDS, default 600), new inputs kept in build/fuzz/grow/<target>/ for
# minimizing into the committed corpus; findings are committed as fuzz/corpus/<target>/regression-*.
#
# Either mode fails when a target reports a crash, leak, timeout, out-of-memory or sanitizer
# error; the reproducer stays in build/<preset>/fuzz-run/<target>/artifacts/ and the log next to it. The
# repository is never modified.
#   FUZZ_TARGETS  space-separated subset (default: all)
#   FUZZ_RUNS_SCALE  multiplies every target's run count in CI mode (default 1; 0.1 for a smoke run)
#   FUZZ_PRESET   the CMake preset whose build has the targets: fuzz (default, targets only) or asan
#                 (the same flags plus the tests; scripts/test.sh uses it so CI compiles once)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=ci
if [ "${1:-}" = "--explore" ]; then mode=explore; shift; fi
[ $# -eq 0 ] || { echo "usage: $0 [--explore]" >&2; exit 2; }

# target  runs-in-CI  seed. Runs are sized for ~20-30 s per target on the 2-core CI machine (about
# 3 minutes in all); measured with scripts/fuzz.sh, which prints exec/s and seconds per target.
plan="
jsonrpc_dispatch 9000 1001
value_codec 550000 1002
jwt 250000 1003
http_request 900000 1004
http_connection 12000 1005
sse_uri_template 550000 1006
request_state 600000 1007
jwt_access_token 60000 1008
"
all=$(awk 'NF {print $1}' <<<"$plan" | xargs)
targets=${FUZZ_TARGETS:-$all}
scale=${FUZZ_RUNS_SCALE:-1}
command -v clang++ >/dev/null 2>&1 || { echo "fuzz: clang++ not found; run scripts/install-deps.sh --with-fuzz" >&2; exit 2; }

preset=${FUZZ_PRESET:-fuzz}
echo "== fuzz: configure and build (preset $preset, target fuzzers)"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --target fuzzers

# libFuzzer options per target beyond the common ones.
extra_args() {
  case "$1" in
    jsonrpc_dispatch | value_codec | request_state) echo "-dict=fuzz/dict/json.dict" ;;
    jwt) echo "-dict=fuzz/dict/jwt.dict" ;;
    jwt_access_token) echo "-dict=fuzz/dict/jwt_access_token.dict" ;;
    http_request) echo "-dict=fuzz/dict/http.dict -max_len=12288" ;;  # room for the 8 KiB header limit
    http_connection) echo "-dict=fuzz/dict/http.dict -max_len=70000" ;;  # room for a 64 KiB trailer field
    sse_uri_template) echo "-dict=fuzz/dict/sse_uri_template.dict" ;;
  esac
}

# Fails the target when its log or artifacts show a finding.
findings_in() {
  local t=$1 dir=$2 rc=$3
  local found
  found=$(ls "$dir/artifacts" | wc -l)
  if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
    echo "   $t: FINDING — log $dir/fuzz.log, reproducer(s):" >&2
    ls "$dir/artifacts" | sed "s|^|     $dir/artifacts/|" >&2
    grep -m1 -E "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|what\(\):|ALARM|==ERROR|deadly signal|Test unit written" "$dir/fuzz.log" >&2 || true
    return 1
  fi
}

# CI mode runs the fuzzer with ASLR off where the system allows it: libFuzzer indexes its tables of
# compared values by code address, so under ASLR the same -seed mutates differently from run to
# run. With ASLR off and -reload=0 a single-threaded target explores exactly the same inputs every
# time; the threaded, clock-bound targets (jsonrpc_dispatch, http_connection) still vary, their
# execution counts do not.
fixed_layout=()
if [ "$mode" = ci ] && setarch "$(uname -m)" -R true 2>/dev/null; then fixed_layout=(setarch "$(uname -m)" -R); fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
run=build/$preset/fuzz-run
rm -rf "$run"
failed=() summary=()
for t in $targets; do
  bin=build/$preset/bin/${t}_fuzz
  [ -x "$bin" ] || { echo "fuzz: unknown target '$t' (known: $all)" >&2; exit 2; }
  read -r _ runs seed < <(awk -v t="$t" '$1 == t' <<<"$plan")
  runs=$(awk -v r="$runs" -v s="$scale" 'BEGIN { printf "%d", r * s }')
  dir=$run/$t
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp -R "fuzz/corpus/$t/." "$dir/corpus/"
  common=(-timeout=5 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/artifacts/")
  read -ra extra <<<"$(extra_args "$t")"

  # 1. Replay every committed input by name (seeds and regressions), once each.
  mapfile -t inputs < <(find "fuzz/corpus/$t" -type f | LC_ALL=C sort)
  rc=0
  "$bin" "${common[@]}" "${extra[@]}" "${inputs[@]}" >"$dir/replay.log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    cp "$dir/replay.log" "$dir/fuzz.log"
    findings_in "$t" "$dir" "$rc" || true
    failed+=("$t")
    echo "   $t: a committed input fails (replay of ${#inputs[@]} inputs) — see $dir/replay.log" >&2
    continue
  fi

  # 2. Fuzz.
  if [ "$mode" = ci ]; then
    echo "== fuzz: $t: replayed ${#inputs[@]} committed inputs; $runs runs from seed $seed"
    budget=(-runs="$runs" -seed="$seed" -reload=0)  # -reload: rereading the corpus dir every second depends on the clock
  else
    echo "== fuzz: $t: replayed ${#inputs[@]} committed inputs; exploring for ${FUZZ_SECONDS:-600}s"
    mkdir -p "build/fuzz/grow/$t"
    budget=(-max_total_time="${FUZZ_SECONDS:-600}" "build/fuzz/grow/$t")
  fi
  rc=0 started=$SECONDS
  "${fixed_layout[@]}" "$bin" "${common[@]}" "${extra[@]}" "${budget[@]}" "$dir/corpus" >"$dir/fuzz.log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/fuzz.log" | tail -1)
  added=$(sed -n 's/^stat::new_units_added: *//p' "$dir/fuzz.log" | tail -1)
  echo "   $t: ${execs:-?} executions, ${added:-?} new inputs, ${rate:-?} exec/s, $((SECONDS - started)) s, exit $rc"
  summary+=("$t=${execs:-?}")
  findings_in "$t" "$dir" "$rc" || failed+=("$t")
done
count=$(wc -w <<<"$targets")
echo "== fuzz: executions per target: ${summary[*]}"
if ((${#failed[@]})); then
  echo "== fuzz: FAILED ${#failed[@]} of $count targets (${failed[*]})"
  exit 1
fi
if [ "$mode" = ci ]; then
  echo "== fuzz: all $count targets passed (committed inputs replayed; fixed runs and seeds), no crash, leak or timeout"
else
  echo "== fuzz: all $count targets passed; new inputs in build/fuzz/grow/<target>/ (see fuzz/README.md to keep them)"
fi
