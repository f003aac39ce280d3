# The first example of docs/language.md (§1), copied verbatim below the header, under --dry-run
# against the test services (issue 15: it failed at `expect file.size(backup_file) > 0`, the first
# read after the skipped pg_dump). Every read runs for real; the checks after the skipped pg_dump
# and migration are unverified, each naming the write it may depend on; the health checks run
# against the HTTP fixture and pass; the run would proceed (exit 0) and the summary counts them.
# requires: pg, http
# env: DATABASE_URL=${RBK_PG_URL}
# env: NODE_ENV=production
# args: --dry-run --yes --param rc_sha=abc1234 --param base_url=${RBK_HTTP_URL}
# exit: 0
# expect: DRY RUN
# expect: ok     expect env.NODE_ENV == "production"
# expect: would sh("pg_dump '***' > 'backup_abc1234.sql'")
# expect: note   dry run: file.size failed; unverified (may depend on: would sh("pg_dump '***' > 'backup_abc1234.sql'") at dry_run_first_example.rb:44)
# expect: unverified expect file.size(backup_file) > 0 — depends on a write the dry run did not do; may depend on: would sh("pg_dump
# expect: would sh("npx prisma migrate deploy")
# expect: unverified expect out.stdout contains "applied"
# expect: unverified expect db.scalar("SELECT count(*) FROM orders_v2") == 0 — depends on a write the dry run did not do; may depend on: would sh("npx prisma migrate deploy") at dry_run_first_example.rb:51 (and 1 earlier skipped write)
# expect: ok     expect http.get("{base_url}/healthz").status == 200
# expect: ok     expect r.json.ok == true and r.json.db == true
# expect: gate   Deployment window announced to stakeholders? -> yes (--yes)
# expect: == GO: 6 ok, 0 skipped — dry run: 4 checks verified, 3 unverified, 0 already fail
# not-expect: FAILED
runbook "Orders service v2 cutover"

env DATABASE_URL secret
env NODE_ENV
param base_url = "http://127.0.0.1:8080"
param rc_sha: string                 # required: --param rc_sha=...

let db = sql.connect(env.DATABASE_URL)  # top-level code runs before the first step
let backup_file = "backup_{rc_sha}.sql"

step "Pre-flight: environment" {
  expect env.NODE_ENV == "production", "deploy to production only"
}

step "Pre-flight: database reachable" {
  let v = db.scalar("SELECT version()")
  stop-if not (v matches "PostgreSQL 1[4-9]"), "unsupported server: {v}"
}

step "Back up the database" timeout 30m {
  sh("pg_dump {env.DATABASE_URL} > {backup_file}")   # both values are shell-quoted
  expect file.size(backup_file) > 0
} rollback {
  # nothing to undo: the backup stays (a restore needs it)
}

step "Apply migrations" timeout 10m {
  let out = sh("npx prisma migrate deploy")
  expect out.stdout contains "applied" or out.stdout contains "No pending migrations"
  expect db.scalar("SELECT count(*) FROM orders_v2") == 0
} rollback {
  db.exec("DROP TABLE IF EXISTS orders_v2")
  db.exec("DELETE FROM _prisma_migrations WHERE migration_name LIKE {'%orders_v2%'}")
}

step "Service healthy" {
  expect http.get("{base_url}/healthz").status == 200 within 2m every 5s
  let r = http.get("{base_url}/readyz")
  expect r.json.ok == true and r.json.db == true
}

step "Stakeholders informed" {
  confirm("Deployment window announced to stakeholders?")
}
