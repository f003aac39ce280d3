# A secret from the environment, echoed by commands, logged, compared and named in a failure
# message: the report shows *** and never the text.
# env: DEPLOY_TOKEN=tok-Sup3r-S3cret-4242
# secret: tok-Sup3r-S3cret-4242
# exit: 1
runbook "Deploy with a token"

env DEPLOY_TOKEN secret

step "use the token" {
  let a = sh("echo token=$T", env: {T: env.DEPLOY_TOKEN})
  let b = sh("echo {env.DEPLOY_TOKEN} >&2; echo 'header: Bearer {env.DEPLOY_TOKEN:raw}'")
  log("authenticating with {env.DEPLOY_TOKEN}")
  expect a.stdout contains env.DEPLOY_TOKEN
  expect b.stdout == "x", "got {b.stdout} for token {env.DEPLOY_TOKEN}"
} rollback {
  sh("echo revoke {env.DEPLOY_TOKEN}")
}
