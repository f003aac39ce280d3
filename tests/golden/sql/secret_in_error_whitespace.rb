# PostgreSQL's messages have their white space collapsed for the operator: after masking, so a
# secret with a double space (or a tab, a CR LF) is masked whole.
# requires: pg
# env: WS_TOKEN=Vk5  dbl-space-tok3n
# exit: 1
# expect: error: sql.scalar: SQLSTATE 22P02: invalid input syntax for type integer: "***"
# not-expect: dbl-space-tok3n
runbook "SQL: a secret with white space in a server error"

env RBK_PG_URL
env WS_TOKEN secret

let db = sql.connect(env.RBK_PG_URL)

step "Cast the token to int" {
  db.scalar("select {env.WS_TOKEN}::int")
}
