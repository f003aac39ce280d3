# --dry-run runs read builtins (query, scalar) for real and shows writes (exec) instead of
# running them.
# requires: pg
# args: --dry-run
# exit: 0
# expect: before=0
# expect: INSERT INTO rbk_dry_run_probe
# not-expect: relation "rbk_dry_run_probe" does not exist
runbook "SQL: dry run"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Read" {
  let before = db.scalar("SELECT count(*) FROM pg_class WHERE relname = 'rbk_dry_run_probe'")
  log("before={before}")
}

step "Write" {
  db.exec("INSERT INTO rbk_dry_run_probe VALUES (1)")
} rollback {
  db.exec("DELETE FROM rbk_dry_run_probe WHERE true")
}
