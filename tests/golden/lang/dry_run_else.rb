# --dry-run: an `if` whose condition depends on a skipped write runs neither its block nor its
# `else` (the else ran: a dry run of `if r.code == 0 { ... } else { fail ... }` failed the step
# with the else's message). A decided condition still picks its branch, also in an else-if
# chain whose later condition is the undecidable one.
# args: --dry-run
# exit: 0
# expect: would sh("./deploy.sh", check: false)
# expect: note   dry run: a condition depends on a write that was not done; the block it guards is not run
# expect: decided: else
# expect: would sh("./canary.sh", check: false)
# expect: note   dry run: a condition depends on a write that was not done; the block it guards is not run
# expect: after the chain
# expect: [1/1] ok Deploy
# expect: == GO
# not-expect: the deploy failed
# not-expect: deployed
# not-expect: canary passed
# not-expect: canary failed
# not-expect: canary mode
runbook "dry run: if/else on an unverified condition"

param mode = "full"

step "Deploy" {
  let r = sh("./deploy.sh", check: false)
  if r.code == 0 {
    log("deployed")
  } else {
    fail "the deploy failed: {r.stderr}"
  }
  if mode == "canary" {
    log("decided: then")
  } else {
    log("decided: else")
  }
  let c = sh("./canary.sh", check: false)
  if mode == "canary" {
    log("canary mode")
  } else if c.code == 0 {
    log("canary passed")
  } else {
    log("canary failed")
  }
  log("after the chain")
} rollback {
  sh("./undeploy.sh")
}
