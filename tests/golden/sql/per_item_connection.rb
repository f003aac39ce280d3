# A connection opened before a per-item step belongs to the run's process: instances of a
# batch of one use it (they run in that process); an instance in a process of its own (a batch
# of more) refuses to, naming the way out, and the run's own session is left intact (the last
# step still queries it). A connection opened inside the step works in either.
# requires: pg
# mode: run
# exit: 0
# expect: [Serial a]   log    serial a 1
# expect: cannot share it (its socket is the run's): connect inside the step
# expect: 2 of 2 instances failed
# expect: [Own a]   log    own a 1
# expect: after 1
runbook "SQL: connections and per-item steps"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Serial {n}" for n in ["a", "b"] {
  log("serial {n} {db.scalar("SELECT 1")}")
}

step "Shared {n}" for n in ["a", "b"] serial 2 max_fail 2 {
  log("shared {n} {db.scalar("SELECT 1")}")
}

step "Own {n}" for n in ["a", "b"] serial 2 {
  let mine = sql.connect(env.RBK_PG_URL)
  log("own {n} {mine.scalar("SELECT 1")}")
  mine.close()
}

step "After" {
  log("after {db.scalar("SELECT 1")}")
}
