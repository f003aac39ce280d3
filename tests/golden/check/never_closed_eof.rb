# A `(` still open at the end of the file: the error is at the `(`.
log(len("abc")  # expect error: this `(` is never closed
# diag:
# | never_closed_eof.rb:2:4: error: this `(` is never closed
# |     2 | log(len("abc")  # expect error: this `(` is never closed
# |       |    ^
# | never_closed_eof.rb:2:15: note: expected `)` here, before the end of the file
