# An error raised by the condition's own code (a missing field) is shown on the sub-expression
# that raised it; the one beside it that ran before keeps its value, the ones after it did not run.
# exit: 1
# expect: FAILED expect r.code == 200 and r.body != ""
# expect:            r.code == 200 and r.body != "" = (not evaluated)
# expect:            r.code == 200 = (not evaluated)
# expect:            r.body != "" = (not evaluated)
# expect:            r.code = error: the map has no key "code" (its keys are status)
# expect:            r.body = (not evaluated)
# expect:            r = {"status": 200}
runbook "evidence: an error in the condition's own code"

step "Field" {
  let r = json.parse("\{\"status\": 200\}")
  expect r.code == 200 and r.body != "" within 30ms every 10ms
}
