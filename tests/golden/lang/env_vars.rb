# Declared env vars; optional ones read as nil when unset; env.get for dynamic names.
# env: RBK_GT_A=alpha
# env: RBK_GT_B=beta
# expect: log    a=alpha b=beta opt=nil
# expect: log    dyn=alpha none=nil
# expect: == GO
runbook "env vars"

env RBK_GT_A, RBK_GT_B
env RBK_GT_OPT_UNSET optional

step "show" {
  log("a={env.RBK_GT_A} b={env.RBK_GT_B} opt={env.RBK_GT_OPT_UNSET}")
  log("dyn={env.get("RBK_GT_A")} none={env.get("RBK_GT_SURELY_UNSET_XYZ")}")
}
