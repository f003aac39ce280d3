# A string in the wrong place is reported as a string at its opening quote, whichever way the
# lexer read it: a plain "..." is one token, an interpolated one several (grammar/lexer.re).
step "strings out of place" {
  log("a") "plain"  # expect error: unexpected string
  log("b") "with {1}"  # expect error: unexpected string
}
# The caret is on the quote, not under the whole literal:
# expect: syntax_string_token.rb:4:12: error: unexpected string
# expect:     |            ^
# expect: syntax_string_token.rb:5:12: error: unexpected string
# expect:     |            ^
