// The monitoring files of deploy/monitoring: checks them against the server's metric catalogue
// and keeps the copies the Kubernetes overlay needs in sync (kustomize reads no file outside an
// overlay's folder, so deploy/k8s/overlays/monitoring holds generated copies).
//   node monitoring.mjs check [--alerts F] [--tests F] [--dashboard F] [--overlay DIR]
//       alerts.yml: the five alerts, each with severity, summary, description and `for`, every
//         expression naming only catalogued metrics, labels and label values; alerts_test.yml
//         shows each alert firing and silent;
//       grafana-dashboard.json: schemaVersion >= 36, a `datasource` variable of Prometheus data
//         sources used by every panel and query, every expression checked like the alerts', every
//         catalogued metric shown somewhere, unique panel ids, panels inside the 24-column grid;
//       the overlay's prometheusrule.yaml and grafana-dashboard.yaml exactly as `write` makes them.
//   node monitoring.mjs write              regenerates those two overlay files from the sources
//   node monitoring.mjs dashboard-rules OUT.yml
//       the dashboard's expressions as recording rules (Grafana's $variables replaced), so that
//       `promtool check rules` parses every one of them
//   node monitoring.mjs scrape-config OUTDIR
//       prometheus.yml and alerts.yml copied for `promtool check config`, kubernetes_sd_configs
//       replaced by a static target: Debian's promtool is built without Kubernetes discovery
// The catalogue below is the server's metric set (docs/observability.md, src/observe/metrics.hpp).
import { readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, parseDocument, Document, Scalar, stringify } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

// --- The catalogue -----------------------------------------------------------------------------
// Labels per metric; a label with a list takes only those values (checked in =, !=, and in =~, !~
// regexes that are plain alternatives), null is open (tool names, routes, versions...).
const TOOL_OUTCOMES = ["ok", "tool_error", "bad_arguments", "exception", "refused", "input_required", "timeout",
  "cancelled", "busy", "unknown_tool"];
export const METRICS = {
  arcade_mcp_http_requests_total: { type: "counter", labels: { route: null, status: null } },
  arcade_mcp_requests_total: { type: "counter", labels: { method: null, era: ["legacy", "modern"],
    outcome: ["ok", "error", "input_required", "cancelled"] } },
  arcade_mcp_tool_calls_total: { type: "counter", labels: { tool: null, outcome: TOOL_OUTCOMES } },
  arcade_mcp_tool_call_duration_seconds: { type: "histogram", labels: { tool: null } },
  arcade_mcp_sessions_open: { type: "gauge", labels: {} },
  arcade_mcp_tool_calls_in_flight: { type: "gauge", labels: {} },
  arcade_mcp_pool_queue_depth: { type: "gauge", labels: {} },
  arcade_mcp_sse_streams_open: { type: "gauge", labels: {} },
  arcade_mcp_http_connections_open: { type: "gauge", labels: {} },
  arcade_mcp_sse_events_replayed_total: { type: "counter", labels: {} },
  arcade_mcp_token_refusals_total: { type: "counter", labels: { token: ["worker", "bearer"], reason: null } },
  arcade_mcp_limits_hit_total: { type: "counter", labels: { kind: ["body_too_large", "headers_too_large",
    "too_many_requests", "connections", "sessions", "tool_busy", "pending_client_requests"] } },
  arcade_mcp_connection_failures_total: { type: "counter", labels: {} },
  arcade_mcp_trace_spans_exported_total: { type: "counter", labels: {} },
  arcade_mcp_trace_spans_dropped_total: { type: "counter",
    labels: { reason: ["queue_full", "export_failed", "shutdown"] } },
  arcade_mcp_build_info: { type: "gauge", labels: { version: null } },
  process_cpu_seconds_total: { type: "counter", labels: {} },
  process_resident_memory_bytes: { type: "gauge", labels: {} },
  process_virtual_memory_bytes: { type: "gauge", labels: {} },
  process_open_fds: { type: "gauge", labels: {} },
  process_max_fds: { type: "gauge", labels: {} },
  process_start_time_seconds: { type: "gauge", labels: {} },
};
// Series Prometheus makes itself for each target (not on /metrics, so not required on the dashboard).
const SCRAPE_SERIES = { up: { type: "gauge", labels: {} } };
// Labels the scrape adds: Prometheus (job, instance), the ServiceMonitor and prometheus.yml's
// relabelling (namespace, pod, service, container, endpoint).
const TARGET_LABELS = new Set(["job", "instance", "namespace", "pod", "service", "container", "endpoint"]);
export const ALERTS = ["ArcadeMcpHighErrorRate", "ArcadeMcpToolLatencyP99High", "ArcadeMcpSaturation",
  "ArcadeMcpTargetDown", "ArcadeMcpSpansDropped"];
