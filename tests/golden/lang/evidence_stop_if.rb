# A stop-if shows its values as an expect does: a fn in its condition that runs an expect of
# its own does not shift them.
# exit: 2
# expect: STOP   stop-if over_budget(spent, budget) — over budget
# expect:            over_budget(spent, budget) = true
# expect:            budget = 100
# expect:            spent = 120
# not-expect: spent = true
runbook "evidence: stop-if with a nested expect"

fn over_budget(used, limit) {
  expect used >= 0 and limit > 0 and used != limit
  return used > limit
}

step "Budget" {
  let spent = 120
  let budget = 100
  stop-if over_budget(spent, budget), "over budget"
}
