# sum takes numbers or durations, not a mix, nor strings.
# mode: run
# exit: 1
# expect: sum_mixed.rb:8:7: error: sum: item 1 is string; the items must be all numbers or all durations (convert with int(...) or float(...))
runbook "sum mixed"

step "Sum" {
  log(sum([1, "2"]))
}
