# expect, stop-if and fail belong in steps; return belongs in fns.
expect 1 == 1  # expect error: `expect` can only be used inside a step
stop-if false  # expect error: `stop-if` can only be used inside a step
fail "top"  # expect error: `fail` can only be used inside a step
step "s" {
  return 1  # expect error: `return` is only allowed in a `fn`
}
