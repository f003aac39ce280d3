# What is not known before the run is said, with the reason: a duration that is a required
# parameter, a timeout computed at run time. A step's timeout still bounds its machine time.
# mode: plan
# exit: 0
# expect: 1. Pause  unknown_bounds.rb:16  worst unbounded
# expect: 2. Capped  unknown_bounds.rb:20  worst 40s
# expect: 3. Computed timeout  unknown_bounds.rb:24  worst unbounded
# expect: not bounded:
# expect: - step 1 "Pause": wait `pause` (unknown_bounds.rb:17) is not known before the run: it depends on --param pause
# expect: - step 3 "Computed timeout": the timeout `t * 1s` (unknown_bounds.rb:26) is not known before the run
runbook "Unknown bounds"

param pause: duration
param wanted = "5s"

step "Pause" {
  wait(pause)
}

step "Capped" timeout 20s retry 1 {
  wait(pause)
}

step "Computed timeout" {
  let t = int(wanted)
  sh("sleep 1", timeout: t * 1s)
}
