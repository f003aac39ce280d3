# bench/rb/startup.rb — the start-up benchmark: one step, no HTTP, no SQL.
runbook "bench: start-up"

step "One" {
  log("1")
}
