#!/usr/bin/env bash
# The package version follows the release tags (cmake/version.cmake), checked on a scratch git
# repository: no tag -> <fallback>~gitN.gHASH, on tag vX.Y.Z -> X.Y.Z, N commits after it ->
# X.Y.Z+gitN.gHASH; and Debian orders them as releases expect.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version() { cmake -DSOURCE_DIR="$tmp" -P "$repo/cmake/version.cmake" 2>&1; }
expect() {  # expect WHAT ACTUAL WANTED
  if [ "$2" != "$3" ]; then echo "FAIL $1: got '$2', want '$3'" >&2; exit 1; fi
  echo "ok   $1: $2"
}
fallback=$(sed -n 's/^set(ARCADE_MCP_FALLBACK_VERSION \(.*\))$/\1/p' "$repo/cmake/version.cmake")
expect "outside git" "$(version)" "$fallback $fallback"
git -C "$tmp" init -q
commit() { git -C "$tmp" -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m "$1"; }
commit one
expect "no tag" "$(version)" "$fallback $fallback~git1.g$(git -C "$tmp" rev-parse --short=7 HEAD)"
untagged=$(version | cut -d' ' -f2)
git -C "$tmp" tag v1.2.3
expect "on tag v1.2.3" "$(version)" "1.2.3 1.2.3"
commit two
commit three
expect "two commits after v1.2.3" "$(version)" "1.2.3 1.2.3+git2.g$(git -C "$tmp" rev-parse --short=7 HEAD)"
after=$(version | cut -d' ' -f2)
git -C "$tmp" tag not-a-release
git -C "$tmp" tag v9.9.9-rc1
expect "tags that are not vX.Y.Z releases are ignored" "$(version | cut -d' ' -f2)" "$after"
dpkg --compare-versions "$untagged" lt "$fallback" || { echo "FAIL: $untagged sorts after $fallback" >&2; exit 1; }
dpkg --compare-versions 1.2.3 lt "$after" || { echo "FAIL: $after sorts before 1.2.3" >&2; exit 1; }
echo "ok   Debian order: $untagged < $fallback, 1.2.3 < $after"
