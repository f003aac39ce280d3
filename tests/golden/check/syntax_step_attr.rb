# `irreversible` comes after the body; the rest of the file is still checked.
let rate = 1
step "B" irreversible "x" {  # expect error: unexpected irreversible
  log("B")
}
step "C" {
  log("{rate}")
}
