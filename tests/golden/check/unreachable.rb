# Code after return is unreachable (a warning).
fn f() {
  return 1
  log("dead")  # expect warning: unreachable code
}
step "s" {
  log("{f()}")
}
