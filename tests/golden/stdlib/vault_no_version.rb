# std/vault: 404 for a version that never existed names the version.
# requires: http
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault
# env: VAULT_TOKEN=fixture-app-token
# env: VAULT_NAMESPACE=
# exit: 1
# expect: error: top-level code failed: vault: no secret at secret/app/db, version 9 (is secret a KV version 2 mount
# expect: == NO-GO: the run failed
# not-expect: fixture-app-token
# not-expect: never used
runbook "std/vault: vault no version"

use "std/vault"

let s = vault.kv_get("app/db", version: 9)

step "Use it" {
  log("never used {s}")
}
