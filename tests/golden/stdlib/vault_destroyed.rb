# std/vault: 404 for a destroyed version says so.
# requires: http
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault
# env: VAULT_TOKEN=fixture-app-token
# env: VAULT_NAMESPACE=
# exit: 1
# expect: error: top-level code failed: vault: version 1 of secret/app/rotated was destroyed
# expect: == NO-GO: the run failed
# not-expect: fixture-app-token
# not-expect: never used
runbook "std/vault: vault destroyed"

use "std/vault"

let s = vault.kv_get("app/rotated", version: 1)

step "Use it" {
  log("never used {s}")
}
