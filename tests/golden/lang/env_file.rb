# --env-file supplies env vars (comments and quotes handled); the process env is not needed.
# args: --env-file data/vars.env
# expect: log    a=from file b=quoted value
# expect: == GO
runbook "env file"

env RBK_GT_FILE_A, RBK_GT_FILE_B

step "show" {
  log("a={env.RBK_GT_FILE_A} b={env.RBK_GT_FILE_B}")
}
