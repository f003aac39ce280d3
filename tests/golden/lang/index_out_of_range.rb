# exit: 1
# expect: index_out_of_range.rb:8:9: error: index 3 is out of range: the list has 3 items
# expect: FAILED list
runbook "list index out of range"

step "list" {
  let xs = [1, 2, 3]
  log("{xs[3]}")
}
