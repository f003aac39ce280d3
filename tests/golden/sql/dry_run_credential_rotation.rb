# --dry-run of a runbook shaped like a database credential rotation on a Patroni cluster (issue
# 15): the pre-flight reads run for real and pass; the new password is written to Vault and set
# on the leader (writes, shown); reading it back from Vault (std/vault fails: the token may not read it yet)
# and logging in with it (authentication fails) are unverified, each naming the skipped write;
# the application's health and the old sessions are checked for real, once (`within` passes at
# its first evaluation, `watch` evaluates once). The run would proceed: exit 0, no finding.
# requires: pg, http
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault/
# env: VAULT_TOKEN=fixture-app-token
# args: --dry-run
# exit: 0
# expect: [1/5] Pre-flight: the cluster has a leader
# expect: ok     expect members.stdout contains "Leader"
# expect: ok     expect db.scalar("SELECT pg_is_in_recovery()") == false
# expect: ok     expect db.scalar("SELECT count(*) FROM pg_roles WHERE rolname = {role}") == 1
# expect: /vault/v1/secret/data/orders/db-next", json: {"data": {"password": "***"}}, headers: {"X-Vault-Token": "***"})
# expect: note   dry run: the step failed after a skipped write; unverified (may depend on: would http.post(
# expect: [2/5] ok Store the new password in Vault
# expect: would exec(["psql", "--no-psqlrc", "--dbname", "***", "--set", "pw=***", "--file", "rotate_password.sql"])
# expect: note   dry run: sql.connect failed; unverified (may depend on: would exec(["psql"
# expect: unverified expect probe.scalar("SELECT current_user") == role
# expect: [4/5] ok The new password works
# expect: would sh("systemctl reload pgbouncer")
# expect: ok     expect http.get("{env.RBK_HTTP_URL}/readyz").json.db == true
# expect: ok     expect db.scalar("SELECT count(*) FROM pg_stat_activity WHERE usename = {role}") == 0
# expect: == GO: 5 ok, 0 skipped — dry run: 5 checks verified, 2 unverified, 0 already fail
# not-expect: FAILED
# not-expect: rotation-new-Pw9x
# not-expect: fixture-app-token
runbook "Rotate the orders database credential (Patroni cluster)"

env RBK_PG_URL secret
env RBK_PG_PORT, RBK_HTTP_URL
env VAULT_ADDR
env VAULT_TOKEN secret
param role = "rbk_pw"

use "std/vault"

let db = sql.connect(env.RBK_PG_URL)
let new_password = secret("rotation-new-Pw9x-7c1e")

step "Pre-flight: the cluster has a leader" {
  # stands in for `patronictl list`: a read the dry run runs
  let members = sh("printf 'orders-1 Leader running\\norders-2 Replica streaming\\n'", read_only: true)
  expect members.stdout contains "Leader"
  expect db.scalar("SELECT pg_is_in_recovery()") == false, "connected to the leader"
  expect db.scalar("SELECT count(*) FROM pg_roles WHERE rolname = {role}") == 1, "the role exists"
}

step "Store the new password in Vault" {
  http.post("{env.VAULT_ADDR}v1/secret/data/orders/db-next", json: {data: {password: new_password}},
            headers: {"X-Vault-Token": env.VAULT_TOKEN})
  let stored = vault.kv_get("orders/db-next", field: "password")
  expect stored == new_password, "Vault holds the new password"
}

step "Set the new password on the leader" {
  exec(["psql", "--no-psqlrc", "--dbname", env.RBK_PG_URL, "--set", "pw={new_password}", "--file", "rotate_password.sql"])
} irreversible "the old password is kept in Vault; a rotation goes forward"

step "The new password works" {
  # Patroni replicates pg_authid to every member: a login with the new password through the leader
  let probe = sql.connect("postgresql://{role}:{new_password}@127.0.0.1:{env.RBK_PG_PORT}/rbk_test", timeout: 5s)
  expect probe.scalar("SELECT current_user") == role
}

step "Reload PgBouncer" {
  sh("systemctl reload pgbouncer")
  expect http.get("{env.RBK_HTTP_URL}/readyz").json.db == true within 2m every 5s, "the app reconnected"
  watch 10m every 30s {
    expect db.scalar("SELECT count(*) FROM pg_stat_activity WHERE usename = {role}") == 0, "no session with the old password"
  }
}
