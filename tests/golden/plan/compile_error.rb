# A runbook that does not compile has no plan: the errors, rendered as `runbook check` renders
# them, on stderr, and exit 65.
# mode: plan
# not-expect: Plan:
runbook "broken"

step "one" {
  expect http.get("http://127.0.0.1:9/").stauts == 200  # expect error: this map has no field `stauts`
}
