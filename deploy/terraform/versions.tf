terraform {
  required_version = ">= 1.5.0"

  required_providers {
    # The original deployment's st.dev zone is on Cloudflare (docs/deploy.md, "DNS").
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 5.0"
    }
  }
}

# Credentials come from the environment (CLOUDFLARE_API_TOKEN with Zone:DNS:Edit on the zone),
# never from a variable or a file in git.
provider "cloudflare" {}
