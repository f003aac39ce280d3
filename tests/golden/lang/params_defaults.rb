# Without --param, the defaults apply.
# args: --param name=x
# expect: log    count=3 ratio=0.5 enabled=false delay=5s
runbook "param defaults"

param name: string
param count = 3
param ratio = 0.5
param enabled = false
param delay = 5s

step "show" {
  log("count={count} ratio={ratio} enabled={enabled} delay={delay} {name}")
}
