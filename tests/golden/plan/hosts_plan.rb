# plan lists the hosts groups a runbook declares, and shows on: with each remote call.
# mode: plan
# expect: Hosts (inventory groups: --inventory; every host is reached before anything runs)
# expect:   web  # the front ends
# expect:   workers
# expect: write  sh         systemctl restart api  (on: hosts.web;
runbook "Hosts in a plan"
hosts web  # the front ends
hosts workers

step "restart" {
  sh("systemctl restart api", on: hosts.web)
  exec(["true"], on: hosts.workers[0], read_only: true)
} rollback {
  log("nothing")
}
