# `secret: true` says that what a command prints is secret: its stdout is registered (whole and
# trimmed) before any event carries it, it is not streamed with --verbose, the outcome event
# does not carry it, and the result's stdout and stderr are marked. Its code stays readable.
# args: --verbose
# exit: 0
# expect: sh     printf '%s-%s\n' tok LATE8812
# expect: -> ok (code 0,
# expect: log    token is ***
# expect: log    code 0
# expect: exec   printf '%s-%s\n' tok EXEC7731
# expect: log    exec token is ***
# expect: sh     echo using '***'
# expect: out | using ***
# not-expect: tok-LATE8812
# not-expect: tok-EXEC7731
runbook "sh: secret output"

step "Read a token" {
  let r = sh("printf '%s-%s\\n' tok LATE8812", secret: true, read_only: true)
  let tok = trim(r.stdout)
  log("token is {tok}")
  log("code {r.code}")
  let e = exec(["printf", "%s-%s\\n", "tok", "EXEC7731"], secret: true, read_only: true)
  log("exec token is {trim(e.stdout)}")
  sh("echo using {tok}", read_only: true)
}
