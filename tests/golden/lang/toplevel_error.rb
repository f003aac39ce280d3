# An error in top-level code after a completed step is a failure at that point: the
# rollback of the completed steps runs, exit 1.
# exit: 1
# expect: [1/2] ok first
# expect: toplevel_error.rb:19:9: error: top-level code failed: the map has no key "missing" (its keys are present)
# expect: rollback first
# expect: log    undo first
# expect: == NO-GO
# not-expect: second body
runbook "top-level error"

let m = {present: 1}

step "first" {
  log("first body")
} rollback {
  log("undo first")
}
let v = m["missing"]
step "second" {
  log("second body {v}")
}
