# A secret inside a runtime error message is masked too.
# exit: 1
# expect: error: the map has no key "***"
# not-expect: k3y-very-secret
runbook "secret in an error"

let k = secret("k3y-very-secret")
let m = {a: 1}

step "lookup" {
  log("{m[k]}")
}