const SEVERITIES = new Set(["critical", "warning", "info"]);

// The series a name stands for: [metric entry, extra labels] (a histogram's _bucket has `le`).
function lookup(name) {
  const all = { ...METRICS, ...SCRAPE_SERIES };
  if (all[name] && all[name].type !== "histogram") return { base: name, spec: all[name], extra: [] };
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (m && all[m[1]]?.type === "histogram")
    return { base: m[1], spec: all[m[1]], extra: m[2] === "bucket" ? ["le"] : [] };
  return null;
}

// --- PromQL ------------------------------------------------------------------------------------
const FUNCTIONS = new Set(`abs absent absent_over_time ceil changes clamp clamp_max clamp_min day_of_month
  day_of_week day_of_year days_in_month delta deriv exp floor histogram_quantile holt_winters hour idelta increase
  irate label_join label_replace ln log2 log10 minute month predict_linear rate resets round scalar sgn sort
  sort_desc sqrt time timestamp vector year avg_over_time min_over_time max_over_time sum_over_time
  count_over_time quantile_over_time stddev_over_time stdvar_over_time last_over_time present_over_time
  sum min max avg group stddev stdvar count count_values bottomk topk quantile`.split(/\s+/));
const GROUPING = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);
const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "atan2", "inf", "nan"]);
const TOKEN = new RegExp([
  String.raw`(?<ws>\s+|#[^\n]*)`,
  String.raw`(?<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\x60[^\x60]*\x60)`,
  String.raw`(?<num>(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?(?:(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*)?|0x[0-9a-f]+)`,
  String.raw`(?<id>[a-zA-Z_:][a-zA-Z0-9_:]*)`,
  String.raw`(?<op>=~|!~|!=|==|<=|>=|[-+*/%^<>=(){}\[\],:@])`,
].join("|"), "iy");

// Grafana's interval variables become a duration; other $variables may only stand in strings.
const deGrafana = (expr) =>
  expr.replace(/\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}/g, "5m");

// Checks one expression; returns the metric names it uses. `problems` collects messages.
export function checkExpr(expr, problems) {
  const text = deGrafana(expr);
  const toks = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) { problems.push(`cannot read "${text.slice(at, at + 20)}"`); return new Set(); }
    const kind = Object.keys(m.groups).find((k) => m.groups[k] !== undefined);
    if (kind !== "ws") toks.push({ kind, text: m[0] });
  }
  const used = new Map();  // metric name -> lookup()
  const grouped = [];      // label names of by/without/on/ignoring/group_* clauses
  const unquote = (s) => s.slice(1, -1).replace(/\\(.)/g, "$1");
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i], next = toks[i + 1]?.text;
    if (t.text === "[") { while (i < toks.length && toks[i].text !== "]") i++; continue; }
    if (t.text === "{") { problems.push("a selector without a metric name"); continue; }
    if (t.kind !== "id") continue;
    if (GROUPING.has(t.text)) {
      if (next === "(") {
        for (i += 2; i < toks.length && toks[i].text !== ")"; i++)
          if (toks[i].kind === "id") grouped.push(toks[i].text);
      }
      continue;
    }
    if (KEYWORDS.has(t.text.toLowerCase())) {
      if (t.text === "offset") i++;
      continue;
    }
    if (next === "(" || (GROUPING.has(next) && FUNCTIONS.has(t.text))) {  // sum by (le) (...) too
      if (!FUNCTIONS.has(t.text)) problems.push(`unknown function ${t.text}()`);
      continue;
    }
    const series = lookup(t.text);
    if (!series) {
      problems.push(`metric ${t.text} is not one the server exports`);
      if (next === "{") while (i < toks.length && toks[i].text !== "}") i++;
      continue;
    }
    used.set(t.text, series);
    if (next !== "{") continue;
    const allowed = new Set([...Object.keys(series.spec.labels), ...series.extra, ...TARGET_LABELS]);
    for (i += 2; i < toks.length && toks[i].text !== "}"; i++) {
      if (toks[i].text === ",") continue;
      const [label, op, value] = [toks[i], toks[i + 1], toks[i + 2]];
      if (label?.kind !== "id" || !["=", "!=", "=~", "!~"].includes(op?.text) || value?.kind !== "str") {
        problems.push(`${t.text}: cannot read its label matchers`);
        break;
      }
      i += 2;
      if (!allowed.has(label.text)) { problems.push(`${t.text} has no label ${label.text}`); continue; }
      const values = series.spec.labels[label.text];
      const v = unquote(value.text);
      if (!values || v.includes("$")) continue;
      const regex = op.text.endsWith("~");
      if (regex && !/^[\w\-|]+$/.test(v)) continue;  // plain alternatives only
      for (const alt of regex ? v.split("|") : [v])
        if (!values.includes(alt))
          problems.push(`${t.text}{${label.text}}: "${alt}" is not one of ${values.join(", ")}`);
    }
  }
  const labels = new Set([...TARGET_LABELS,
    ...[...used.values()].flatMap((s) => [...Object.keys(s.spec.labels), ...s.extra])]);
  for (const l of grouped) if (!labels.has(l)) problems.push(`grouping by ${l}, a label none of its metrics has`);
  return new Set(used.keys());
}

