# A runbook without a title or steps still has a plan: its top-level code, and a worst case.
# mode: plan
# exit: 0
# expect: Plan: no_steps.rb
# expect: 0 steps, 0 gates, point of no return: none
# expect: worst case: run 12s, full rollback 0s
# expect: top-level code after the last step  no_steps.rb:9  worst 12s
# expect: read   tcp.open   127.0.0.1  (port: 9, timeout: 12s; no_steps.rb:9)
log(tcp.open("127.0.0.1", 9, timeout: 12s))
