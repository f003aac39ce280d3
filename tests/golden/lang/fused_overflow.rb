# Int overflow in a fused instruction (here LMUL: local * expression) inside a range loop is
# the same runtime error as with the plain MUL, at the same position.
# exit: 1
# expect: [1/1] grow
# expect: fused_overflow.rb:13:11: error: integer overflow: 1000000000000000000 * 10
# expect: [1/1] FAILED grow
runbook "fused overflow"

step "grow" {
  let acc = 1
  let ten = 10
  for i in 1..100 {
    acc = acc * (ten + 0)
  }
  log("never reached {acc}")
}
