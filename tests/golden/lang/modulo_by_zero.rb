# exit: 1
# expect: modulo_by_zero.rb:7:9: error: division by zero
runbook "remainder by zero"

step "remainder" {
  let z = 0
  log("{10 % z}")
}
