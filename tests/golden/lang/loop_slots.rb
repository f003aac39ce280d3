# Regression (found under ASan): a loop reusing the local slots of an earlier block's
# string locals must release them (FOR_PREP / RANGE_PREP leaked the old values).
# expect: log    a=1
# expect: log    b=2
# expect: log    r=10 xy
# expect: == GO
runbook "loop slot reuse"

step "slots" {
  let m = {a: 1, b: 2}
  for k, v in m {
    log("{k}={v}")
  }
  let r = 0
  for i in 1..4 {
    r = r + i
  }
  if true {
    let s1 = "x" + ""
    let s2 = "y" + ""
    r = r + len(s1 + s2) - 2
  }
  for j in [1] {
    log("r={r} {"x" + "y"}")
  }
}
