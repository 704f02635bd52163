// Validates every object of rendered kustomize output against the Kubernetes API schemas
// (kubernetes-models: ajv validators compiled from the Kubernetes OpenAPI spec, offline) and the
// SealedSecret CRD schema (@kubernetes-models/sealed-secrets), then checks the deployment rules
// this repository promises (docs/deploy.md). usage: node k8s-validate.mjs NAME=rendered.yaml...
// Front-door authorization rules apply wherever MCP_RESOURCE_SERVER_* is set; a NAME starting
// with "oauth" must set it (so an overlay that lost its settings fails). The metrics rules apply
// to every overlay; a NAME starting with "monitoring" must hold the Prometheus Operator objects and
// the dashboard ConfigMap, equal to their sources in deploy/monitoring
// (ServiceMonitor and PrometheusRule: the prometheus-operator CRD schemas). The task store rules
// apply wherever ARCADE_TASK_STORE or a Redis Deployment appears; a NAME starting with
// "redis-tasks" must keep its tasks in that Redis (ARCADE_TASK_STORE from a Secret).
// Renders of the Helm chart (deploy/helm/test.sh) go through the same rules, with two options:
// --external-redis (before the targets): the Redis is not among the objects (the chart points at
// one run elsewhere), so a NAME starting with "redis-tasks" needs ARCADE_TASK_STORE from a Secret
// but no Redis Deployment beside the server; and a NAME starting with "defaults" is a render of
// the chart's default values (no Ingress, no worker secret, Secrets that exist outside the
// render): the rules that need an Ingress host or a SealedSecret are skipped, all others apply. A NAME starting with "flux" holds Flux
// objects (a HelmRelease and its source): their CRD schemas (@kubernetes-models/flux-cd) and
// checkFlux below instead of the deployment rules.
import { readFileSync } from "node:fs";
import { parse, parseAllDocuments } from "yaml";

const MODULES = {
  "bitnami.com/v1alpha1": "@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
  "helm.toolkit.fluxcd.io/v2": "@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2",
  "source.toolkit.fluxcd.io/v1": "@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1",
};
let externalRedis = false;
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

// Whether ingress-nginx sends request `path` to this path rule: Exact is equality, Prefix is
// element-wise (/a matches /a and /a/b, not /ab), ImplementationSpecific without the use-regex
// annotation is a plain string prefix.
function matchesPath(rule, path) {
  if (rule.pathType === "Exact") return path === rule.path;
  if (rule.pathType === "Prefix") {
    const p = rule.path.replace(/\/+$/, "");
    return p === "" || path === p || path.startsWith(`${p}/`);
  }
  return path.startsWith(rule.path);
}

// The backend a request for host + path reaches: Exact first, then the longest matching path.
function backendFor(ingresses, host, path) {
  const hits = ingresses.flatMap((i) => i.spec.rules.filter((r) => r.host === host))
    .flatMap((r) => r.http.paths.filter((p) => matchesPath(p, path)))
    .sort((a, b) => (b.pathType === "Exact") - (a.pathType === "Exact") || b.path.length - a.path.length);
  return hits[0]?.backend;
}

const ALGORITHMS = new Set(["RS256", "ES256", "PS256", "EdDSA"]);
const ENTRY_KEYS = new Set(["authorization_server_url", "issuer", "jwks_uri", "algorithm", "algorithms",
  "expected_audiences", "validation_options"]);
const isHttps = (u) => { try { return new URL(u).protocol === "https:"; } catch { return false; } };
const WELL_KNOWN = "/.well-known/oauth-protected-resource";
// The CA bundle deploy/docker/Dockerfile copies into the runtime image (libcurl's default path).
const IMAGE_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

// One entry of MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS, as the server checks it at start, but
// stricter where a cluster is concerned: every URL https (the server allows http to loopback).
function checkAuthorizationServer(w, s) {
  if (!s || typeof s !== "object" || Array.isArray(s)) return fail(w, "not an object");
  for (const k of Object.keys(s)) expect(w, ENTRY_KEYS.has(k), `unknown key "${k}" (the server warns and ignores it)`);
  expect(w, isHttps(s.authorization_server_url), "authorization_server_url must be https");
  for (const k of ["issuer", "jwks_uri"]) if (k in s) expect(w, isHttps(s[k]), `${k} must be https`);
  expect(w, !("algorithm" in s && "algorithms" in s), "give algorithm or algorithms, not both");
  const algs = "algorithms" in s ? s.algorithms : "algorithm" in s ? [s.algorithm] : ["RS256"];
  expect(w, Array.isArray(algs) && algs.length && algs.every((a) => ALGORITHMS.has(a)),
    `algorithms must be among ${[...ALGORITHMS].join(", ")} (never none or HS*), got ${JSON.stringify(algs)}`);
  if ("expected_audiences" in s) {
    const aud = [s.expected_audiences].flat();
    expect(w, aud.length && aud.every((a) => typeof a === "string" && a), "expected_audiences: non-empty strings");
  }
  const vo = s.validation_options ?? {};
  for (const k of ["verify_exp", "verify_iss"])
    expect(w, vo[k] !== false, `validation_options.${k}=false is refused at start`);
  if ("leeway" in vo)
    expect(w, Number.isInteger(vo.leeway) && vo.leeway >= 0 && vo.leeway <= 300, "leeway: 0 to 300 seconds");
}

