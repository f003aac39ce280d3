# A layout conversion time.format does not know is an error that lists the ones it knows.
# mode: run
# exit: 1
# expect: time_format_bad.rb:8:7: error: time.format: unknown conversion %Q in the layout (known: %Y %m %d %H %M %S %L %j %a %b %s %F %T %z %Z %%)
runbook "time format bad"

step "Format" {
  log(time.format(now(), "%Y-%Q"))
}
