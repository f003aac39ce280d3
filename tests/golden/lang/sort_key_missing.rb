# sort by a key that an item lacks: the error names the item and the keys it has.
# mode: run
# exit: 1
# expect: sort_key_missing.rb:9:11: error: sort: item 1 has no key "load" (its keys are name, lod)
runbook "sort key missing"

step "Sort" {
  let rows = [{name: "a", load: 1}, {name: "b", lod: 2}]
  let s = sort(rows, key: "load")
  log(s)
}
