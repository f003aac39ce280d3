# A failed expectation shows its sub-expressions' values: a secret inside a list is *** there,
# and a command line that holds a secret number is *** whole (docs/secrets.md).
# args: --verbose
# exit: 1
# expect: sh     ***
# expect: [***, 1]
# not-expect: 8675309123
# expect: error: expectation failed: l == [1, 2]
runbook "secret items in an expectation"

step "Expect" {
  let n = secret(8675309000 + 123)
  sh("echo {n} > /dev/null")
  let l = [n, 1]
  expect l == [1, 2]
} rollback {
  log("undo")
}
