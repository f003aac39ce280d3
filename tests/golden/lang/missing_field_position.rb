# A missing field read at run time is an error at the field's name (it once pointed at the
# first byte of the file), in a step and in a fn.
# exit: 1
# expect: missing_field_position.rb:11:12: error: the map has no key "status" (its keys are code)
# expect:    11 |   return r.status
# expect:       |            ^
# expect: FAILED Read
runbook "missing field position"

fn status_of(r) {
  return r.status
}

step "Read" {
  let r = json.parse("\{\"code\": 1\}")
  log("{status_of(r)}")
}
