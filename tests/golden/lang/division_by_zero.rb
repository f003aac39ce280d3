# Division and remainder by zero are runtime errors; the step fails and its rollback runs.
# exit: 1
# expect: division_by_zero.rb:12:9: error: division by zero
# expect: FAILED divide
# expect: rollback divide
# expect: log    undo divide
# expect: == NO-GO: "divide" failed; rollback completed (1 rolled back)
runbook "division by zero"

step "divide" {
  let z = len([])
  log("{10 / z}")
} rollback {
  log("undo divide")
}
