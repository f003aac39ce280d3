# An empty `rollback {}` says a step has nothing to undo (docs/language.md §7): no
# `no-rollback` warning, and `plan` names it so, where an `irreversible` step would block the
# rollback of the steps before it.
# mode: plan
# exit: 0
# expect: 1. Back up  nothing_to_undo.rb:12  worst 30s
# expect: rollback: nothing to undo (an empty rollback block)
# expect: Rollback order
# expect: 2. Migrate  rollback block, worst 30s
# expect: 1. Back up  nothing to undo (an empty rollback block)
# expect: point of no return: none (no step is irreversible)
step "Back up" {
  sh("cp /etc/hosts hosts.backup")
} rollback {
  # nothing to undo: the backup stays
}
step "Migrate" {
  sh("echo migrate")
} rollback {
  sh("echo undo")
}
