# A value is shown quoted, with `{`, `}`, quotes and control characters escaped. Each string is
# masked before it is escaped, so a secret with a brace, a quote or a control character in it
# is masked in expectation values and in error messages that quote a value.
# env: BRACE_TOKEN=br{ace}-"q"-tok3n-55
# exit: 3
# expect: r.stdout = "***"
# expect: int: not an integer: "***"
# not-expect: tok3n-55
runbook "Secrets are masked before values are escaped"

env BRACE_TOKEN secret

step "An unmarked copy of the token (passed through env:)" {
  let r = sh("printf %s \"$T\"", env: {T: env.BRACE_TOKEN})
  expect r.stdout == "not the token"
} rollback {
  let r = sh("printf %s \"$T\"", env: {T: env.BRACE_TOKEN})
  log(int(r.stdout))
}
