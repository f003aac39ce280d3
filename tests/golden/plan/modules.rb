# Effects inside `use`d modules are shown where they are reached, with the call chain (`via`),
# the module's parameters replaced by the call's arguments; a module's top-level code is its
# own item of the sequence, before everything else.
# mode: plan
# exit: 0
# expect: module ./lib/helpers.rb (initialises its top-level names)  lib/helpers.rb:3  worst 30s
# expect: write  sh         date +%s  (lib/helpers.rb:3)
# expect: 1. Restart the API  modules.rb:
# expect: write  sh         systemctl restart {"api.service"}  (timeout: 1m; via h.restart; lib/helpers.rb:6)
# expect: wait   wait       10s  (via h.restart; lib/helpers.rb:7)
# expect: write  sh         systemctl restart {"worker.service"}  (timeout: 1m; via h.restart; lib/helpers.rb:6)
# expect: wait   wait       45s  (via h.restart; lib/helpers.rb:7)
# expect: 1. Restart the API                2m55s          0s       2m55s           -
runbook "Modules"

use "./lib/helpers.rb" as h

step "Restart the API" {
  h.restart("api.service")
  h.restart("worker.service", grace: 45s)
  log("restarted at {h.stamp}")
}
