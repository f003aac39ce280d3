# A step that runs sh without rollback or irreversible gets a warning; the others do not.
step "x" {  # expect warning: step "x" changes something but has neither `rollback` nor `irreversible`
  sh("true")
}
step "y" {
  sh("true")
} rollback {
  sh("true")
}
step "z" {
  exec(["true"])
} irreversible "cannot be undone"
step "read only" {
  log("{file.exists("/")}")
}
