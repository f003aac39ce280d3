# A `{` in a string starts an interpolation; one that is never closed (a brace meant as text)
# is one error at the brace, and the string is read on as text, where it was two errors
# elsewhere (the rest of the line read as code, the next quote as the start of a string).
let x = 1
log("a { b")  # expect error: this `{` starts an interpolation that is never closed
log("x {x")  # expect error: this `{` starts an interpolation that is never closed
log("""
  JSON { "a": 1
  """)
log("ok {x} \{ {"{x}"} \}")
log("an interpolation may span lines: {x +
  1}")
# diag:
# | lone_brace.rb:5:8: error: this `{` starts an interpolation that is never closed
# |     5 | log("a { b")  # expect error: this `{` starts an interpolation that is never closed
# |       |        ^
# |       = hint: an interpolation is written {expr}; for a `{` as text, write \{
# diag:
# | lone_brace.rb:8:8: error: this `{` starts an interpolation that is never closed
# |     8 |   JSON { "a": 1
# |       |        ^
