# expect and stop-if belong in steps (fail may be used anywhere: lang/fail_top_level.rb); return
# belongs in fns.
expect 1 == 1  # expect error: `expect` can only be used inside a step
stop-if false  # expect error: `stop-if` can only be used inside a step
step "s" {
  return 1  # expect error: `return` is only allowed in a `fn`
}
