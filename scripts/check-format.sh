#!/usr/bin/env bash
# Style gate run by the tests: no line of the project's C and C++ sources is over 120 columns
# (the .clang-format column limit). Prints each offending line with its file and number.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.c' '*.h' 2>/dev/null || find src include apps examples tests tools fuzz bench -name '*.[ch]pp' -o -name '*.[ch]')
long=$(awk 'length > 120 {printf "%s:%d: %d columns\n", FILENAME, FNR, length}' "${files[@]}")
if [ -n "$long" ]; then
  echo "$long"
  echo "check-format: $(wc -l <<<"$long") line(s) over 120 columns (clang-format-14 -i --lines=N:N <file> rewraps one)" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files, every line within 120 columns"
