runbook = Runbook.new("x")
runbook.run
