# A secret used in a command, in env: or printed by the command never appears in any output.
# env: API_TOKEN=s3cr3t-golden-token-value
# exit: 1
# expect: token=***
# expect: via env=***
# expect: exited with code 3
# not-expect: s3cr3t-golden-token-value
runbook "sh secrets are masked"

env API_TOKEN secret

step "secret in the command" {
  let r = sh("echo token={env.API_TOKEN}")
  log(trim(r.stdout))
  let e = sh("echo \"via env=$T\"", env: {T: env.API_TOKEN})
  log(trim(e.stdout))
} rollback {
  log("nothing to undo")
}

step "secret in a failing command's error" {
  sh("echo {env.API_TOKEN} >&2; exit 3")
} rollback {
  log("nothing to undo")
}
