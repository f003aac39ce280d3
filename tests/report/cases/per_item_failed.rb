# A per-item step whose failures exceed max_fail: "c" fails, "d" never starts, the step fails;
# its rollback undoes the instances that ran, newest first (each a rollback of its own inside
# the step's), then the earlier step's; the last step never runs.
# exit: 1
runbook "Upgrade the fleet, no failure tolerated"

step "prepare" {
  sh("echo prepared")
} rollback {
  sh("echo unprepared")
}

step "Upgrade {n}" for n in ["a", "b", "c", "d"] serial 1 max_fail 0 {
  sh("echo upgrading {n}")
  expect n != "c", "c does not upgrade"
} rollback {
  sh("echo rolling back {n}")
}

step "verify" {
  log("never reached")
}
