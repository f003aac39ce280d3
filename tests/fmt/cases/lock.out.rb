runbook "x"
lock "orders-db"  # why
lock "b"
let lock = 1

step "one" {
  log("{lock}")
}
