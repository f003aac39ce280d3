# An index out of a list's range is a runtime error at the assignment, saying the length; the
# list is left as it was.
# mode: run
# exit: 1
# expect: item_assign_out_of_range.rb:20:3: error: index 3 is out of range: the list has 3 items
# expect: ok     expect l == [1, 2, 3]
# expect: log    rollback ran
runbook "item assignment out of range"

let l = [1, 2, 3]

step "Restore" {
  log("{l}")
} rollback {
  expect l == [1, 2, 3]
  log("rollback ran")
}

step "Assign" {
  l[3] = 4
}
