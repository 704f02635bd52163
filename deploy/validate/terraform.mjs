// Parses every .tf file of a directory with @cdktf/hcl2json (HashiCorp's HCL parser compiled to
// WebAssembly) and checks the DNS record's shape. usage: node terraform.mjs deploy/terraform
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "@cdktf/hcl2json";

const dir = process.argv[2];
const merged = { variable: {}, output: {}, resource: {}, terraform: [] };
let failures = 0;
for (const f of readdirSync(dir).filter((n) => n.endsWith(".tf") || n.endsWith(".tfvars")).sort()) {
  try {
    const json = await parse(f, readFileSync(join(dir, f), "utf8"));
    console.log(`ok   hcl2json ${join(dir, f)}: ${Object.keys(json).join(", ") || "assignments"}`);
    for (const k of ["variable", "output", "resource"]) Object.assign(merged[k], json[k] ?? {});
    if (json.terraform) merged.terraform.push(...json.terraform);
  } catch (e) {
    failures++;
    console.log(`FAIL hcl2json ${join(dir, f)}: ${e.message ?? e}`);
  }
}
const need = (cond, msg) => { if (!cond) { failures++; console.log(`FAIL terraform: ${msg}`); } };
const rec = merged.resource.cloudflare_dns_record?.ingress_host?.[0];
need(rec, "resource cloudflare_dns_record.ingress_host");
need(rec?.type === "CNAME", "the record is a CNAME");
for (const v of ["zone", "record_name", "target"]) need(merged.variable[v], `variable ${v}`);
for (const o of ["fqdn", "target", "worker_url"]) need(merged.output[o], `output ${o}`);
need(merged.terraform.some((t) => t.required_providers?.[0]?.cloudflare), "required_providers pins cloudflare");
if (failures) process.exit(1);
console.log(`ok   terraform: CNAME ${merged.variable.record_name[0].default}.${merged.variable.zone[0].default} -> ${merged.variable.target[0].default}`);