// --- Sources and generated files ---------------------------------------------------------------
const paths = (args) => {
  const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
  return {
    alerts: opt("--alerts", join(root, "deploy/monitoring/alerts.yml")),
    tests: opt("--tests", join(root, "deploy/monitoring/alerts_test.yml")),
    dashboard: opt("--dashboard", join(root, "deploy/monitoring/grafana-dashboard.json")),
    overlay: opt("--overlay", join(root, "deploy/k8s/overlays/monitoring")),
  };
};
const LABELS = { "app.kubernetes.io/name": "arcade-eval-ref", "app.kubernetes.io/part-of": "arcade" };
const header = (src) => ` GENERATED from ${src}
 by \`node deploy/validate/monitoring.mjs write\`: edit that file and regenerate (validate.sh fails when this
 copy differs).`;

export function prometheusRuleYaml(alertsText) {
  const src = parseDocument(alertsText);
  const doc = new Document({
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: "arcade-eval-ref", labels: { ...LABELS } },
    spec: {},
  });
  doc.setIn(["spec", "groups"], src.get("groups", true));
  doc.commentBefore = `${header("deploy/monitoring/alerts.yml")}
 The Prometheus Operator loads it when it matches its ruleSelector (kube-prometheus-stack: the label
 release: <its Helm release>; see docs/observability.md).`;
  return doc.toString({ lineWidth: 116 });  // folded descriptions re-folded within 120 columns
}

export function dashboardConfigMapYaml(dashboardText) {
  const json = new Scalar(dashboardText);
  json.type = Scalar.BLOCK_LITERAL;
  const doc = new Document({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: "arcade-eval-ref-grafana-dashboard",
      labels: { grafana_dashboard: "1", ...LABELS },
      annotations: { grafana_folder: "Arcade" },
    },
    data: {},
  });
  doc.setIn(["data", "arcade-mcp.json"], json);
  doc.commentBefore = `${header("deploy/monitoring/grafana-dashboard.json")}
 Grafana's dashboard sidecar (kube-prometheus-stack: grafana.sidecar.dashboards) loads ConfigMaps
 labelled grafana_dashboard: "1"; grafana_folder names the folder where the sidecar is configured
 with folderAnnotation: grafana_folder.`;
  return doc.toString({ lineWidth: 0 });
}

const GENERATED = [
  ["prometheusrule.yaml", "alerts", prometheusRuleYaml],
  ["grafana-dashboard.yaml", "dashboard", dashboardConfigMapYaml],
];

// --- Checks ------------------------------------------------------------------------------------
let failures = 0;
const fail = (where, msg) => { failures++; console.log(`FAIL ${where}: ${msg}`); };

