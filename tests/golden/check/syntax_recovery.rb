# Three independent syntax errors: each is reported once, and what was parsed around them
# (the global `x`, the later steps) is still checked — no cascade of unknown names.
let x = 1
step "a" {
  let y = (1 +
  log("a")
}  # expect error: unexpected '}'
step "b" {
  expect x = 2  # expect error: unexpected '='
}
step "c" {
  let z = [1, 2
}  # expect error: unexpected '}'
step "d" {
  log("{x}")
}
# diag:
# |     9 |   expect x = 2  # expect error: unexpected '='
# |       |            ^
# |       = hint: to compare, write `==`
