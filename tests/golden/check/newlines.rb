# Newline rules: a statement continues inside brackets, after a binary operator or a comma,
# and before else / rollback.
# mode: run
# expect: log    6 [1, 2, 3] true
# expect: log    else branch
# expect: == GO
step "lines" {
  let total = 1 +
    2 +
    3
  let xs = [
    1,
    2,
    3,
  ]
  let ok = total == 6 and
    len(xs) == 3
  log("{total} {xs} {ok}")
  if false {
    log("no")
  }
  else {
    log("else branch")
  }
}
rollback {
  log("undo")
}
