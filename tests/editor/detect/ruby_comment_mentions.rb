# runbook "this is a comment, not a declaration"
puts "runbook"
