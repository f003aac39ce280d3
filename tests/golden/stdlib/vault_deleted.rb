# std/vault: 404 for a deleted version says so and how to bring it back.
# requires: http
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault
# env: VAULT_TOKEN=fixture-app-token
# env: VAULT_NAMESPACE=
# exit: 1
# expect: error: top-level code failed: vault: version 2 of secret/app/rotated was deleted (`vault kv undelete` brings it back)
# expect: == NO-GO: the run failed
# not-expect: fixture-app-token
# not-expect: never used
runbook "std/vault: vault deleted"

use "std/vault"

let s = vault.kv_get("app/rotated", version: 2)

step "Use it" {
  log("never used {s}")
}
