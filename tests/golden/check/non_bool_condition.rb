# Conditions must be bools (no truthiness).
let n = 1
step "a" {
  if n {  # expect error: an `if` condition must be a bool, but this is an int
    log("x")
  }
  expect "yes"  # expect error: an expectation must be a bool, but this is a string
  stop-if n, "n"  # expect error: a stop-if condition must be a bool, but this is an int
}
