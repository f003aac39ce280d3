# std/vault: a field the secret does not have is an error naming the field.
# requires: http
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault
# env: VAULT_TOKEN=fixture-app-token
# env: VAULT_NAMESPACE=
# exit: 1
# expect: error: top-level code failed: vault: secret/app/db has no field "passwd"
# expect: == NO-GO: the run failed
# not-expect: fixture-app-token
# not-expect: never used
runbook "std/vault: vault no field"

use "std/vault"

let s = vault.kv_get("app/db", field: "passwd")

step "Use it" {
  log("never used {s}")
}
