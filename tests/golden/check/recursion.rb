# Recursion, direct or mutual, is a compile error: every runbook terminates.
fn a(n) {  # expect error: recursion is not allowed: a -> b -> a
  return b(n)
}
fn b(n) {
  return a(n)
}
fn self(n) {  # expect error: recursion is not allowed: self -> self
  return self(n)
}
step "s" {
  log("{a(1)} {self(1)}")
}
