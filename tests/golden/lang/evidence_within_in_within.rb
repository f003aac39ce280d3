# A `within` inside a fn called from another `within`'s condition: the inner one catches its
# own errors in its own frame and passes; the outer one's last poll raises after it, and shows
# that error on the call that raised it, beside its own values.
# exit: 1
# expect: ok     expect flaky(n) == 1
# expect: FAILED expect settled(region, count) — still not true when the `within` time ran out (last error: the map has no key "settled" (its keys are region))
# expect:            settled(region, count) = error: the map has no key "settled" (its keys are region)
# expect:            region = "eu-1"
# expect:            count = 3
# not-expect: (not evaluated)
runbook "evidence: a within inside a within"

let calls = 0

fn flaky(k) {
  calls = calls + 1
  if calls % 3 == 0 {
    return 1
  }
  let none = json.parse("\{\}")
  return none.answer
}

fn settled(name, n) {
  expect flaky(n) == 1 within 1s every 1ms
  let state = json.parse("\{\"region\": \"x\"\}")
  return state.settled
}

step "Nested" {
  let region = "eu-1"
  let count = 3
  expect settled(region, count) within 30ms every 10ms
}
