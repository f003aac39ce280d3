# std/vault: no token anywhere (no token:, no token_file:, VAULT_TOKEN empty, no ~/.vault-token)
# is an error that says where a token is looked for; nothing is sent to Vault.
# requires: http
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault
# env: VAULT_TOKEN=
# env: HOME=vaultdata/nowhere
# args: --verbose
# exit: 1
# expect: error: top-level code failed: vault: no token: set VAULT_TOKEN, log in with `vault login` (it writes ~/.vault-token), or pass token: or token_file:
# not-expect: http   GET
runbook "std/vault: no token"

use "std/vault"

let s = vault.kv_get("app/db")

step "Use it" {
  log("never used {s}")
}
