# A local module: use "./lib/x.rb" as x; its fns and lets are reached as x.name.
# expect: log    hi bob!
# expect: log    hi bob?
# expect: log    HEY!!
# expect: log    module let: hi
# expect: == GO
runbook "modules"

use "./lib/greet.rb" as g

step "use module" {
  log(g.greet("bob"))
  log(g.greet("bob", punct: "?"))
  log(g.shout("hey"))
  log("module let: {g.greeting}")
}
