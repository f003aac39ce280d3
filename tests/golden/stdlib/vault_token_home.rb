# std/vault: without VAULT_TOKEN the token is read from ~/.vault-token (what `vault login`
# writes; white space around it is trimmed), as the vault CLI does; it is masked like the value.
# requires: http
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault
# env: VAULT_TOKEN=
# env: VAULT_NAMESPACE=
# env: HOME=vaultdata/home
# exit: 0
# expect: log    vault: read secret/app/db, the current version
# expect: log    the token file holds ***
# expect: == GO
# not-expect: fixture-app-token
# not-expect: vault-db-pass
runbook "std/vault: token from ~/.vault-token"

use "std/vault"

let password = vault.kv_get("app/db", field: "password")

step "Use it" {
  expect len(password) == 21
  log("the token file holds {trim(file.read("vaultdata/home/.vault-token"))}")
}
