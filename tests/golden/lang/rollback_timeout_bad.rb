# A rollback block takes `timeout D` only, and D is a duration literal.
step "A" {
  log("a")
} rollback retry 3 {  # expect error: unknown rollback attribute `retry`
  log("undo a")
}
step "B" {
  log("b")
} rollback timeout 30 {  # expect error: `timeout` needs a duration literal
  log("undo b")
}
