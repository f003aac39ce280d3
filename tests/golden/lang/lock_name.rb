# `lock` is a keyword only where a line starts with it and a string follows: elsewhere it stays
# a name (a variable, a map key, a function). A runbook that declares a run lock is refused
# without a run store (exit 64, nothing run): the lock is taken only in one (docs/state.md).
# exit: 64
# expect: lock_name.rb declares the run lock "orders-db": run it with --state DIR|postgresql://...
# not-expect: lock is 3
runbook "Lock as a name"
lock "orders-db"

fn lock(n) {
  return n + 1
}

let held = {lock: 2}
step "one" {
  log("lock is {lock(held.lock)}")
}
