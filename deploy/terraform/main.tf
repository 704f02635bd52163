# arcade-eval-ref.st.dev CNAME k8s-backstage.st.dev: the public name the Arcade engine's dashboard
# worker registration uses (a dashboard worker must resolve to a public address; docs/deploy.md).

data "cloudflare_zone" "this" {
  count = var.zone_id == "" ? 1 : 0
  filter = {
    name = var.zone
  }
}

locals {
  zone_id = var.zone_id != "" ? var.zone_id : data.cloudflare_zone.this[0].zone_id
  fqdn    = "${var.record_name}.${var.zone}"
}

resource "cloudflare_dns_record" "ingress_host" {
  zone_id = local.zone_id
  name    = local.fqdn
  type    = "CNAME"
  content = var.target
  proxied = var.proxied
  ttl     = var.proxied ? 1 : var.ttl
  comment = "arcade-eval-ref worker ingress (managed by terraform, deploy/terraform)"
}
