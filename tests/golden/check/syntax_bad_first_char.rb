@  # expect error: unexpected character
# A bad character as the very first token of a file: the parser recovers from it in its
# first state (the program rule has no leading optional NL, grammar/parser.y), so the next
# statement's error is still reported. Before c4f2da7 the parse stopped at the `@`.
let q = = 1  # expect error: unexpected '='
let r = 2
step "after" {
  log("{r} {q}" + )  # expect error: unexpected ')'
}
step "a local" {
  let x = 1
  log("{x}" + )  # expect error: unexpected ')'
}
# no "unused variable `x`" and no "`r` is never used": each one's use is in a statement that
# error recovery skipped, so a file with syntax errors gets no never-used warnings at all
# not-expect: never used
# not-expect: unused variable
