# max_bytes bounds the size of a query's result: a row counts 48 bytes, a field 16 plus its
# text. A result of exactly max_bytes is returned; one byte more cancels the query and fails
# the step, naming the limit and how to raise it. The connection stays usable (the cancel is
# answered), as after a timeout.
# requires: pg
# mode: run
# exit: 1
# expect: one row of 1064 bytes: 1000 characters
# expect: scalar: 1000 characters
# expect: three ints in 195 bytes: [1, 2, 3]
# expect: bound: 7
# expect: max_bytes.rb:33:3: error: sql.query: the result is larger than 1063 bytes (max_bytes: a row counts 48 bytes, a field 16 plus its text) after 0 rows; the query was cancelled. Narrow it (WHERE, LIMIT, fewer columns), or pass max_bytes: BYTES to allow more
# expect:   query: SELECT repeat('x', 1000) AS t
# expect: still connected: 1
runbook "SQL: max_bytes at N and N+1"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Exactly the limit" {
  let rows = db.query("SELECT repeat('x', 1000) AS t", max_bytes: 1064)
  log("one row of 1064 bytes: {len(rows[0].t)} characters")
  log("scalar: {len(db.scalar("SELECT repeat('x', 1000)", max_bytes: 1064))} characters")
  let ints = db.query("SELECT g AS i FROM generate_series(1, 3) g", max_bytes: 195)
  log("three ints in 195 bytes: {[ints[0].i, ints[1].i, ints[2].i]}")
  let n = 7
  log("bound: {db.scalar("SELECT {n}::int", max_bytes: 65)}")
}

step "One byte more" {
  # refused at the call
  db.query("SELECT repeat('x', 1000) AS t", max_bytes: 1063)
  log("after the error")
} rollback {
  log("still connected: {db.scalar("SELECT 1")}")
}
