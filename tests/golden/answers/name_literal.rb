# `name:` is a literal the preflight can read, and `tty:` a literal true or false.
# allow-warnings
runbook "Names are literals"

step "Ask" {
  let n = "x"
  let a = ask("A?", name: n)  # expect error: `name` of `ask` must be written as a string literal such as "ticket"
  confirm("B?", name: "has space")  # expect error: `name` of `confirm` must be written as a string literal
  sh("true", tty: a == "")  # expect error: `tty` of `sh` must be written as `true` or `false`
  sh("cat", tty: true, stdin: "x")  # expect error: `stdin:` and `tty: true` cannot go together
  sh("cat", tty: true, secret: true)  # expect error: `secret: true` and `tty: true` cannot go together
}
