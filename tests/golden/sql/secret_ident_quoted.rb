# {x:ident} doubles the quotes of an identifier ("a""b"): a secret with a double quote is
# masked in that form too, in the query shown by --verbose and in the error.
# requires: pg
# env: ID_TOKEN=col"umn-s3cret-88
# args: --verbose
# exit: 1
# expect: sql    select nope as "***"
# not-expect: s3cret-88
runbook "SQL: a secret in a quoted identifier"

env RBK_PG_URL
env ID_TOKEN secret

let db = sql.connect(env.RBK_PG_URL)

step "Quote it as an identifier" {
  db.scalar("select nope as {env.ID_TOKEN:ident}")
}
