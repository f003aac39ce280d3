# A time is sent as RFC 3339 UTC and reads as a timestamptz; a timestamptz comes back as
# PostgreSQL prints it (DateStyle ISO), which time.parse reads to the same time.
# requires: pg
# exit: 0
# expect: log    2026-12-06 05:10:00.25+00
# expect: ok     expect time.parse(str(v)) == t
# expect: ok     expect db.scalar("SELECT {t}::timestamptz + interval '1 hour' = {t + 1h}") == true
runbook "SQL: times"

env RBK_PG_URL

let db = sql.connect(env.RBK_PG_URL)

step "Times" {
  db.exec("SET TimeZone = 'UTC'")
  let t = time.parse("2026-12-06T06:10:00.250+01:00")
  let v = db.scalar("SELECT {t}::timestamptz")
  log(v)
  expect time.parse(str(v)) == t
  expect db.scalar("SELECT {t}::timestamptz + interval '1 hour' = {t + 1h}") == true
} rollback {
  log("nothing to undo")
}
