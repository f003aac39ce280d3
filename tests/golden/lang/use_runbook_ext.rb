# A module file may be named .runbook: `use "./lib/twice.runbook"` binds `twice` (the base
# name without the extension), as `use "./lib/x.rb"` binds x.
# expect: log    4
# expect: == GO
runbook "use a .runbook module"

use "./lib/twice.runbook"

step "use it" {
  log(twice.twice(2))
}
