# log, now and wait (wait returns at once with --no-wait).
# args: --no-wait
# expect: log    one line
# expect: log    multi
# expect: log    line
# expect: log    now looks like RFC 3339: true
# expect: wait   10m — skipped (--no-wait)
# expect: == GO
runbook "log now wait"

step "basics" {
  log("one line")
  log("multi\nline")
  log("now looks like RFC 3339: {now() matches "^[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}T[0-9]\{2\}:[0-9]\{2\}:[0-9]\{2\}"}")
  wait(10m)
}
