# std/vault's kv_get reads KV v2 secrets from the fixture's Vault API (VAULT_ADDR, VAULT_TOKEN):
# a field, an older version, another mount, a namespace, a whole secret, a token from a file.
# Every value read and the tokens are masked in every line, also --verbose's and a failed
# expectation's values and a command line that carries the value; what was read is logged
# (evidence that does not show the value).
# requires: http
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault/
# env: VAULT_TOKEN=fixture-app-token
# env: VAULT_NAMESPACE=
# args: --verbose
# exit: 1
# expect: /vault/v1/secret/data/app/db
# expect: log    vault: read secret/app/db, the current version
# expect: /vault/v1/secret/data/app/db?version=1
# expect: log    vault: read secret/app/db, version 1
# expect: log    vault: read kv/team/config, the current version
# expect: log    vault: read secret/app/db in namespace team-a, the current version
# expect: log    vault: read secret/app/rotated, the current version
# expect: [1/2] Use the secrets
# expect: log    password: ***, the older one: ***, api key: ***, team-a: ***
# expect: log    rotated: {"key": "***"}
# expect: sh     printf %s '***' | wc -c
# expect: out | 21
# expect: [1/2] ok Use the secrets
# expect: FAILED expect db_password == "guessed"
# expect: db_password = "***"
# not-expect: vault-db-pass
# not-expect: vault-kv-mount-Key9
# not-expect: vault-ns-team-a-Pw4R
# not-expect: vault-rotated-v3-Jw2P
# not-expect: fixture-app-token
# not-expect: fixture-root-token
runbook "std/vault: kv_get"

use "std/vault"

let db_password = vault.kv_get("app/db", field: "password")
let older = vault.kv_get("app/db", field: "password", version: 1)
let api_key = vault.kv_get("team/config", mount: "kv", field: "api_key", token_file: "vaultdata/root.token")
let team_a = vault.kv_get("app/db", field: "password", namespace: "team-a", token_file: "vaultdata/root.token")
let rotated = vault.kv_get("app/rotated")

step "Use the secrets" {
  log("password: {db_password}, the older one: {older}, api key: {api_key}, team-a: {team_a}")
  log("rotated: {rotated}")
  expect db_password != older and len(db_password) == 21 and rotated.key != ""
  let r = sh("printf %s {db_password} | wc -c", read_only: true)
  expect trim(r.stdout) == "21"
}

step "A failed check shows no secret" {
  expect db_password == "guessed"
}