function checkAlerts(file, testsFile) {
  const where = file.replace(`${root}/`, "");
  let doc;
  try { doc = parse(readFileSync(file, "utf8")); } catch (e) { return fail(where, `YAML: ${e.message}`); }
  const rules = (doc?.groups ?? []).flatMap((g) => g.rules ?? []);
  const names = rules.map((r) => r.alert).filter(Boolean);
  for (const a of ALERTS) if (!names.includes(a)) fail(where, `alert ${a} missing`);
  for (const r of rules) {
    const w = `${where} ${r.alert ?? r.record}`;
    const problems = [];
    checkExpr(String(r.expr ?? ""), problems);
    for (const p of problems) fail(w, p);
    if (!r.alert) continue;
    if (!SEVERITIES.has(r.labels?.severity)) fail(w, `labels.severity must be one of ${[...SEVERITIES].join(", ")}`);
    for (const k of ["summary", "description"])
      if (typeof r.annotations?.[k] !== "string" || !r.annotations[k].trim()) fail(w, `annotations.${k} missing`);
    if (!r.for) fail(w, "no `for`: one bad scrape would page");
  }
  const spans = rules.find((r) => r.alert === "ArcadeMcpSpansDropped");
  if (spans && spans.labels?.severity !== "info")
    fail(where, "ArcadeMcpSpansDropped is severity info (it costs traces, not requests)");
  // Each alert is tested firing (an expected alert) and silent (an evaluation expecting none).
  let tests;
  try { tests = parse(readFileSync(testsFile, "utf8")); } catch (e) { return fail(testsFile, `YAML: ${e.message}`); }
  const cases = (tests?.tests ?? []).flatMap((t) => t.alert_rule_test ?? []);
  for (const a of names) {
    const mine = cases.filter((c) => c.alertname === a);
    const w = testsFile.replace(`${root}/`, "");
    if (!mine.some((c) => (c.exp_alerts ?? []).length)) fail(w, `no test where ${a} fires`);
    if (!mine.some((c) => !(c.exp_alerts ?? []).length)) fail(w, `no test where ${a} stays silent`);
  }
  console.log(`alerts ${where}: ${names.length} alerts (${names.join(", ")}), ${cases.length} test evaluations`);
}

// Every panel, rows' collapsed panels included.
const allPanels = (d) => (d.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);

function checkDashboard(file) {
  const where = file.replace(`${root}/`, "");
  let d;
  try { d = JSON.parse(readFileSync(file, "utf8")); } catch (e) { return fail(where, `JSON: ${e.message}`); }
  if (!(d.schemaVersion >= 36))
    fail(where, `schemaVersion ${d.schemaVersion}: 36 or later (datasource references by uid)`);
  if (typeof d.uid !== "string" || !d.uid) fail(where, "a fixed uid (the sidecar updates the dashboard in place)");
  const vars = d.templating?.list ?? [];
  const dsVar = vars.find((v) => v.name === "datasource");
  if (dsVar?.type !== "datasource" || dsVar.query !== "prometheus")
    fail(where, "a variable `datasource` of type datasource, query prometheus");
  const dsOk = (ds) => ds?.type === "prometheus" && ds.uid === "${datasource}";
  const used = new Set();
  const check = (w, expr) => {
    const problems = [];
    for (const m of checkExpr(expr, problems)) used.add(m);
    for (const p of problems) fail(w, `${p} in ${expr}`);
  };
  for (const v of vars.filter((x) => x.type === "query")) {
    const w = `${where} variable ${v.name}`;
    if (!dsOk(v.datasource)) fail(w, "datasource must be ${datasource}");
    const q = typeof v.query === "string" ? v.query : v.query?.query;
    const m = /^label_values\((.*),\s*([a-zA-Z_]\w*)\)$/.exec(q ?? "");
    if (!m) { fail(w, `query ${q}: expected label_values(selector, label)`); continue; }
    check(w, m[1]);
    if (!TARGET_LABELS.has(m[2])) fail(w, `label_values of ${m[2]}, not a target label`);
  }
  const ids = new Set();
  let targets = 0;
  const cells = new Set();
  for (const p of allPanels(d)) {
    const w = `${where} panel ${p.id} "${p.title}"`;
    if (ids.has(p.id)) fail(w, "duplicate panel id");
    ids.add(p.id);
    const g = p.gridPos ?? {};
    if (!(g.w > 0 && g.h > 0 && g.x >= 0 && g.x + g.w <= 24 && g.y >= 0))
      fail(w, `gridPos ${JSON.stringify(g)} outside the grid`);
    for (let x = g.x; x < g.x + g.w; x++) for (let y = g.y; y < g.y + g.h; y++) {
      if (cells.has(`${x},${y}`)) { fail(w, `overlaps another panel at ${x},${y}`); x = Infinity; break; }
      cells.add(`${x},${y}`);
    }
    if (p.type === "row") continue;
    if (!p.title) fail(w, "no title");
    if (!dsOk(p.datasource)) fail(w, "datasource must be {type: prometheus, uid: ${datasource}}");
    if (!(p.targets ?? []).length) fail(w, "no query");
    for (const t of p.targets ?? []) {
      targets++;
      if (t.datasource && !dsOk(t.datasource)) fail(`${w} ${t.refId}`, "datasource must be ${datasource}");
      if (typeof t.expr !== "string" || !t.expr.trim()) { fail(`${w} ${t.refId}`, "no expr"); continue; }
      check(`${w} ${t.refId}`, t.expr);
    }
  }
  const missing = Object.keys(METRICS).filter((m) => ![...used].some((u) => lookup(u)?.base === m));
  if (missing.length) fail(where, `metrics the server exports but no panel shows: ${missing.join(", ")}`);
  console.log(`dashboard ${where}: schemaVersion ${d.schemaVersion}, ${ids.size} panels, ${targets} queries, ` +
    `${used.size} metric names, all ${Object.keys(METRICS).length} catalogued metrics shown`);
}

