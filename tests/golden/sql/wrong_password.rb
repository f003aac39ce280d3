# A failed connection shows the URL with its password replaced by ***, and the password never
# appears anywhere in the output.
# requires: pg
# exit: 1
# expect: password authentication failed for user "rbk_pw"
# not-expect: not-the-password-77
runbook "SQL: wrong password"

env RBK_PG_PORT

let bad = "postgresql://rbk_pw:not-the-password-77@127.0.0.1:{env.RBK_PG_PORT}/rbk_test"

step "Connect with a wrong password" {
  let db = sql.connect(bad, timeout: 5s)
  expect db.scalar("SELECT 1") == 1
}
