# A pattern that holds a secret value and does not compile is reported without the pattern:
# the value is written escaped in it (tok\-en), a form the masking does not know.
# mode: run
# exit: 1
# expect: matches_secret_error.rb:14:10: error: invalid regular expression (it holds a secret, not shown): missing closing parenthesis at offset
# not-expect: tok\-en
# not-expect: \-en
runbook "matches: a secret in a broken pattern"

param tok = "tok-en" secret

step "Broken pattern" {
  let s = "x"
  expect s matches "({tok}"
} rollback {
  log("rolled back")
}
