# A list or map param's value that is not valid JSON, not of its type, or a map not given in
# JSON: refused before step 1, naming the param (exit 64).
# exit: 64
# args: --param 'nodes=["a",'
# args: --param 'opts=[1]'
# args: --param 'cfg=a,b'
# expect: --param nodes=["a",: not valid JSON (line 1 column
# expect: --param opts=[1]: a map parameter takes a JSON object {...}, not an array
# expect: --param cfg=a,b: a map parameter is given in JSON
runbook "bad list and map params"

param nodes: list
param opts: map = {}
param cfg: map = {a: 1}

step "Show" {
  log("{nodes} {opts} {cfg}")
}
