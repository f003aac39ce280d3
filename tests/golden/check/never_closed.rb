# A bracket left open is reported at the bracket, with a note where its closer was expected
# (after the last token before the line that could not continue the expression), not one line
# late at whatever follows. Inside ( [ a newline ends nothing, so the next line is read on.
step "Call" {
  let x = len("abc"  # expect error: this `(` is never closed
  log(x)
}
step "List" {
  let l = [1, 2  # expect error: this `[` is never closed
  log(l)
}
step "Map" {
  let m = {a: 1  # expect error: this `{` is never closed
  log(m)
}
step "Block" {  # expect error: this `{` is never closed
  log("one")
step "After" {
  log("two")
}
step "Missing comma" {
  log(max(1,
    2
    3))  # expect error: unexpected integer
}
# diag:
# | never_closed.rb:5:14: error: this `(` is never closed
# |     5 |   let x = len("abc"  # expect error: this `(` is never closed
# |       |              ^
# | never_closed.rb:5:20: note: expected `)` here, before name on line 6
# |     5 |   let x = len("abc"  # expect error: this `(` is never closed
# |       |                    ^
# diag:
# | never_closed.rb:16:14: error: this `{` is never closed
# |    16 | step "Block" {  # expect error: this `{` is never closed
# |       |              ^
# | never_closed.rb:17:13: note: expected `}` here, before step on line 18
