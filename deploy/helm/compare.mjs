// Compares a render of the Helm chart with the render of the kustomize overlay it stands for
// (deploy/helm/test.sh: examples/production.yaml with overlays/example, and so on): the server's
// pod (container env, ports, probes, lifecycle, resources, security contexts, volumes, grace
// period), the Service ports, the Ingress routes, annotations and TLS, the HPA, the PDB, the
// ServiceMonitor endpoints and the SealedSecret keys must be the same. Left out: the labels and
// selectors Helm adds (helm.sh/chart, app.kubernetes.io/instance ...), the Namespace object and the
// Redis of overlays/redis-tasks (the chart points at an external Redis), secretKeyRef names.
// usage: node compare.mjs HELM.yaml KUSTOMIZE.yaml
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("../validate/package.json", import.meta.url));
const { parseAllDocuments } = require("yaml");

const load = (f) => parseAllDocuments(readFileSync(f, "utf8")).map((d) => d.toJS()).filter(Boolean);
const [helm, kustomize] = process.argv.slice(2).map(load);

const isRedis = (o) => /redis/.test(o.metadata?.name ?? "") && o.kind !== "SealedSecret";
const server = (objs) => objs.find((o) => o.kind === "Deployment" && !isRedis(o));
const sortKeys = (x) => Array.isArray(x) ? x.map(sortKeys) : x && typeof x === "object"
  ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys(x[k])])) : x;
// JSON in a string (MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS, the dashboard) compared as JSON.
const json = (v) => { try { return typeof v === "string" && /^\s*[[{]/.test(v) ? JSON.parse(v) : v; } catch { return v; } };
const byName = (a) => [...(a ?? [])].sort((x, y) => String(x.name).localeCompare(String(y.name)));

function pod(objs) {
  const d = server(objs);
  const p = d.spec.template.spec;
  const c = p.containers.find((x) => x.name === "server");
  const env = byName(c.env).map((e) => {
    const ref = e.valueFrom?.secretKeyRef;
    return ref ? { name: e.name, secretKey: ref.key } : { ...e, value: json(e.value) };
  });
  return {
    replicas: d.spec.replicas, strategy: d.spec.strategy, minReadySeconds: d.spec.minReadySeconds,
    revisionHistoryLimit: d.spec.revisionHistoryLimit,
    annotations: d.spec.template.metadata?.annotations ?? {},
    automountServiceAccountToken: p.automountServiceAccountToken, enableServiceLinks: p.enableServiceLinks,
    terminationGracePeriodSeconds: p.terminationGracePeriodSeconds, podSecurityContext: p.securityContext,
    topologySpread: (p.topologySpreadConstraints ?? []).map(({ labelSelector, ...t }) => t),
    volumes: byName(p.volumes),
    image: c.image, imagePullPolicy: c.imagePullPolicy, ports: c.ports, env,
    readinessProbe: c.readinessProbe, livenessProbe: c.livenessProbe, startupProbe: c.startupProbe,
    lifecycle: c.lifecycle, resources: c.resources, securityContext: c.securityContext,
    volumeMounts: byName(c.volumeMounts),
  };
}

const rest = (objs) => ({
  servicePorts: objs.filter((o) => o.kind === "Service" && !isRedis(o)).map((s) => [s.spec.type, s.spec.ports]),
  ingresses: objs.filter((o) => o.kind === "Ingress").map((i) => ({
    name: i.metadata.name, annotations: i.metadata.annotations ?? {}, className: i.spec.ingressClassName,
    tls: i.spec.tls, rules: i.spec.rules,
  })).sort((a, b) => a.name.localeCompare(b.name)),
  hpa: objs.filter((o) => o.kind === "HorizontalPodAutoscaler").map((h) => h.spec),
  pdb: objs.filter((o) => o.kind === "PodDisruptionBudget").map((p) => ({ ...p.spec, selector: undefined })),
  serviceMonitors: objs.filter((o) => o.kind === "ServiceMonitor").map((s) => s.spec.endpoints),
  prometheusRules: objs.filter((o) => o.kind === "PrometheusRule").map((r) => r.spec.groups),
  dashboards: objs.filter((o) => o.kind === "ConfigMap").map((m) => [m.metadata.annotations,
    Object.fromEntries(Object.entries(m.data ?? {}).map(([k, v]) => [k, json(v)]))]),
  // REDIS_PASSWORD is for the overlay's own Redis only.
  sealedKeys: objs.filter((o) => o.kind === "SealedSecret").flatMap((s) => Object.keys(s.spec.encryptedData))
    .filter((k) => k !== "REDIS_PASSWORD").sort(),
});

let diffs = 0;
function compare(path, a, b) {
  if (JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))) return;
  const objects = (x) => x && typeof x === "object";
  if (objects(a) && objects(b) && Array.isArray(a) === Array.isArray(b) &&
      (!Array.isArray(a) || a.length === b.length)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) compare(`${path}.${k}`, a[k], b[k]);
    return;
  }
  diffs++;
  console.log(`DIFF ${path}: helm ${JSON.stringify(a)} / kustomize ${JSON.stringify(b)}`);
}
compare("pod", pod(helm), pod(kustomize));
compare("objects", rest(helm), rest(kustomize));
if (diffs) { console.log(`FAIL ${diffs} difference(s) between the chart and the overlay`); process.exit(1); }
console.log("same as the overlay: pod, Service ports, Ingress, HPA, PDB, monitoring objects, sealed keys");
