# List and map params from their defaults (docs/language.md §6).
# expect: log    nodes ["a", "b"] (2)
# expect: log    opts {"retries": 3, "dry": false, "nested": {"x": [1, 2.5, nil]}}
# expect: log    ports [80, -443]
# expect: log    node a
# expect: log    node b
runbook "list and map params"

param nodes: list = ["a", "b"]
param opts: map = {retries: 3, "dry": false, nested: {x: [1, 2.5, nil]}}
param ports = [80, -443]

step "Show" {
  log("nodes {nodes} ({len(nodes)})")
  log("opts {opts}")
  log("ports {ports}")
  for n in nodes {
    log("node {n}")
  }
}
