# A failed expectation shows its sub-expressions' values: a secret inside a list is *** there;
# a secret number quoted into a command is registered, so the command line masks it; one too
# short to register (2 digits) beside a registered text makes the command line *** whole.
# args: --verbose
# exit: 1
# expect: sh     echo '***' > /dev/null
# expect: sh     ***
# expect: [***, 1]
# not-expect: 8675309123
# not-expect: tok-expect-items-1
# expect: error: expectation failed: l == [1, 2]
runbook "secret items in an expectation"

let token = secret("tok-expect-items-1")

step "Expect" {
  let n = secret(8675309000 + 123)
  sh("echo {n} > /dev/null")
  sh("echo {token} {len(token)} > /dev/null")
  let l = [n, 1]
  expect l == [1, 2]
} rollback {
  log("undo")
}
