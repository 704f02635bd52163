// Validates every object of rendered kustomize output against the Kubernetes API schemas
// (kubernetes-models: ajv validators compiled from the Kubernetes OpenAPI spec, offline) and the
// SealedSecret CRD schema (@kubernetes-models/sealed-secrets), then checks the deployment rules
// this repository promises (docs/deploy.md). usage: node k8s-validate.mjs NAME=rendered.yaml...
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const MODULES = {
  "bitnami.com/v1alpha1": "@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1",
};
const moduleFor = (apiVersion) => MODULES[apiVersion] ?? `kubernetes-models/${apiVersion}`;

let failures = 0;
const fail = (where, msg) => { failures++; console.log(`FAIL ${where}: ${msg}`); };

async function validateObject(where, obj) {
  let mod;
  try { mod = await import(moduleFor(obj.apiVersion)); } catch {
    return fail(where, `no schema for apiVersion ${obj.apiVersion}`);
  }
  const Model = mod[obj.kind];
  if (!Model) return fail(where, `no schema for ${obj.apiVersion} ${obj.kind}`);
  try {
    new Model(structuredClone(obj)).validate();
  } catch (e) {
    return fail(where, `schema: ${e.message}`);
  }
  return true;
}

function expect(where, cond, msg) { if (!cond) fail(where, msg); }

function checkRules(name, objs) {
  const by = (kind) => objs.filter((o) => o.kind === kind);
  const [dep] = by("Deployment");
  const where = `${name} Deployment`;
  if (!dep) return fail(name, "no Deployment");
  const pod = dep.spec.template.spec;
  const c = pod.containers.find((x) => x.name === "server");
  if (!c) return fail(where, "no container named server");
  const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
  expect(where, dep.spec.replicas === 2, "replicas must be 2");
  expect(where, /:[^:/]+$/.test(c.image) && !c.image.endsWith(":latest"), `image must carry a pinned tag, got ${c.image}`);
  expect(where, c.readinessProbe && c.livenessProbe, "readiness and liveness probes required");
  for (const p of [c.readinessProbe, c.livenessProbe]) {
    const path = p?.httpGet?.path;
    expect(where, !path || !path.startsWith("/worker"), "a probe must not need the worker secret (/worker/*)");
  }
  const sc = c.securityContext ?? {};
  expect(where, (sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) === true, "runAsNonRoot");
  expect(where, (sc.runAsUser ?? pod.securityContext?.runAsUser) === 10001, "runAsUser 10001");
  expect(where, sc.readOnlyRootFilesystem === true, "readOnlyRootFilesystem");
  expect(where, sc.allowPrivilegeEscalation === false, "allowPrivilegeEscalation false");
  expect(where, JSON.stringify(sc.capabilities?.drop) === '["ALL"]', "capabilities drop ALL");
  expect(where, (sc.seccompProfile ?? pod.securityContext?.seccompProfile)?.type === "RuntimeDefault", "seccompProfile RuntimeDefault");
  expect(where, c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.cpu && c.resources?.limits?.memory, "resource requests and limits");
  const grace = Number(env.ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN ?? 15);
  const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
  expect(where, pod.terminationGracePeriodSeconds > grace + preStop,
    `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} must exceed preStop ${preStop} s + server grace ${grace} s`);
  expect(where, dep.spec.strategy?.rollingUpdate?.maxUnavailable === 0, "rollingUpdate.maxUnavailable 0");
  expect(where, env.ARCADE_WORKER_SECRET?.secretKeyRef?.key === "ARCADE_WORKER_SECRET", "ARCADE_WORKER_SECRET from a Secret");
  const ingresses = by("Ingress");
  const hosts = new Set(ingresses.flatMap((i) => i.spec.rules.map((r) => r.host)));
  expect(where, hosts.size === 1 && env.MCP_TRANSPORT_ALLOWED_HOSTS?.split(",").includes([...hosts][0]),
    `MCP_TRANSPORT_ALLOWED_HOSTS (${env.MCP_TRANSPORT_ALLOWED_HOSTS}) must list the ingress host (${[...hosts]})`);
  for (const i of ingresses) {
    const w = `${name} Ingress ${i.metadata.name}`;
    expect(w, i.spec.ingressClassName === "nginx", "ingressClassName nginx");
    expect(w, i.spec.tls?.every((t) => t.secretName && t.hosts.every((h) => hosts.has(h))), "TLS for the host with a secretName");
  }
  const secretRef = env.ARCADE_WORKER_SECRET?.secretKeyRef?.name;
  const sealed = by("SealedSecret").find((s) => s.metadata.name === secretRef);
  expect(where, sealed && sealed.metadata.namespace === dep.metadata.namespace && sealed.spec.encryptedData?.ARCADE_WORKER_SECRET,
    `a SealedSecret ${secretRef} with ARCADE_WORKER_SECRET in the Deployment's namespace`);
  if (sealed && /PLACEHOLDER/.test(sealed.spec.encryptedData.ARCADE_WORKER_SECRET))
    console.log(`note ${name}: SealedSecret ${secretRef} holds the example placeholder ciphertext (replace it with kubeseal's output before applying)`);
  const hpa = by("HorizontalPodAutoscaler")[0];
  expect(name, hpa?.apiVersion === "autoscaling/v2" && hpa.spec.scaleTargetRef.name === dep.metadata.name && hpa.spec.minReplicas >= 2, "autoscaling/v2 HPA on the Deployment, minReplicas >= 2");
  const pdb = by("PodDisruptionBudget")[0];
  expect(name, pdb?.spec.minAvailable === 1, "PodDisruptionBudget minAvailable 1");
  const stateless = env.ARCADE_SERVER_STATELESS === "true";
  const mcpIngress = ingresses.find((i) => i.spec.rules.some((r) => r.http.paths.some((p) => p.path.startsWith("/mcp"))));
  const hashBy = mcpIngress?.metadata.annotations?.["nginx.ingress.kubernetes.io/upstream-hash-by"];
  if (stateless) expect(name, !hashBy, "stateless replicas need no affinity on /mcp");
  else expect(name, hashBy && hashBy !== "$http_mcp_session_id",
    "sessions mode needs an affinity key present on initialize too (not $http_mcp_session_id alone)");
  console.log(`rules ${name}: ${stateless ? "stateless" : `sessions (affinity ${hashBy})`}, image ${c.image}, host ${[...hosts]}`);
}

for (const arg of process.argv.slice(2)) {
  const [name, file] = arg.split("=");
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  const objs = [];
  for (const d of docs) {
    if (d.errors.length) { fail(name, `YAML: ${d.errors[0].message}`); continue; }
    const o = d.toJS();
    if (o) objs.push(o);
  }
  for (const o of objs) {
    const where = `${name} ${o.kind}/${o.metadata?.namespace ? o.metadata.namespace + "/" : ""}${o.metadata?.name}`;
    if (await validateObject(where, o)) console.log(`ok   ${where} (${o.apiVersion})`);
  }
  checkRules(name, objs);
}
if (failures) { console.log(`${failures} Kubernetes check(s) failed`); process.exit(1); }
