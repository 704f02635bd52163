variable "zone" {
  description = "DNS zone that holds the record, e.g. st.dev."
  type        = string
  default     = "st.dev"
}

variable "zone_id" {
  description = "Cloudflare zone id; when empty it is looked up by var.zone."
  type        = string
  default     = ""
}

variable "record_name" {
  description = "Record name relative to the zone (arcade-eval-ref gives arcade-eval-ref.st.dev): the Ingress host."
  type        = string
  default     = "arcade-eval-ref"

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$", var.record_name))
    error_message = "record_name must be a lower-case DNS name relative to the zone (no trailing dot)."
  }
}

variable "target" {
  description = "CNAME target: the public name of the cluster's ingress-nginx load balancer."
  type        = string
  default     = "k8s-backstage.st.dev"
}

variable "proxied" {
  description = "Send traffic through Cloudflare's proxy. Off by default: TLS ends at ingress-nginx (its *.st.dev certificate) and ingress-nginx sees the client address the /mcp affinity hashes."
  type        = bool
  default     = false
}

variable "ttl" {
  description = "TTL in seconds (1 = automatic; must be 1 when proxied)."
  type        = number
  default     = 300
}
