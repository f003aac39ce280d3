# std/vault: no address (VAULT_ADDR empty, no addr:) is an error that says what to set.
# env: VAULT_ADDR=
# env: VAULT_TOKEN=some-token-value
# exit: 1
# expect: error: top-level code failed: vault: no address: set VAULT_ADDR (e.g. https://vault.example:8200) or pass addr:
# not-expect: some-token-value
runbook "std/vault: no address"

use "std/vault"

let s = vault.kv_get("app/db")

step "Use it" {
  log("never used {s}")
}
