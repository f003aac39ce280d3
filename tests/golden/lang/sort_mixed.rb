# sort of items with no common order is a runtime error at the call, naming the items.
# mode: run
# exit: 1
# expect: sort_mixed.rb:9:11: error: sort: cannot order int and string (items 1 and 2)
runbook "sort mixed"

step "Sort" {
  let xs = [3, 1, "2"]
  let s = sort(xs)
  log(s)
}
