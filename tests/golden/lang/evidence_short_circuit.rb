# Short-circuit `or`/`and`: a sub-expression that did not run shows `(not evaluated)`, never a
# value traced by an expect inside a fn that did run.
# exit: 1
# expect: FAILED expect left(a, b) and right(c)
# expect:            left(a, b) and right(c) = false
# expect:            left(a, b) = false
# expect:            right(c) = (not evaluated)
# expect:            a = 1
# expect:            b = 2
# expect:            c = (not evaluated)
runbook "evidence: short-circuit beside a nested expect"

fn left(x, y) {
  expect x < y and y - x == 1 and x * y == 2
  return false
}
fn right(z) {
  return z == 3
}

step "Short" {
  let a = 1
  let b = 2
  let c = 3
  expect left(a, b) and right(c)
}
