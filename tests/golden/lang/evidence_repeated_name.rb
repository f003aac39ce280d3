# A name used twice in a condition is shown once, with the value of the first place that was
# evaluated: here `and` skipped the first `x`, the second one ran.
# exit: 1
# expect: FAILED expect (c and x > 1) or x < 0
# expect:            x > 1 = (not evaluated)
# expect:            x < 0 = false
# expect:            c = false
# expect:            x = 5
# not-expect: x = (not evaluated)
runbook "evidence: a name used twice"

step "Twice" {
  let c = false
  let x = 5
  expect (c and x > 1) or x < 0
}
