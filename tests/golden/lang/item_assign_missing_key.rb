# A key on the way to the item must be there (a new key only at the last level): the error names
# the keys the map has.
# mode: run
# exit: 1
# expect: item_assign_missing_key.rb:12:3: error: the map has no key "b" (its keys are a)
runbook "item assignment through a missing key"

step "Assign" {
  let m = {a: {}}
  m["a"]["new"] = 1
  expect m == {a: {new: 1}}
  m["b"]["c"] = 1
}
