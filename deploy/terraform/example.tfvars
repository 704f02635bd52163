# terraform -chdir=deploy/terraform plan -var-file=example.tfvars
zone        = "st.dev"
record_name = "arcade-eval-ref"
target      = "k8s-backstage.st.dev"
proxied     = false
