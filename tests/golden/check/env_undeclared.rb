env DECLARED_ONE
step "a" {
  log("{env.DECLARED_ONE} {env.NOT_DECLARED}")  # expect error: environment variable `NOT_DECLARED` is not declared
}