// Front-door authorization (MCP_RESOURCE_SERVER_*): what the server checks at start (an invalid
// value is exit 2, a crash loop in the cluster), and what only the manifests show: the canonical
// URL is the public one (https, the ingress host, a path routed to this Service), and both
// metadata URLs reach the pods. Returns the canonical URL, or null when the feature is off.
function checkFrontDoor(name, { dep, c, env, ingresses, hosts, service }) {
  const where = `${name} front-door auth`;
  const vars = (c.env ?? []).filter((x) => x.name.startsWith("MCP_RESOURCE_SERVER_"));
  if (!vars.some((e) => e.name === "MCP_RESOURCE_SERVER_CANONICAL_URL" ||
                        e.name === "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS")) {
    expect(where, !name.startsWith("oauth"),
      "MCP_RESOURCE_SERVER_CANONICAL_URL and MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS must be set");
    return null;
  }
  for (const e of vars)
    expect(where, typeof e.value === "string" && e.value.trim() !== "", `${e.name} must be a plain non-empty value`);
  const canonical = env.MCP_RESOURCE_SERVER_CANONICAL_URL;
  let url = null;
  try { url = new URL(canonical); } catch { /* reported below */ }
  expect(where, url, `MCP_RESOURCE_SERVER_CANONICAL_URL must be an absolute URL, got ${canonical}`);
  if (url) {
    expect(where, url.protocol === "https:",
      `the canonical URL must be https (TLS ends at the Ingress), got ${canonical}`);
    expect(where, hosts.has(url.hostname) && url.port === "",
      `the canonical URL's host must be the ingress host (${[...hosts]}) without a port, got ${canonical}`);
    expect(where, !/[?#]/.test(canonical), "the canonical URL takes no query or fragment");
    expect(where, url.pathname.length > 1 && !url.pathname.endsWith("/"),
      "the canonical URL names the endpoint's path, without a trailing slash");
  }
  let list = null;
  try { list = JSON.parse(env.MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS ?? ""); } catch { /* reported below */ }
  if (list && typeof list === "object" && !Array.isArray(list)) list = [list];  // one entry given bare
  expect(where, Array.isArray(list) && list.length > 0,
    "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS must be a non-empty JSON array");
  if (Array.isArray(list)) list.forEach((s, i) => checkAuthorizationServer(`${where}: authorization server ${i}`, s));
  for (const k of ["MCP_RESOURCE_SERVER_SCOPES_SUPPORTED", "MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES"]) {
    const scopes = (env[k] ?? "").split(/[\s,]+/).filter(Boolean);
    expect(where, !scopes.includes("offline_access"),
      `${k}: offline_access is never advertised (MCP 2026-07-28); the server drops it`);
    expect(where, scopes.every((s) => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s)), `${k}: not a list of OAuth scope tokens`);
  }
  for (const [k, lo, hi] of [["MCP_RESOURCE_SERVER_JWKS_CACHE_SECONDS", 1, 86400],
    ["MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN_SECONDS", 0, 3600]]) {
    if (k in env) expect(where, /^\d+$/.test(env[k]) && +env[k] >= lo && +env[k] <= hi, `${k}: ${lo} to ${hi}`);
  }
  // The image holds Debian's CA bundle where libcurl looks for it (IMAGE_CA_BUNDLE): no CA file is
  // needed. One set (a private CA) replaces that bundle, so it must exist in the pod: under a
  // volumeMount of one of the pod's volumes (or the image's own bundle).
  const file = env.MCP_RESOURCE_SERVER_CA_FILE;
  if (file !== undefined && file !== IMAGE_CA_BUNDLE) {
    const mount = typeof file === "string" &&
      (c.volumeMounts ?? []).find((m) => file.startsWith(`${m.mountPath.replace(/\/$/, "")}/`));
    const volumes = dep.spec.template.spec.volumes ?? [];
    expect(where, mount && volumes.some((v) => v.name === mount.name),
      `MCP_RESOURCE_SERVER_CA_FILE (${typeof file === "string" ? file : JSON.stringify(file)}) must lie under a volumeMount of a volume of the pod`);
  }
  // The endpoint and both metadata URLs must reach this Service (a 404 from the ingress on the
  // metadata breaks discovery even though /mcp answers 401).
  const port = service?.spec.ports.find((p) => p.name === "http");
  const toUs = (b) => !!service && b?.service?.name === service.metadata.name &&
    (b.service.port?.name === "http" || b.service.port?.number === port?.port);
  const paths = url ? [url.pathname, WELL_KNOWN + url.pathname, WELL_KNOWN] : [WELL_KNOWN];
  for (const p of paths) {
    const host = url ? url.hostname : [...hosts][0];
    expect(where, toUs(backendFor(ingresses, host, p)),
      `the Ingress must route ${host}${p} to Service arcade-eval-ref`);
  }
  for (const i of ingresses) {
    for (const p of i.spec.rules.flatMap((r) => r.http.paths)) {
      expect(`${name} Ingress ${i.metadata.name}`, !(p.path.includes(".") && p.pathType !== "ImplementationSpecific"),
        `path ${p.path}: ingress-nginx's strict path validation refuses "." with pathType ${p.pathType}`);
    }
  }
  expect(where, service?.metadata.namespace === dep.metadata.namespace,
    "a Service arcade-eval-ref beside the Deployment");
  return canonical;
}

// The sources the monitoring overlay's generated objects must equal (monitoring.mjs writes them).
const MONITORING = new URL("../monitoring/", import.meta.url);
// Key order aside (kustomize sorts the keys of objects whose schema it does not know).
const sortKeys = (x) => Array.isArray(x) ? x.map(sortKeys) : x && typeof x === "object"
  ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys(x[k])])) : x;
