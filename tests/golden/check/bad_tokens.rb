# C-style operators and bad number literals get a specific hint.
step "a" {
  let a = true && false  # expect error: unexpected operator
  let b = 5 sec  # expect error: unexpected name
  let c = 5sec  # expect error: invalid number or duration
  log("{a} {c}")
}
# diag:
# | bad_tokens.rb:3:16: error: unexpected operator
# |     3 |   let a = true && false  # expect error: unexpected operator
# |       |                ^~
# |       = hint: write `and`
