# std/pg refuses to restore a file that is not a complete pg_dump: the step fails on the
# expectation before psql runs, and the rollback runs.
# requires: pg
# mode: run
# exit: 1
# expect: FAILED expect is_complete_dump(path)
# expect: <std/pg>:
# expect: rollback ok Restore a truncated dump
# not-expect: psql:
runbook "std/pg: restore refused"

env RBK_PG_URL

use "std/pg"

let dir = trim(sh("mktemp -d").stdout)

step "Restore a truncated dump" {
  file.write("{dir}/partial.sql", "--\n-- PostgreSQL database dump\n--\nCREATE TABLE x (v int);\n")
  pg.restore(env.RBK_PG_URL, "{dir}/partial.sql")
} rollback {
  sh("rm -rf {dir}")
}
