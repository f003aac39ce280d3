# --answer NAME=VALUE answers a named ask (named by its `let`, or by name:) and a named confirm
# without a terminal; the gate line says where the answer came from. An ask in a loop gets the
# same answer each time.
# args: --answer ticket=CHG-1234 --answer go=yes --answer region=eu-west-1
# expect: gate   Change ticket? -> CHG-1234 (--answer)
# expect: gate   Region? -> eu-west-1 (--answer)
# expect: gate   Region? -> eu-west-1 (--answer)
# expect: gate   Go ahead? -> yes (--answer)
# expect: log    CHG-1234 in eu-west-1
runbook "Answers on the command line"

step "Ask" {
  let ticket = ask("Change ticket?")
  let r = ""
  for i in [1, 2] {
    r = ask("Region?", name: "region")
  }
  confirm("Go ahead?", name: "go")
  log("{ticket} in {r}")
}
