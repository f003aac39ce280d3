# Unknown names, with a "did you mean" hint where a close name exists.
let count = 1
fn helper(a) {
  return a
}
step "a" {
  log("{cout}")  # expect error: unknown name `cout`
  halper(1)  # expect error: unknown name `halper`
  log("{zzzqqq}")  # expect error: unknown name `zzzqqq`
  log("{count} {helper(2)}")
}
# diag:
# | unknown_names.rb:7:9: error: unknown name `cout`
# |     7 |   log("{cout}")  # expect error: unknown name `cout`
# |       |         ^~~~
# |       = hint: did you mean `count`?
