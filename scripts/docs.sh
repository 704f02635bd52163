#!/usr/bin/env bash
# Builds the API reference (public headers + docs/guide.md) with doxygen and docs/Doxyfile.
# Usage: scripts/docs.sh [output-dir]   (default build/docs; the HTML is in <output-dir>/html)
# Exits non-zero on any doxygen warning (an undocumented public name, a malformed comment).
set -euo pipefail
# An output directory given as an argument is relative to the caller's directory.
out=$(realpath -m "${1:-$(dirname "$0")/../build/docs}")
cd "$(dirname "$0")/.."
command -v doxygen >/dev/null 2>&1 || { echo "doxygen not found: scripts/install-deps.sh installs it" >&2; exit 2; }
mkdir -p "$out"
log="$out/doxygen-warnings.log"

start=$(date +%s%N)
# The Doxyfile's settings, then the output directory (a later setting wins).
status=0
{ cat docs/Doxyfile; echo "OUTPUT_DIRECTORY = \"$out\""; } | doxygen - 2>"$log" || status=$?
ms=$((($(date +%s%N) - start) / 1000000))

warnings=$(grep -c 'warning:\|error:' "$log" || true)
if ((status != 0 || warnings != 0)); then
  cat "$log" >&2
  echo "docs: FAILED: $warnings warning(s) (doxygen exit $status), see $log" >&2
  exit 1
fi
pages=$(find "$out/html" -name '*.html' | wc -l)
echo "docs: 0 warnings, $pages HTML pages in $((ms / 1000)).$(printf %03d $((ms % 1000)))s: $out/html/index.html"
