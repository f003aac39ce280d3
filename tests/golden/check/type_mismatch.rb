# Comparing an int with a string is always false: a compile error with a hint.
step "a" {
  let r = {status: 200}
  expect r.status == "200"  # expect error: `==` compares int with string: it is always false
}
# diag:
# |     4 |   expect r.status == "200"  # expect error: `==` compares int with string: it is always false
# |       |          ^~~~~~~~~~~~~~~~~
# |       = hint: compare with the number: 200
