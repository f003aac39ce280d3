# A confirm is answered yes or no; an empty secret is not an answer. Checked before step 1,
# and the message does not show a secret answer.
# args: --answer go=maybe --answer pin=
# exit: 64
# expect: - --answer go=maybe: a confirm is answered yes or no
# expect: - --answer pin: empty, and an empty secret is not an answer
# not-expect: [1/1]
runbook "Bad answers"

step "Ask" {
  let pin = ask("PIN?", secret: true)
  confirm("Go ahead?", name: "go")
  log(pin)
}
