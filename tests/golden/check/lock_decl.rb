# `lock "NAME"`: a plain string, non-empty, printable, without a comma, declared once.
# exit: 65
runbook "Bad locks"
lock "orders-db"
lock "orders-db"  # expect error: lock `orders-db` is declared twice
lock ""  # expect error: a lock name cannot be empty
lock "a,b"  # expect error: a lock name has no comma
lock "tab\there"  # expect error: a lock name must be printable
let region = "eu"
lock "orders-{region}"  # expect error: a lock name must be a plain string (no interpolation)

step "one" {
  log(region)
}
