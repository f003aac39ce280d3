# std/vault: 403 (the token may not read the path) is an error naming the path, never the token.
# requires: http
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault
# env: VAULT_TOKEN=fixture-app-token
# env: VAULT_NAMESPACE=
# exit: 1
# expect: error: top-level code failed: vault: permission denied reading secret/ops/root-ca: the token may not read secret/data/ops/root-ca, or it is invalid or expired (Vault answers 403 for both)
# expect: == NO-GO: the run failed
# not-expect: fixture-app-token
# not-expect: never used
runbook "std/vault: vault denied"

use "std/vault"

let s = vault.kv_get("ops/root-ca")

step "Use it" {
  log("never used {s}")
}
