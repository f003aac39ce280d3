# An instance's name is the step's name with the item in its holes; a name without a hole names
# the instances "NAME [ITEM]"; two items making one name is an error before any starts.
# mode: run
# exit: 1
# expect: [1/2] ok Ping [10.0.0.1]
# expect: [1/2] ok Ping [10.0.0.2]
# expect: error: per-item step "Dup {x.role}": items 1 and 2 both make the instance name "Dup web"
runbook "names"

step "Ping" for ip in ["10.0.0.1", "10.0.0.2"] {
  log(ip)
}

step "Dup {x.role}" for x in [{"role": "web"}, {"role": "web"}] {
  log(x.role)
}
