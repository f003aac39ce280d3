# An unterminated string ends at its line; the next lines are still checked.
step "a" {
  log("oops)  # expect error: unterminated string
  log("{nope}")  # expect error: unknown name `nope`
}
