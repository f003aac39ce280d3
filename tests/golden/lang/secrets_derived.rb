# Text computed from a secret by a builtin (upper, split pieces...) is masked too, not just
# the secret's own text (docs/language.md §9: anything computed from a secret is secret).
# exit: 0
# expect: log    pw=*** up=***
# expect: pass is ***
# not-expect: hunter2
# not-expect: HUNTER2
# not-expect: longpassword
runbook "derived secrets"

step "s" {
  let s = secret("hunter2")
  log("pw={s} up={upper(s)}")
  let p = split(secret("admin:longpassword"), ":")
  log("pass is {p[1]}")
  expect len(p) == 2
}
