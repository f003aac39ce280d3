# A required param that was not given is asked for at start (tests/tty: param-prompt).
runbook "Param"
param count: int
param label = "default label"
param hosts: list
step "Use" {
  log("count is {count}, twice is {count * 2}, label is {label}")
  log("hosts are {hosts}")
}
