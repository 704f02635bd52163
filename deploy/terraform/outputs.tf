output "fqdn" {
  description = "The Ingress host and the worker URL's host."
  value       = local.fqdn
}

output "target" {
  description = "What the CNAME points at."
  value       = cloudflare_dns_record.ingress_host.content
}

output "record_id" {
  description = "Cloudflare record id."
  value       = cloudflare_dns_record.ingress_host.id
}

output "worker_url" {
  description = "The URL to register as a dashboard worker (and to check with arcade-worker-check engine-check)."
  value       = "https://${local.fqdn}"
}
