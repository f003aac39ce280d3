# Division by zero in a fused instruction (MOD_L: expression % local) is the same runtime
# error as with the plain MOD, at the same position.
# exit: 1
# expect: fused_div_zero.rb:12:14: error: division by zero
# expect: [1/1] FAILED divide
runbook "fused division by zero"

step "divide" {
  let zero = 0
  let t = 0
  for i in 1..3 {
    t = t + (i % zero)
  }
  log("never reached {t}")
}
