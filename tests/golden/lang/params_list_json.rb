# --param text that starts with [ or { is JSON: items with commas, numbers, nested values; a map
# param is given this way only.
# args: --param 'nodes=["a,b", "c d", 3, [true, null]]'
# args: --param 'opts={"retries": 5, "zones": ["x"]}'
# expect: log    ["a,b", "c d", 3, [true, nil]] 4
# expect: log    5 ["x"]
runbook "list and map params, JSON form"

param nodes: list = []
param opts: map

step "Show" {
  log("{nodes} {len(nodes)}")
  log("{opts.retries} {opts["zones"]}")
}
