# A pattern of re.match that does not compile is a runtime error at the call that shows it.
# mode: run
# exit: 1
# expect: re_bad_pattern.rb:9:11: error: invalid regular expression "([a-z]+": missing closing parenthesis at offset 7
runbook "re bad pattern"

step "Match" {
  let p = "([a-z]+"
  let m = re.match("abc", p)
  log(m)
}
