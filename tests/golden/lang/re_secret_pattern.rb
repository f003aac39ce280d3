# A broken pattern literal of re.match that holds a secret value is not shown (as for matches):
# the value is written escaped in it, a form the masking does not know.
# mode: run
# exit: 1
# expect: re_secret_pattern.rb:11:11: error: invalid regular expression (it holds a secret, not shown): missing closing parenthesis at offset
# not-expect: tok\-en
runbook "re secret pattern"

param tok = "tok-en" secret
step "Match" {
  let m = re.match("x", "({tok}")
  log(m)
}
