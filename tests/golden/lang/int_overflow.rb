# 64-bit int overflow is a runtime error that fails the step (not a wrap-around).
# mode: run
# exit: 1
# expect: log    max 9223372036854775807
# expect: int_overflow.rb:13:11: error: integer overflow
# expect: [1/1] FAILED overflow
# not-expect: -9223372036854775808
runbook "int overflow"

step "overflow" {
  let big = 9223372036854775807
  log("max {big}")
  let y = big + 1
  log("wrapped to {y}")
}
