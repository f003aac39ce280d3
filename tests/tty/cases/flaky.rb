# A step that fails until the file `marker` exists in the working directory
# (tests/tty: on-failure-retry, on-failure-rollback, on-failure-stop).
runbook "Flaky"
step "First" {
  log("first ran")
} rollback {
  log("first rolled back")
}
step "Flaky" {
  log("flaky ran")
  let r = sh("test -f marker", check: false)
  expect r.code == 0
} rollback {
  log("flaky rolled back")
}
