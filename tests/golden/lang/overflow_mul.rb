# Multiplication and negation overflow too.
# exit: 1
# expect: overflow_mul.rb:9:9: error: integer overflow
# expect: FAILED mul
runbook "int overflow (multiply)"

step "mul" {
  let x = 4611686018427387904
  log("{x * 2}")
}