const sameJSON = (a, b) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));

// Metrics (docs/observability.md): a listener of its own on every pod address, named `metrics` on
// the container and the Service, never behind the Ingress; one way of scraping, not two; in the
// monitoring overlay a ServiceMonitor on that port, the alerts and the dashboard as in their sources.
function checkMetrics(name, { dep, c, env, ingresses, service, by }) {
  const where = `${name} metrics`;
  const port = (c.ports ?? []).find((p) => p.name === "metrics");
  expect(where, env.ARCADE_METRICS_PORT !== undefined, "ARCADE_METRICS_PORT must be set (the metrics listener)");
  if (env.ARCADE_METRICS_PORT !== undefined) {
    expect(where, port && String(port.containerPort) === env.ARCADE_METRICS_PORT,
      `a container port named metrics with containerPort ARCADE_METRICS_PORT (${env.ARCADE_METRICS_PORT})`);
    expect(where, env.ARCADE_METRICS_PORT !== (env.ARCADE_SERVER_PORT ?? "8000"),
      "the metrics port differs from the server port");
    expect(where, ["0.0.0.0", "::"].includes(env.ARCADE_METRICS_HOST),
      "ARCADE_METRICS_HOST must be 0.0.0.0 in a pod (the default 127.0.0.1 is unreachable for Prometheus), " +
      `got ${env.ARCADE_METRICS_HOST}`);
  }
  expect(where, env.ARCADE_METRICS_ON_MAIN_PORT !== "true",
    "ARCADE_METRICS_ON_MAIN_PORT: /metrics stays off the main port");
  const svcPort = service?.spec.ports.find((p) => p.name === "metrics");
  expect(where, svcPort && (svcPort.targetPort === "metrics" || svcPort.targetPort === port?.containerPort),
    "the Service has a port named metrics to the container's metrics port");
  for (const i of ingresses) {
    for (const r of i.spec.rules) for (const p of r.http.paths) {
      const b = p.backend?.service?.port;
      expect(`${name} Ingress ${i.metadata.name}`, b?.name !== "metrics" && (!svcPort || b?.number !== svcPort.port),
        `path ${p.path} routes to the metrics port`);
    }
    for (const host of new Set(i.spec.rules.map((r) => r.host)))
      expect(`${name} Ingress ${i.metadata.name}`, !backendFor([i], host, "/metrics"), `${host}/metrics is routed`);
  }
  const ann = dep.spec.template.metadata?.annotations ?? {};
  const annotated = ann["prometheus.io/scrape"] === "true";
  if (annotated) {
    expect(where, ann["prometheus.io/port"] === String(port?.containerPort),
      "prometheus.io/port names the metrics port");
    expect(where, (ann["prometheus.io/path"] ?? "/metrics") === "/metrics", "prometheus.io/path is /metrics");
  }
  const monitors = by("ServiceMonitor");
  for (const sm of monitors) {
    const w = `${name} ServiceMonitor ${sm.metadata.name}`;
    const sel = sm.spec.selector?.matchLabels ?? {};
    expect(w, service && Object.keys(sel).length &&
      Object.entries(sel).every(([k, v]) => service.metadata.labels?.[k] === v),
      "its selector picks the Service arcade-eval-ref");
    const nsSel = sm.spec.namespaceSelector;
    expect(w, sm.metadata.namespace === service?.metadata.namespace ||
      nsSel?.any || nsSel?.matchNames?.includes(service?.metadata.namespace), "the Service's namespace is watched");
    const ep = (sm.spec.endpoints ?? []).find((e) => e.port === "metrics");
    expect(w, ep && (sm.spec.endpoints ?? []).length === 1, "one endpoint, on the Service port named metrics");
    expect(w, (ep?.path ?? "/metrics") === "/metrics", "path /metrics");
    expect(w, ep?.interval === "15s", `interval 15s, got ${ep?.interval}`);
    expect(w, !sm.spec.jobLabel, "no jobLabel: the job is the Service's name, as the alerts expect");
    expect(w, !annotated, "the pods also carry prometheus.io/scrape: a Prometheus honouring both scrapes them twice");
  }
  const rules = by("PrometheusRule");
  for (const r of rules) {
    const want = parse(readFileSync(new URL("alerts.yml", MONITORING), "utf8")).groups;
    expect(`${name} PrometheusRule ${r.metadata.name}`, sameJSON(r.spec.groups, want),
      "its groups differ from deploy/monitoring/alerts.yml (node deploy/validate/monitoring.mjs write)");
  }
  const boards = by("ConfigMap").filter((m) => m.metadata.labels?.grafana_dashboard === "1");
  for (const m of boards) {
    const w = `${name} ConfigMap ${m.metadata.name}`;
    const want = JSON.parse(readFileSync(new URL("grafana-dashboard.json", MONITORING), "utf8"));
    const files = Object.entries(m.data ?? {}).filter(([k]) => k.endsWith(".json"));
    let same = false;
    try { same = files.length === 1 && sameJSON(JSON.parse(files[0][1]), want); } catch { /* reported below */ }
    expect(w, same,
      "one .json key equal to deploy/monitoring/grafana-dashboard.json (node deploy/validate/monitoring.mjs write)");
  }
  if (name.startsWith("monitoring"))
    expect(where, monitors.length === 1 && rules.length === 1 && boards.length === 1,
      "the monitoring overlay holds one ServiceMonitor, one PrometheusRule and one dashboard ConfigMap");
  return monitors.length ? "ServiceMonitor" : annotated ? "prometheus.io annotations" : "no scrape configuration";
}

