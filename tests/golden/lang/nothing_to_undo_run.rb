# A step with nothing to undo has an empty rollback block, not `irreversible`: a later failure
# still rolls back the steps before it (docs/language.md §7). An irreversible "Back up" would
# stop the rollback there and leave "Create" NOT RUN.
# mode: run
# exit: 1
# expect: nothing_to_undo_run.rb:23:3: error: migration failed
# expect: [3/3] FAILED Migrate
# expect: rollback none Back up: nothing to undo (an empty rollback block)
# expect: undo create
# expect: rollback ok Create
# not-expect: BLOCKED
step "Create" {
  sh("echo create")
} rollback {
  log("undo create")
}
step "Back up" {
  sh("echo backup")
} rollback {
  # nothing to undo: the backup stays
}
step "Migrate" {
  fail "migration failed"
}
