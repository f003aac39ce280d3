# --dry-run: std/pg's backup helper is dry-run safe. pg_dump (an exec, a write) is shown, not
# run; the helper's own expectations on the dump it would have written are unverified, naming it,
# and so is what it returns; a read of the database before it is verified. Before issue 15,
# `expect file.exists(path)` failed the dry run (exit 1): the pattern every backup step has.
# requires: pg
# args: --dry-run
# exit: 0
# expect: ok     expect pg.table_exists(db, "pg_catalog.pg_class")
# expect: would exec(["pg_dump", "--no-password", "--clean", "--if-exists", "--file", "rbk-dry-backup.sql", "--dbname", "***"], timeout: 1m)
# expect: unverified expect file.exists(path) — pg_dump wrote rbk-dry-backup.sql; may depend on: would exec(["pg_dump"
# expect: unverified expect file.size(path) > 0
# expect: unverified expect is_complete_dump(path)
# expect: log    backup: <dry-run> bytes
# expect: == GO: 1 ok, 0 skipped — dry run: 1 check verified, 3 unverified, 0 already fail
# not-expect: FAILED
runbook "std/pg: backup in a dry run"

env RBK_PG_URL secret

use "std/pg"

let db = sql.connect(env.RBK_PG_URL)

step "Back up" timeout 5m {
  expect pg.table_exists(db, "pg_catalog.pg_class")
  let b = pg.backup(env.RBK_PG_URL, "rbk-dry-backup.sql", timeout: 1m)
  log("backup: {b.bytes} bytes")
} rollback {
  # nothing to undo: a backup is only ever added
}
