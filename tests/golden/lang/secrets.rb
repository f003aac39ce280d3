# Secret values (env ... secret, secret(v)) never reach the output: logs, expect values and
# error messages show *** instead.
# env: RBK_GT_TOKEN=tok-s3cr3t-value-42
# exit: 1
# expect: log    ***
# expect: log    password=*** mixed=user:***@host
# expect: FAILED expect env.RBK_GT_TOKEN == "guess"
# expect: == NO-GO
# not-expect: tok-s3cr3t-value-42
# not-expect: hunter2-pw
runbook "secrets"

env RBK_GT_TOKEN secret

let pw = secret("hunter2-pw")

step "show" {
  log("token={env.RBK_GT_TOKEN} len={len(env.RBK_GT_TOKEN)}")
  log("password={pw} mixed=user:{pw}@host")
  expect env.RBK_GT_TOKEN == "guess"
}
