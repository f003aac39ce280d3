# A syntax error inside a block keeps the statements before it: `a` is still declared.
step "s" {
  let a = 1
  let = 2  # expect error: unexpected '='
  log("{a}")
}