// Whether a label selector's matchLabels (matchExpressions count as no match) select these labels.
const selects = (sel, labels) => {
  const ml = sel?.matchLabels ?? sel ?? {};
  return !sel?.matchExpressions?.length && Object.keys(ml).length > 0 &&
    Object.entries(ml).every(([k, v]) => labels?.[k] === v);
};
// Redis memory units (1k = 1000, 1kb = 1024) and Kubernetes quantities (Mi, M, ...) in bytes.
const REDIS_UNITS = { "": 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
const redisBytes = (v) => {
  const m = /^(\d+)([a-z]*)$/i.exec(String(v ?? ""));
  return m && m[2].toLowerCase() in REDIS_UNITS ? Number(m[1]) * REDIS_UNITS[m[2].toLowerCase()] : NaN;
};
const K8S_UNITS = { "": 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
const k8sBytes = (v) => {
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(String(v ?? ""));
  return m && m[2] in K8S_UNITS ? Number(m[1]) * K8S_UNITS[m[2]] : NaN;
};
const argAfter = (argv, flag) => { const i = argv.indexOf(flag); return i >= 0 ? argv[i + 1] : undefined; };

// MCP tasks across replicas (docs/tasks.md, docs/deploy.md §10): ARCADE_TASK_STORE only from a
// Secret (the URL holds the Redis password); the Redis beside the server one pod, password-protected
// with a password from the same Secret, probed with an authenticated redis-cli ping, non-root and
// read-only, bounded in memory without evicting tasks, reachable through a ClusterIP Service only
// and, per a NetworkPolicy, only from the server's pods. Returns a summary for the rules line.
function checkTasks(name, { dep, c, ingresses, by }) {
  const where = `${name} tasks`;
  const entry = (c.env ?? []).find((e) => e.name === "ARCADE_TASK_STORE");
  const ref = entry?.valueFrom?.secretKeyRef;
  if (entry && !ref) {
    if (entry.value === undefined || !["", "memory"].includes(entry.value.trim()))
      fail(where, "ARCADE_TASK_STORE must come from a Secret (valueFrom.secretKeyRef), never a literal value: " +
        "the Redis URL holds the password");
  }
  const appLabels = dep.spec.template.metadata?.labels ?? {};
  const isRedis = (x) => /(^|\/)redis([:@]|$)/.test(x.image) || (x.command ?? []).includes("redis-server");
  const redises = by("Deployment").filter((d) => d !== dep && d.spec.template.spec.containers.some(isRedis));
  if (name.startsWith("redis-tasks")) {
    expect(where, ref, "ARCADE_TASK_STORE must be set from a secretKeyRef (redis://:<password>@<service>:6379/0)");
    if (!externalRedis)
      expect(where, redises.length === 1, `one Redis Deployment beside the server, found ${redises.length}`);
  }
  if (!ref && !redises.length) return "tasks in memory";
  if (ref) {
    const sealed = by("SealedSecret").find((s) => s.metadata.name === ref.name);
    if (!name.startsWith("defaults") || sealed)   // a chart's existing Secret is not among the objects
      expect(where, sealed && sealed.metadata.namespace === dep.metadata.namespace &&
        sealed.spec.encryptedData?.[ref.key], `a SealedSecret ${ref.name} with ${ref.key} in the Deployment's namespace`);
    if (sealed && /PLACEHOLDER/.test(sealed.spec.encryptedData?.[ref.key] ?? ""))
      console.log(`note ${name}: SealedSecret ${ref.name} holds the example placeholder ciphertext ` +
        "(replace it with kubeseal's output before applying)");
    if (!externalRedis)
      expect(where, redises.length > 0,
        `ARCADE_TASK_STORE from Secret ${ref.name} but no Redis Deployment beside the server`);
  }
  if (ref && !redises.length) return `tasks in an external Redis (ARCADE_TASK_STORE from Secret ${ref.name})`;
  const summary = [];
  for (const rd of redises) {
    const w = `${name} Deployment ${rd.metadata.name}`;
    const pod = rd.spec.template.spec;
    const labels = rd.spec.template.metadata?.labels ?? {};
    const rc = pod.containers.find(isRedis);
    const renv = Object.fromEntries((rc.env ?? []).map((e) => [e.name, e]));
    expect(w, rd.spec.replicas === 1,
      "one Redis pod: several behind one Service are separate stores, each with part of the tasks");
    expect(w, rd.spec.strategy?.type === "Recreate",
      "strategy Recreate: a rolling update puts two stores behind the Service at once and splits the tasks");
    const tag = /:([^:/@]+)(@.*)?$/.exec(rc.image)?.[1];
    expect(w, tag && tag !== "latest" && Number.parseInt(tag, 10) >= 7,
      `the Redis image must carry a pinned tag of Redis >= 7 (the task scripts need 7.0), got ${rc.image}`);
    // Selectors must keep the two apart: the server's Service, PDB and HPA'd Deployment pick no Redis pod.
    expect(w, !selects(dep.spec.selector, labels), "the server's selector also picks the Redis pods");
    expect(w, !selects(rd.spec.selector, appLabels), "the Redis selector also picks the server's pods");
    for (const sv of by("Service").filter((x) => x.metadata.name === dep.metadata.name))
      expect(w, !selects(sv.spec.selector, labels), `Service ${sv.metadata.name} selects the Redis pods`);
    const argv = [...(rc.command ?? []), ...(rc.args ?? [])].map(String);
    const pass = argAfter(argv, "--requirepass");
    const passVar = /^\$\(([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(pass ?? "")?.[1];
    const passRef = renv[passVar]?.valueFrom?.secretKeyRef;
    expect(w, pass !== undefined, "Redis must run with --requirepass (the task store holds every caller's tasks)");
    if (pass !== undefined) {
      expect(w, passRef, `--requirepass must be $(VAR) of an env variable from a secretKeyRef, got ${pass}`);
      if (ref) expect(w, passRef?.name === ref.name,
        `the Redis password and ARCADE_TASK_STORE from the same Secret (${ref.name}), so that they match`);
    }
    const save = argAfter(argv, "--save"), aof = argAfter(argv, "--appendonly");
    const persistent = aof === "yes" || save !== "";
    const dataMount = (rc.volumeMounts ?? []).find((m) => m.mountPath.replace(/\/$/, "") === "/data");
    const dataVol = (pod.volumes ?? []).find((v) => v.name === dataMount?.name);
    expect(w, dataVol, "/data (Redis's working directory) mounted from a volume: the root filesystem is read-only");
    if (persistent) expect(w, dataVol?.persistentVolumeClaim,
      `persistence (--save ${save === undefined ? "(default)" : JSON.stringify(save)}, --appendonly ${aof ?? "no"}) ` +
      "needs /data on a PersistentVolumeClaim; without one, run with --save \"\" --appendonly no");
    const policy = argAfter(argv, "--maxmemory-policy");
    expect(w, policy === undefined || policy === "noeviction",
      `--maxmemory-policy ${policy}: an evicting policy drops tasks silently (their ids turn unknown); use noeviction`);
    const maxmem = redisBytes(argAfter(argv, "--maxmemory")), limit = k8sBytes(rc.resources?.limits?.memory);
    expect(w, maxmem > 0 && maxmem < limit,
      `--maxmemory (${argAfter(argv, "--maxmemory") ?? "unset"}) set and below the memory limit ` +
      `(${rc.resources?.limits?.memory}): else the kernel kills Redis and every task with it`);
    expect(w, rc.resources?.requests?.cpu && rc.resources?.requests?.memory && rc.resources?.limits?.cpu &&
      rc.resources?.limits?.memory, "resource requests and limits");
    const port = (rc.ports ?? []).find((p) => p.containerPort === Number(argAfter(argv, "--port") ?? 6379));
    expect(w, port, "a container port for Redis's --port (6379)");
    // redis-cli exits 0 on NOAUTH and WRONGPASS: a probe must authenticate and look for PONG.
    const authed = renv.REDISCLI_AUTH?.valueFrom?.secretKeyRef;
    for (const [kind, p] of [["readiness", rc.readinessProbe], ["liveness", rc.livenessProbe]]) {
      const cmd = (p?.exec?.command ?? []).join(" ");
      expect(w, /\bredis-cli\b/.test(cmd) && /\bping\b/i.test(cmd),
        `${kind} probe: exec redis-cli ping, got ${cmd || "none"}`);
      expect(w, authed || /(^|\s)(-a|--pass|--askpass)(\s|$)/.test(cmd),
        `${kind} probe must authenticate (REDISCLI_AUTH from the Secret), else it sees NOAUTH`);
      expect(w, /\bPONG\b/.test(cmd), `${kind} probe must require the answer PONG (redis-cli exits 0 on NOAUTH)`);
    }
    const sc = rc.securityContext ?? {}, psc = pod.securityContext ?? {};
    expect(w, (sc.runAsNonRoot ?? psc.runAsNonRoot) === true, "runAsNonRoot");
    expect(w, (sc.runAsUser ?? psc.runAsUser) === 999, "runAsUser 999 (the image's redis user)");
    expect(w, sc.readOnlyRootFilesystem === true, "readOnlyRootFilesystem");
    expect(w, sc.allowPrivilegeEscalation === false, "allowPrivilegeEscalation false");
    expect(w, JSON.stringify(sc.capabilities?.drop) === '["ALL"]', "capabilities drop ALL");
    expect(w, (sc.seccompProfile ?? psc.seccompProfile)?.type === "RuntimeDefault", "seccompProfile RuntimeDefault");
    expect(w, pod.automountServiceAccountToken === false, "automountServiceAccountToken false");
    // Reachable inside the namespace only: ClusterIP Services, no Ingress route, a NetworkPolicy.
    const services = by("Service").filter((sv) => selects(sv.spec.selector, labels));
    expect(w, services.length > 0 && services.some((sv) => sv.spec.ports.some((p) => p.port === 6379)),
      "a Service on port 6379 selecting the Redis pods");
    for (const sv of services) {
      const sw = `${name} Service ${sv.metadata.name}`;
      expect(sw, (sv.spec.type ?? "ClusterIP") === "ClusterIP",
        `type ${sv.spec.type}: Redis must stay inside the cluster`);
      expect(sw, !sv.spec.externalIPs?.length && !sv.spec.ports.some((p) => p.nodePort), "no externalIPs or nodePort");
      for (const i of ingresses) for (const r of i.spec.rules) for (const p of r.http.paths)
        expect(`${name} Ingress ${i.metadata.name}`, p.backend?.service?.name !== sv.metadata.name,
          `path ${p.path} routes to the Redis Service`);
    }
    const policies = by("NetworkPolicy").filter((np) =>
      Object.keys(np.spec.podSelector?.matchLabels ?? {}).length ? selects(np.spec.podSelector, labels) : true);
    const guarded = policies.filter((np) => (np.spec.policyTypes ?? ["Ingress"]).includes("Ingress"));
    expect(w, guarded.length > 0, "a NetworkPolicy (policyTypes Ingress) on the Redis pods");
    for (const np of guarded) {
      const nw = `${name} NetworkPolicy ${np.metadata.name}`;
      for (const rule of np.spec.ingress ?? []) {
        const from = rule.from ?? [];
        expect(nw, from.length > 0, "an ingress rule without `from` admits every source");
        for (const peer of from) {
          expect(nw, !peer.ipBlock && !peer.namespaceSelector,
            "only pods of this namespace (podSelector alone: no namespaceSelector, no ipBlock)");
          expect(nw, peer.podSelector && selects(peer.podSelector, appLabels) && !selects(peer.podSelector, labels),
            `only the server's pods (${JSON.stringify(dep.spec.selector.matchLabels)}) may reach Redis, got ` +
            JSON.stringify(peer.podSelector ?? peer));
        }
        const ports = rule.ports ?? [];
        expect(nw, ports.length > 0 && ports.every((p) => p.port === 6379 || p.port === port?.name),
          "ingress to Redis on port 6379 only");
      }
    }
    summary.push(`tasks in Redis (${rc.image}, ${services.map((sv) => `Service ${sv.metadata.name}`).join(", ")}, ` +
      `NetworkPolicy ${guarded.map((np) => np.metadata.name).join(", ")})`);
  }
  return summary.join("; ") || "tasks in memory";
}

function checkRules(name, objs) {
  const by = (kind) => objs.filter((o) => o.kind === kind);
  const dep = by("Deployment").find((d) => d.metadata.name === "arcade-eval-ref") ?? by("Deployment")[0];
  const where = `${name} Deployment`;
  if (!dep) return fail(name, "no Deployment");
  const pod = dep.spec.template.spec;
  const c = pod.containers.find((x) => x.name === "server");
  if (!c) return fail(where, "no container named server");
  const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
  // Two replicas; with a shared task store (ARCADE_TASK_STORE other than memory) more, as the HPA's minimum.
  const hpa = by("HorizontalPodAutoscaler")[0];
  const store = env.ARCADE_TASK_STORE;
  if (store !== undefined && !(typeof store === "string" && ["", "memory"].includes(store.trim())))
    expect(where, dep.spec.replicas >= 2 && dep.spec.replicas === hpa?.spec.minReplicas,
      `replicas (${dep.spec.replicas}) at least 2 and equal to the HPA's minReplicas (${hpa?.spec.minReplicas})`);
  else expect(where, dep.spec.replicas === 2, "replicas must be 2");
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
  // A chart's default render has neither an Ingress nor a worker secret: those rules wait for the
  // values that set them (a worker secret given must still come from a Secret).
  const defaults = name.startsWith("defaults");
  if (!defaults || env.ARCADE_WORKER_SECRET !== undefined)
    expect(where, env.ARCADE_WORKER_SECRET?.secretKeyRef?.key === "ARCADE_WORKER_SECRET", "ARCADE_WORKER_SECRET from a Secret");
  const ingresses = by("Ingress");
  const hosts = new Set(ingresses.flatMap((i) => i.spec.rules.map((r) => r.host)));
  if (!defaults || ingresses.length)
    expect(where, hosts.size === 1 && env.MCP_TRANSPORT_ALLOWED_HOSTS?.split(",").includes([...hosts][0]),
      `MCP_TRANSPORT_ALLOWED_HOSTS (${env.MCP_TRANSPORT_ALLOWED_HOSTS}) must list the ingress host (${[...hosts]})`);
  for (const i of ingresses) {
    const w = `${name} Ingress ${i.metadata.name}`;
    expect(w, i.spec.ingressClassName === "nginx", "ingressClassName nginx");
    expect(w, i.spec.tls?.every((t) => t.secretName && t.hosts.every((h) => hosts.has(h))), "TLS for the host with a secretName");
  }
  const secretRef = env.ARCADE_WORKER_SECRET?.secretKeyRef?.name;
  const sealed = by("SealedSecret").find((s) => s.metadata.name === secretRef);
  if (!defaults)
    expect(where, sealed && sealed.metadata.namespace === dep.metadata.namespace && sealed.spec.encryptedData?.ARCADE_WORKER_SECRET,
      `a SealedSecret ${secretRef} with ARCADE_WORKER_SECRET in the Deployment's namespace`);
  if (sealed && /PLACEHOLDER/.test(sealed.spec.encryptedData.ARCADE_WORKER_SECRET))
    console.log(`note ${name}: SealedSecret ${secretRef} holds the example placeholder ciphertext (replace it with kubeseal's output before applying)`);
  expect(name, hpa?.apiVersion === "autoscaling/v2" && hpa.spec.scaleTargetRef.name === dep.metadata.name && hpa.spec.minReplicas >= 2, "autoscaling/v2 HPA on the Deployment, minReplicas >= 2");
  const pdb = by("PodDisruptionBudget")[0];
  expect(name, pdb?.spec.minAvailable === 1, "PodDisruptionBudget minAvailable 1");
  const stateless = env.ARCADE_SERVER_STATELESS === "true";
  const mcpIngress = ingresses.find((i) => i.spec.rules.some((r) => r.http.paths.some((p) => p.path.startsWith("/mcp"))));
  const hashBy = mcpIngress?.metadata.annotations?.["nginx.ingress.kubernetes.io/upstream-hash-by"];
  if (stateless) expect(name, !hashBy, "stateless replicas need no affinity on /mcp");
  else if (!defaults || mcpIngress) expect(name, hashBy && hashBy !== "$http_mcp_session_id",
    "sessions mode needs an affinity key present on initialize too (not $http_mcp_session_id alone)");
  const service = by("Service").find((sv) => sv.metadata.name === dep.metadata.name);
  const canonical = checkFrontDoor(name, { dep, c, env, ingresses, hosts, service });
  const scrape = checkMetrics(name, { dep, c, env, ingresses, service, by });
  const tasks = checkTasks(name, { dep, c, ingresses, by });
  const mode = stateless ? "stateless" : `sessions (affinity ${hashBy ?? "none: no Ingress"})`;
  console.log(`rules ${name}: ${mode}, ${dep.spec.replicas} replicas, image ${c.image}, host ${[...hosts].join(",") || "none"}` +
    (defaults ? `, worker secret ${secretRef ?? "none (worker routes off)"}` : "") +
    (canonical ? `, front-door auth for ${canonical}` : "") + `, metrics on :${env.ARCADE_METRICS_PORT} (${scrape})` +
    `, ${tasks}`);
}

// A Flux HelmRelease (deploy/helm/examples/flux-helmrelease.yaml): helm.toolkit.fluxcd.io/v2, its
// chart from a source defined beside it (GitRepository, HelmRepository or OCIRepository, same
// name and namespace), a pinned chart version or a path, install and upgrade remediation, values
// inline or from ConfigMaps/Secrets. deploy/helm/test.sh renders the chart with its inline values.
function checkFlux(name, objs) {
  const releases = objs.filter((o) => o.kind === "HelmRelease");
  expect(name, releases.length > 0, "no HelmRelease");
  for (const hr of releases) {
    const w = `${name} HelmRelease ${hr.metadata.name}`;
    expect(w, hr.apiVersion === "helm.toolkit.fluxcd.io/v2", `apiVersion helm.toolkit.fluxcd.io/v2, got ${hr.apiVersion}`);
    const chart = hr.spec.chart?.spec;
    expect(w, chart?.chart, "spec.chart.spec.chart names the chart");
    const ref = chart?.sourceRef ?? {};
    const ns = ref.namespace ?? hr.metadata.namespace;
    const source = objs.find((o) => o.kind === ref.kind && o.metadata.name === ref.name &&
      (o.metadata.namespace ?? hr.metadata.namespace) === ns);
    expect(w, source && source.apiVersion === "source.toolkit.fluxcd.io/v1",
      `its sourceRef (${ref.kind} ${ns}/${ref.name}) is defined beside it (source.toolkit.fluxcd.io/v1)`);
    if (ref.kind === "HelmRepository" || ref.kind === "OCIRepository")
      expect(w, chart?.version && !/[*x^~]|>|</.test(chart.version), `a pinned chart version, got ${chart?.version}`);
    if (ref.kind === "GitRepository")
      expect(w, /^\.\//.test(chart?.chart ?? ""), `the chart as a path in the repository (./...), got ${chart?.chart}`);
    expect(w, hr.spec.install?.remediation?.retries !== undefined && hr.spec.upgrade?.remediation?.retries !== undefined,
      "install and upgrade remediation (retries) set");
    expect(w, hr.spec.targetNamespace || hr.metadata.namespace, "a namespace to install into");
    console.log(`rules ${w}: chart ${chart?.chart}${chart?.version ? `@${chart.version}` : ""} from ${ref.kind} ${ref.name}` +
      `, into ${hr.spec.targetNamespace ?? hr.metadata.namespace}`);
  }
}

for (const arg of process.argv.slice(2)) {
  if (arg === "--external-redis") { externalRedis = true; continue; }
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
  if (name.startsWith("flux")) checkFlux(name, objs);
  else checkRules(name, objs);
}
if (failures) { console.log(`${failures} Kubernetes check(s) failed`); process.exit(1); }
