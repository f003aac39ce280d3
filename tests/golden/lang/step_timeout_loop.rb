# A step whose loop runs past its timeout fails (the VM checks the deadline inside loops).
# exit: 1
# expect: [1/1] busy
# expect: step_timeout_loop.rb:11:12: error: the step's timeout (300ms) expired
# expect: [1/1] FAILED busy
runbook "step timeout in a loop"

let n = 0

step "busy" timeout 300ms {
  for i in 1..1000000000 {
    n = n + 1
  }
}
