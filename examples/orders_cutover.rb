# The whole example of docs/language.md §1, runnable here: the orders service's v2 cutover against the
# HTTP fixture (base_url) and the throwaway PostgreSQL (DATABASE_URL). Rehearsal mode creates the
# tables production would already have; the real deploy and migration commands are one --param
# away (deploy_cmd, migrate_cmd); --no-wait shortens the observation window to one evaluation of
# its guards. The window, the verdict and a rollback are announced to the team's Slack channel
# (std/notify; docs/language.md §1 asks the operator to confirm it was done by hand): the fixture
# plays Slack's incoming webhook and keeps what it received.
#   SLACK_WEBHOOK_URL=$RBK_HTTP_URL/slack/services/T0ORDERS/B0ORDERS/hook-key-7f3a \
#   runbook run examples/orders_cutover.rb --no-wait --param rehearsal=true \
#       --param base_url=$RBK_HTTP_URL --param rc_sha=abc1234
# orders_cutover_fail.rb runs this same file with an error budget the service cannot meet.
# requires: http, pg
# env: DATABASE_URL=${RBK_PG_DEMO_URL}
# env: JWT_SECRET=rehearsal-jwt-secret-0123456789abcdef
# env: NODE_ENV=production
# env: ENABLE_V2=false
# env: SLACK_WEBHOOK_URL=${RBK_HTTP_URL}/slack/services/T0ORDERS/B0ORDERS/hook-key-7f3a
# args: --no-wait --param rehearsal=true --param base_url=${RBK_HTTP_URL} --param rc_sha=abc1234
# exit: 0
# expect: [1/11] Pre-flight: environment
# expect: ok     expect len(env.JWT_SECRET) >= 32
# expect: [4/11] Announce the window
# expect: log    slack: sent "Orders v2 cutover abc1234: the window opens"
# expect: [10/11] Announce the verdict
# expect: log    slack: sent "Orders v2 cutover abc1234: GO"
# expect: == GO: 11 ok
# not-expect: rehearsal-jwt-secret-0123456789abcdef
# not-expect: hook-key-7f3a
runbook "Orders service v2 cutover"

env DATABASE_URL, JWT_SECRET secret
env NODE_ENV, ENABLE_V2
env SLACK_WEBHOOK_URL secret  # the team channel's incoming webhook
param base_url = "http://127.0.0.1:8080"
param rc_sha: string     # no default: asked at start, or --param rc_sha=...
param rehearsal = false  # true: create the tables production already has
param backup_root = "/tmp"
param deploy_cmd = "true"                           # e.g. "kubectl set image deployment/orders orders=registry/orders:{sha}"
param undeploy_cmd = "true"                         # e.g. "kubectl rollout undo deployment/orders"
param migrate_cmd = "echo 'No pending migrations'"  # e.g. "npx prisma migrate deploy"
param max_error_rate = 0.01

use "std/pg"
use "std/notify"

let db = sql.connect(env.DATABASE_URL)  # top-level code runs before the first step
let backup_dir = trim(sh("mktemp -d {backup_root}/orders-cutover.XXXXXX").stdout)
let backup_file = "{backup_dir}/backup_{rc_sha}.sql"

step "Pre-flight: environment" {
  expect env.NODE_ENV == "production"
  expect len(env.JWT_SECRET) >= 32, "JWT_SECRET must be at least 32 characters"
  stop-if env.ENABLE_V2 == "true", "deploy with ENABLE_V2=false first"
}

step "Pre-flight: database reachable" {
  let v = db.scalar("SELECT version()")
  stop-if not (v matches "PostgreSQL 1[4-9]"), "unsupported server: {v}"
}

step "Rehearsal: create the production tables" if rehearsal {
  db.exec("DROP TABLE IF EXISTS orders_v2")
  db.exec("CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, total numeric NOT NULL)")
  db.exec("INSERT INTO orders VALUES (1, 19.90), (2, 5.00) ON CONFLICT (id) DO NOTHING")
  db.exec("""
    CREATE TABLE IF NOT EXISTS _prisma_migrations (
      id text PRIMARY KEY, migration_name text NOT NULL, finished_at timestamptz)
  """)
  db.exec("DELETE FROM _prisma_migrations WHERE migration_name LIKE {'%orders_v2%'}")
  expect pg.table_exists(db, "orders") and pg.table_exists(db, "_prisma_migrations")
} rollback {
  db.exec("DROP TABLE IF EXISTS orders, _prisma_migrations")
  sh("rm -rf {backup_dir}")  # a rehearsal's backup is scaffolding, too
}

step "Announce the window" {
  notify.slack(env.SLACK_WEBHOOK_URL, "Orders v2 cutover {rc_sha}: the window opens")
} rollback {
  # the first rollback to run after a failure is the failed step's, the last one this: by now
  # everything since the announcement is undone
  notify.slack(env.SLACK_WEBHOOK_URL, "Orders v2 cutover {rc_sha}: NO-GO, rolled back")
}

step "Back up the database" timeout 30m {
  let b = pg.backup(env.DATABASE_URL, backup_file)  # pg_dump; both values passed as arguments
  expect file.size(backup_file) > 0
  log("backup {b.file}: {b.bytes} bytes, sha256 {b.sha256}")
} rollback {
  # nothing to undo: the backup stays (a restore needs it)
}

step "Apply migrations" timeout 10m {
  let out = sh("{migrate_cmd:raw}")
  expect out.stdout contains "applied" or out.stdout contains "No pending migrations"
  if rehearsal {
    db.exec("CREATE TABLE orders_v2 (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id), state text NOT NULL)")
    db.exec("INSERT INTO _prisma_migrations VALUES ({rc_sha} || '-1', '20260218_orders_v2', now())")
  }
  expect pg.table_exists(db, "orders_v2")
  expect pg.constraint_exists(db, "orders_v2", "orders_v2_order_id_fkey")
  expect db.scalar("SELECT count(*) FROM orders_v2") == 0
} rollback {
  db.exec("DROP TABLE IF EXISTS orders_v2")
  db.exec("DELETE FROM _prisma_migrations WHERE migration_name LIKE {'%orders_v2%'}")
}

step "Deploy the release candidate" {
  sh("{deploy_cmd:raw}", env: {RC_SHA: rc_sha})
} rollback {
  sh("{undeploy_cmd:raw}", env: {RC_SHA: rc_sha})
}

step "Service healthy" {
  expect http.get("{base_url}/healthz").status == 200 within 2m every 5s  # re-calls until true
  let r = http.get("{base_url}/readyz")
  expect r.json.ok == true and r.json.db == true
}

step "Observe" {
  watch 15m every 30s {
    expect http.get("{base_url}/metrics").json.error_rate < max_error_rate
  }
}

step "Announce the verdict" {
  notify.slack(env.SLACK_WEBHOOK_URL, "Orders v2 cutover {rc_sha}: GO")
} rollback {
  notify.slack(
    env.SLACK_WEBHOOK_URL,
    "Orders v2 cutover {rc_sha}: the GO is withdrawn, rolling back",
  )
}

step "Rehearsal: clean up" if rehearsal {
  db.exec("DROP TABLE orders_v2, orders, _prisma_migrations")
  sh("rm -rf {backup_dir}")
} irreversible "rehearsal scaffolding and the rehearsal backup are removed"
