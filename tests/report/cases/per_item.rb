# A per-item step: each instance is a row of its own with its outcome, attempts, commands and
# rollback. "b" fails its first attempt and passes the retry; "c" fails its expectation on both
# attempts and is tolerated by max_fail 1, so it is rolled back at the end of the step, which
# ends ok. One instance at a time (serial 1), so the order of the rows is the list's.
runbook "Upgrade the fleet"

step "prepare" {
  sh("rm -f retried-b")
}

step "Upgrade {n}" for n in ["a", "b", "c", "d"] serial 1 max_fail 1 retry 1 {
  sh("echo upgrading {n}; if [ {n} = b ] && [ ! -e retried-b ]; then touch retried-b; echo not yet >&2; exit 3; fi")
  expect n != "c", "c does not upgrade"
} rollback {
  sh("echo rolling back {n}")
}

step "verify" {
  log("fleet upgraded")
}
