# An answer for a name the runbook does not have is refused before step 1, with the closest
# name; so is a name given twice.
# args: --answer tiket=CHG-1 --answer ticket=CHG-2 --answer ticket=CHG-3
# exit: 64
# expect: runbook: not started — 2 problems found before step 1:
# expect: - --answer tiket: this runbook has no ask or confirm named tiket (did you mean ticket?)
# expect: - --answer ticket is given twice
# not-expect: [1/1]
runbook "Unknown answer"

step "Ask" {
  let ticket = ask("Change ticket?")
  log(ticket)
}
