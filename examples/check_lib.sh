# Sourced by the examples' check.sh scripts: a scratch folder ($dir), the PIDs to stop on exit
# (append to pids), fail MESSAGE (prints it and $dir/err, exits 1), and need TOOL... (fails
# early with a clear message when a tool is missing).
dir=$(mktemp -d)
pids=()
cleanup() {  # stops what the check started, by PID
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  cat "$dir/err" >&2 || true
  exit 1
}
need() {
  for c in "$@"; do command -v "$c" >/dev/null || fail "this check needs $c"; done
}
