# std/vault: a path that would change the request ("..", "?") is refused before anything is sent.
# requires: http
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault
# env: VAULT_TOKEN=fixture-app-token
# env: VAULT_NAMESPACE=
# exit: 1
# expect: error: top-level code failed: vault: path "app/../sys/seal" must be names made of letters, digits and ._~@:+=,- separated by single slashes
# expect: == NO-GO: the run failed
# not-expect: fixture-app-token
# not-expect: never used
runbook "std/vault: vault bad path"

use "std/vault"

let s = vault.kv_get("app/../sys/seal")

step "Use it" {
  log("never used {s}")
}
