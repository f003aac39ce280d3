# Each attempt of a `retry` shows its own values: the fn in the condition runs an expect of its
# own, and a sub-expression that the second attempt did not evaluate (short-circuit `and`)
# shows `(not evaluated)`, not what the first attempt traced.
# exit: 1
# expect: [1/1] Retry
# expect: FAILED expect n == 1 and check(label, n)
# expect:            n == 1 and check(label, n) = false
# expect:            check(label, n) = false
# expect:            n == 1 = true
# expect:            label = "try1"
# expect:            n = 1
# expect: retry attempt 2 of the step
# expect: FAILED expect n == 1 and check(label, n)
# expect:            n == 1 and check(label, n) = false
# expect:            check(label, n) = (not evaluated)
# expect:            n == 1 = false
# expect:            label = (not evaluated)
# expect:            n = 2
# not-expect: label = 1
# not-expect: label = true
runbook "evidence: retry attempts"

let n = 0

fn check(label, k) {
  expect label != "" and k > 0 and len(label) == 4
  return k > 5
}

step "Retry" retry 1 every 10ms {
  n = n + 1
  let label = "try{n}"
  expect n == 1 and check(label, n)
}
