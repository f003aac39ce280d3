# Without a terminal, every ask and confirm that no answer answers is listed before step 1,
# all at once (not a failure in step 2); an ask with no name says how to give it one.
# args: --answer ticket=CHG-1
# exit: 64
# expect: runbook: not started — 3 problems found before step 1:
# expect: - ask pin at missing_answers.rb:17 has no answer: pass --answer pin=VALUE or --answers FILE, or run on a terminal
# expect: - ask at missing_answers.rb:18 needs an operator at a terminal (--yes does not answer questions; name it, `let NAME = ask(...)` or name:, to answer it with --answer)
# expect: - confirm at missing_answers.rb:19 needs an operator ("Really?"): run on a terminal, or pass --yes or --answer sure=yes
# not-expect: [1/2]
runbook "Missing answers"

step "First" {
  log("nothing to ask")
}
step "Second" {
  let ticket = ask("Change ticket?")
  let pin = ask("PIN?", secret: true)
  log(ask("Anything else?"))
  confirm("Really?", name: "sure")
  log(ticket + pin)
}
