# Connecting registers the URL's password as a secret even though the env var is not declared
# secret: from then on it is masked in every output.
# requires: pg
# exit: 0
# expect: connected as rbk_pw
# expect: url postgresql://rbk_pw:***@127.0.0.1:
# not-expect: pw-secret-123
runbook "SQL: the password of a URL is a secret"

env RBK_PG_URL, RBK_PG_PW_URL

let db = sql.connect(env.RBK_PG_PW_URL)

step "Password auth" {
  let who = db.scalar("SELECT current_user")
  log("connected as {who}")
  log("url {env.RBK_PG_PW_URL}")
  expect who == "rbk_pw"
}
