# std/systemd over a stand-in systemctl on PATH: is_active/state from the exit code and output,
# restart/stop/start argv, sudo -n prefix, and wait_active polling.
# env: PATH=./fakebin:${PATH}
# exit: 0
# expect: up-api active=true state=active
# expect: down-api active=false state=inactive
# expect: systemctl restart up-api
# expect: sudo -n systemctl start up-api
runbook "std/systemd: systemctl calls"

use "std/systemd"

step "Restart a unit and wait for it" {
  log("up-api active={systemd.is_active("up-api")} state={systemd.state("up-api")}")
  log("down-api active={systemd.is_active("down-api")} state={systemd.state("down-api")}")
  log(systemd.restart("up-api").stdout)
  systemd.wait_active("up-api", limit: 5s, poll: 100ms)
  log(systemd.start("up-api", sudo: true).stdout)
} rollback {
  log(systemd.stop("down-api").stdout)
}
