// Fallback renderer for machines without a kubectl that embeds kustomize >= v4 (Debian 12's
// kubernetes-client is 1.20 with kustomize v2.0.3, too old for `resources: [../base]` and
// `patches:`). Implements only what deploy/k8s uses: resources (files and directories),
// namespace, images (newName/newTag/digest), patches (strategic merge from a file or inline,
// JSON 6902 inline with a target). validate.sh compares it with kubectl kustomize where both run.
//   node render.mjs DIR                 -> YAML stream on stdout
//   node render.mjs --compare A.yaml B.yaml  -> exit 1 unless both hold the same objects
import { readFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { parse, parseAllDocuments, stringify } from "yaml";

const clone = (x) => structuredClone(x);
const isObj = (x) => x && typeof x === "object" && !Array.isArray(x);

function smp(target, patch) {  // strategic merge: maps merge, null deletes, named lists merge by name
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else if (isObj(v) && isObj(target[k])) smp(target[k], v);
    else if (Array.isArray(v) && Array.isArray(target[k]) && v.every((e) => isObj(e) && "name" in e)) {
      const out = [];
      for (const pe of v) {
        const te = target[k].find((e) => e.name === pe.name);
        out.push(te ? smp(te, pe) : clone(pe));
      }
      for (const te of target[k]) if (!v.some((pe) => pe.name === te.name)) out.push(te);
      target[k] = out;
    } else target[k] = clone(v);
  }
  return target;
}

function json6902(obj, ops) {
  for (const op of ops) {
    const parts = op.path.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = parts.pop();
    let node = obj;
    for (const p of parts) { node = node[Array.isArray(node) ? Number(p) : p]; if (node === undefined) throw new Error(`path ${op.path} not found`); }
    const key = Array.isArray(node) ? (last === "-" ? node.length : Number(last)) : last;
    if (op.op === "replace") { if (!(key in node)) throw new Error(`replace: ${op.path} not found`); node[key] = op.value; }
    else if (op.op === "add") { if (Array.isArray(node)) node.splice(key, 0, op.value); else node[key] = op.value; }
    else if (op.op === "remove") { if (Array.isArray(node)) node.splice(key, 1); else delete node[key]; }
    else throw new Error(`unsupported op ${op.op}`);
  }
}

const matches = (o, t) => (!t.kind || o.kind === t.kind) && (!t.name || o.metadata.name === t.name) &&
  (!t.group || o.apiVersion.startsWith(`${t.group}/`)) && (!t.version || o.apiVersion.endsWith(`/${t.version}`) || o.apiVersion === t.version);

function render(dir) {
  const k = parse(readFileSync(join(dir, "kustomization.yaml"), "utf8"));
  const known = new Set(["apiVersion", "kind", "resources", "namespace", "images", "patches"]);
  for (const key of Object.keys(k)) if (!known.has(key)) throw new Error(`${dir}: field ${key} not supported by the fallback renderer`);
  let objs = [];
  for (const r of k.resources ?? []) {
    const p = join(dir, r);
    if (statSync(p).isDirectory()) objs.push(...render(p));
    else objs.push(...parseAllDocuments(readFileSync(p, "utf8")).map((d) => d.toJS()).filter(Boolean));
  }
  for (const pt of k.patches ?? []) {
    const text = pt.path ? readFileSync(join(dir, pt.path), "utf8") : pt.patch;
    const doc = parse(text);
    if (Array.isArray(doc)) {
      const hits = objs.filter((o) => matches(o, pt.target ?? {}));
      if (!hits.length) throw new Error(`${dir}: JSON patch target matches nothing`);
      hits.forEach((o) => json6902(o, doc));
    } else {
      const t = { kind: doc.kind, name: doc.metadata.name, ...(pt.target ?? {}) };
      const hits = objs.filter((o) => matches(o, t));
      if (!hits.length) throw new Error(`${dir}: patch for ${doc.kind}/${doc.metadata.name} matches nothing`);
      const { apiVersion, kind, ...rest } = doc;
      const { name, namespace, ...meta } = rest.metadata;
      hits.forEach((o) => smp(o, clone({ ...rest, metadata: meta })));
    }
  }
  for (const o of objs) {
    if (k.namespace && o.kind !== "Namespace") o.metadata.namespace = k.namespace;
    if (k.namespace && o.kind === "Namespace") o.metadata.name = k.namespace;
  }
  for (const img of k.images ?? []) {
    for (const o of objs) {
      const pod = o.spec?.template?.spec;
      for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
        const m = /^(.*?)(?::([^:/]+))?(?:@(.*))?$/.exec(c.image);
        if (m[1] !== img.name) continue;
        c.image = (img.newName ?? m[1]) + (img.digest ? `@${img.digest}` : img.newTag ? `:${img.newTag}` : m[2] ? `:${m[2]}` : "");
      }
    }
  }
  return objs;
}

// Canonical form for comparison: keys sorted; lists of named objects sorted by name (kustomize
// puts strategic-merge additions first, this renderer last: order is not meaning there).
function canon(x) {
  if (Array.isArray(x)) {
    const items = x.map(canon);
    return items.every((e) => isObj(e) && typeof e.name === "string") ? items.sort((a, b) => a.name.localeCompare(b.name)) : items;
  }
  if (isObj(x)) return Object.fromEntries(Object.keys(x).sort().map((k) => [k, canon(x[k])]));
  return x;
}
const load = (f) => parseAllDocuments(readFileSync(f, "utf8")).map((d) => d.toJS()).filter(Boolean)
  .map((o) => JSON.stringify(canon(o))).sort();

const args = process.argv.slice(2);
if (args[0] === "--compare") {
  const [a, b] = [load(args[1]), load(args[2])];
  const onlyA = a.filter((x) => !b.includes(x)), onlyB = b.filter((x) => !a.includes(x));
  if (onlyA.length || onlyB.length) {
    console.error(`renderers disagree:\n< ${onlyA.join("\n< ")}\n> ${onlyB.join("\n> ")}`);
    process.exit(1);
  }
  console.log(`same ${a.length} objects`);
} else {
  process.stdout.write(render(args[0]).map((o) => stringify(o)).join("---\n"));
}
