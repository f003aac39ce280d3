# A failed expect whose condition calls a fn with two arguments that runs an expect of its
# own shows each sub-expression beside its own value: the fn's expect has values of its own
# and must not shift or replace the caller's (they once showed `var = nil`, `val = true`).
# exit: 1
# expect: ok     expect name != "" and len(name) > 2
# expect: FAILED expect present(var, val)
# expect:            present(var, val) = false
# expect:            var = "DB_URL"
# expect:            val = nil
# not-expect: var = nil
# not-expect: val = true
# not-expect: val = "DB_URL"
# not-expect: (not evaluated)
runbook "evidence: a nested expect in a fn with two arguments"

fn present(name, value) {
  expect name != "" and len(name) > 2
  return value != nil
}

step "Env" {
  let var = "DB_URL"
  let val = nil
  expect present(var, val)
}
