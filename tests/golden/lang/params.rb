# --param values are parsed to the parameter's type (declared or inferred from the default).
# args: --param name=bob --param count=12 --param ratio=1.25 --param enabled=true
# args: --param delay=2m
# expect: log    name=bob count=12 ratio=1.25 enabled=true delay=2m tag=v1
# expect: log    13 2.5 false 2m1s
# expect: == GO
runbook "params"

param name: string
param count = 3
param ratio = 0.5
param enabled = false
param delay = 5s
param tag: string = "v1"

step "show" {
  log("name={name} count={count} ratio={ratio} enabled={enabled} delay={delay} tag={tag}")
  log("{count + 1} {ratio * 2} {not enabled} {delay + 1s}")
}
