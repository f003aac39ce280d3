# `fail` is allowed in top-level code, directly or in a fn it calls: it is an error there, so the
# run fails at that point and the steps completed before it are rolled back, as for any error in
# top-level code. (A library fn that reads configuration can refuse clearly wherever it is
# called; expect, stop-if and watch still belong in steps.)
# mode: run
# exit: 1
# expect: [1/2] ok Prepare
# expect: fail_top_level.rb:16:5: error: top-level code failed: no configuration for prod
# expect: rollback ok Prepare
# expect: == NO-GO
# not-expect: [2/2]
runbook "fail at the top level"

fn config_for(name) {
  if name != "staging" {
    fail "no configuration for {name}"
  }
  return {name: name, replicas: 2}
}

let staging = config_for("staging")

step "Prepare" {
  log("prepared {staging.name} with {staging.replicas} replicas")
} rollback {
  log("undo prepare")
}

let prod = config_for("prod")

step "Deploy" {
  log("deploy {prod.name}")
} rollback {
  log("undo deploy")
}
