# --only naming one instance of a per-item step: that instance runs, the others are skipped
# with the reason, and the other steps are not selected.
# args: --only "Upgrade b"
runbook "Upgrade one host"

step "prepare" {
  log("not selected")
}

step "Upgrade {n}" for n in ["a", "b", "c"] {
  sh("echo upgrading {n}")
}
