# A misspelt method of a handle, function of a builtin module or member of a module: the
# closest name as a hint.
env DATABASE_URL
use "std/pg" as pg
use "std/http"
let db = sql.connect(env.DATABASE_URL)
step "Names" {
  let a = db.scalr("SELECT 1")  # expect error: a sql connection has no method `scalr`
  let b = file.sise("x")  # expect error: `file` has no function `sise`
  let c = pg.bakup("x")  # expect error: module `pg` has no member `bakup`
  let d = http.gett("http://127.0.0.1/")  # expect error: module `http` has no member `gett`
  let e = db.frobnicate()  # expect error: a sql connection has no method `frobnicate`
  log("{a}{b}{c}{d}{e}")
}
# diag:
# | misspelt_members.rb:8:11: error: a sql connection has no method `scalr`
# |     8 |   let a = db.scalr("SELECT 1")  # expect error: a sql connection has no method `scalr`
# |       |           ^~~~~~~~
# |       = hint: did you mean `scalar`?
# diag:
# | misspelt_members.rb:10:11: error: module `pg` has no member `bakup`
# |    10 |   let c = pg.bakup("x")  # expect error: module `pg` has no member `bakup`
# |       |           ^~~~~~~~
# |       = hint: did you mean `pg.backup`?
# diag:
# | misspelt_members.rb:12:11: error: a sql connection has no method `frobnicate`
# |    12 |   let e = db.frobnicate()  # expect error: a sql connection has no method `frobnicate`
# |       |           ^~~~~~~~~~~~~
# |       = hint: its methods are `query`, `scalar`, `exec`, `close`
