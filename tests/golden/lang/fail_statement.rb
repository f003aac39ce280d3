# fail "msg" fails the enclosing step with that message.
# exit: 1
# expect: fail_statement.rb:12:3: error: the disk is full (97%)
# expect: [1/1] FAILED check disk
# expect: log    undo check disk
# not-expect: after fail
runbook "fail"

let usage = 97

step "check disk" {
  fail "the disk is full ({usage}%)"
  log("after fail")
} rollback {
  log("undo check disk")
}
