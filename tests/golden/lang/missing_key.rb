# A missing map key is an error that names the key and lists the keys there are.
# exit: 1
# expect: missing_key.rb:11:9: error: the map has no key "gamma" (its keys are alpha, beta)
# expect: FAILED lookup
runbook "missing map key"

let m = {alpha: 1, beta: 2}
let k = "gamma"

step "lookup" {
  log("{m[k]}")
}
