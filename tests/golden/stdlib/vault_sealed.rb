# std/vault: a sealed Vault (503) is an error that says so, with the address.
# requires: http
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault-sealed
# env: VAULT_TOKEN=fixture-app-token
# env: VAULT_NAMESPACE=
# exit: 1
# expect: /vault-sealed is sealed or unavailable (503)
# expect: == NO-GO: the run failed
# not-expect: fixture-app-token
runbook "std/vault: sealed"

use "std/vault"

let s = vault.kv_get("app/db", field: "password")

step "Use it" {
  log("never used {s}")
}
