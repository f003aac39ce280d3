# log, now and wait (wait returns at once with --no-wait). now() is a time, shown as RFC 3339 UTC
# with milliseconds.
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
  log("now looks like RFC 3339: {str(now()) matches "^[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}T[0-9]\{2\}:[0-9]\{2\}:[0-9]\{2\}\\.[0-9]\{3\}Z$"}")
  wait(10m)
}
