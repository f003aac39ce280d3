# std/vault: a token file that is empty (or only white space) is an error naming the file.
# requires: http
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault
# exit: 1
# expect: error: top-level code failed: vault: the token file vaultdata/empty.token is empty
runbook "std/vault: empty token file"

use "std/vault"

let s = vault.kv_get("app/db", token_file: "vaultdata/empty.token")

step "Use it" {
  log("never used {s}")
}
