# Assigning into a list keeps its nesting exact (value.h, RBK_MAX_NESTING): a deep item replaced
# by a shallow one leaves room to nest again; a value that would nest past 1000 levels is refused
# at the assignment, and the list is left as it was.
# mode: run
# exit: 1
# expect: ok     expect len(w) == 1
# expect: item_assign_nesting.rb:29:3: error: a list or map cannot nest more than 1000 levels deep
# expect: ok     expect l == [1]
runbook "item assignment and the nesting limit"

let l = [0]
let deep = 0

step "Room again" {
  for i in 1..999 {
    deep = [deep]
  }
  l[0] = deep
  l[0] = 1
  let w = l
  for i in 1..999 {
    w = [w]
  }
  expect len(w) == 1
}

step "Too deep" {
  deep = [deep]
  l[0] = deep
} rollback {
  expect l == [1]
}
