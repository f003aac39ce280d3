# A stop-if that is true: the run stops, nothing else runs, nothing is rolled back.
# exit: 2
runbook "Rotate certificates"

step "inspect" {
  let r = sh("echo 'expires in 200 days'")
  let days = int(split(trim(r.stdout), " ")[2])
  stop-if days > 30, "the certificate is not due for rotation ({days} days left)"
} rollback {
  log("nothing to undo")
}

step "rotate" {
  sh("echo rotated")
} rollback {
  log("nothing to undo")
}
