# Required env vars are checked all at once before anything runs (exit 64).
# exit: 64
# expect: not started — 3 problems found before step 1
# expect: environment variable RBK_GT_MISSING_A is not set (declared at env_missing.rb:10)
# expect: environment variable RBK_GT_MISSING_B is not set (declared at env_missing.rb:10)
# expect: environment variable RBK_GT_MISSING_TOKEN is not set (declared at env_missing.rb:11)
# not-expect: top level ran
runbook "missing env"

env RBK_GT_MISSING_A, RBK_GT_MISSING_B
env RBK_GT_MISSING_TOKEN secret
env RBK_GT_MISSING_OPT optional

log("top level ran")

step "show" {
  log("{env.RBK_GT_MISSING_A} {env.RBK_GT_MISSING_B} {env.RBK_GT_MISSING_TOKEN} {env.RBK_GT_MISSING_OPT}")
}
