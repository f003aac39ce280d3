# --param NAME=a,b gives a list param its items as strings, the blanks around each dropped.
# args: --param 'nodes=web-1, web-2 ,db'
# args: --param empty=
# expect: log    ["web-1", "web-2", "db"] 3
# expect: log    [] 0
runbook "list param, comma form"

param nodes: list
param empty: list = ["x"]

step "Show" {
  log("{nodes} {len(nodes)}")
  log("{empty} {len(empty)}")
}
