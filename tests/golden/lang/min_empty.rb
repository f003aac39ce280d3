# min and max of an empty list are errors (not nil, which would fail later, further away).
# mode: run
# exit: 1
# expect: min_empty.rb:9:7: error: max: the list is empty
runbook "min empty"

step "Empty" {
  let xs = []
  log(max(xs))
}
