# std/vault: 404: no secret at the path (or not a KV v2 mount).
# requires: http
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault
# env: VAULT_TOKEN=fixture-app-token
# env: VAULT_NAMESPACE=
# exit: 1
# expect: error: top-level code failed: vault: no secret at secret/app/nope (is secret a KV version 2 mount at http://127.0.0.1:
# expect: == NO-GO: the run failed
# not-expect: fixture-app-token
# not-expect: never used
runbook "std/vault: vault missing"

use "std/vault"

let s = vault.kv_get("app/nope")

step "Use it" {
  log("never used {s}")
}
