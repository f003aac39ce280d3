# time.parse of a secret text that is not a time does not show the text, nor a byte offset.
# mode: run
# exit: 1
# expect: time_parse_secret.rb:10:11: error: time.parse: not an RFC 3339 time (hour out of range (00-23)): <secret string>
# not-expect: 24:00
runbook "time parse secret"

param when = "2026-02-03T24:00:00Z" secret
step "Parse" {
  let t = time.parse(when)
  log(t)
}