function checkGenerated(p) {
  for (const [file, source, make] of GENERATED) {
    const path = join(p.overlay, file);
    let have = null;
    try { have = readFileSync(path, "utf8"); } catch { /* reported below */ }
    const want = make(readFileSync(p[source], "utf8"));
    if (have !== want) fail(path.replace(`${root}/`, ""), `out of date with ${p[source].replace(`${root}/`, "")}: ` +
      "run node deploy/validate/monitoring.mjs write");
    else console.log(`in sync ${path.replace(`${root}/`, "")}`);
  }
}

// --- Commands ----------------------------------------------------------------------------------
const [cmd, ...args] = process.argv.slice(2);
const p = paths(args);
if (cmd === "check") {
  checkAlerts(p.alerts, p.tests);
  checkDashboard(p.dashboard);
  checkGenerated(p);
  if (failures) { console.log(`${failures} monitoring check(s) failed`); process.exit(1); }
} else if (cmd === "write") {
  for (const [file, source, make] of GENERATED) {
    writeFileSync(join(p.overlay, file), make(readFileSync(p[source], "utf8")));
    console.log(`wrote ${join(p.overlay, file).replace(`${root}/`, "")}`);
  }
} else if (cmd === "dashboard-rules") {
  const d = JSON.parse(readFileSync(p.dashboard, "utf8"));
  const rules = allPanels(d).flatMap((panel) => (panel.targets ?? []).map((t) => ({
    record: `dashboard:panel_${panel.id}_${t.refId}`,
    expr: deGrafana(t.expr).replace(/\$\{?(namespace|instance)\}?/g, ".*"),
  })));
  writeFileSync(args[0], stringify({ groups: [{ name: "grafana-dashboard", rules }] }));
} else if (cmd === "scrape-config") {
  const cfg = parse(readFileSync(join(root, "deploy/monitoring/prometheus.yml"), "utf8"));
  for (const sc of cfg.scrape_configs) {
    if (!sc.kubernetes_sd_configs) continue;
    delete sc.kubernetes_sd_configs;
    sc.static_configs = [{ targets: ["127.0.0.1:9464"] }];
  }
  writeFileSync(join(args[0], "prometheus.yml"), stringify(cfg));
  copyFileSync(p.alerts, join(args[0], "alerts.yml"));
} else {
  console.error("usage: node monitoring.mjs check|write|dashboard-rules OUT.yml|scrape-config OUTDIR [--alerts F] " +
    "[--tests F] [--dashboard F] [--overlay DIR]");
  process.exit(2);
}
