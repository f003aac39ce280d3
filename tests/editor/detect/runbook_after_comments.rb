# The nightly failover drill.
#   runbook run runbook_after_comments.rb

   
runbook "Failover drill"
step "a" { log("x") }
