fn helper() {
  return 1
}

# vim: set filetype=runbook :
