# time.parse of a text that is not RFC 3339: the error at the call says what and where.
# mode: run
# exit: 1
# expect: time_parse_bad.rb:9:11: error: time.parse: not an RFC 3339 time (day out of range for its month, at byte 8): "2026-02-30T10:00:00Z"
runbook "time parse bad"

step "Parse" {
  let s = "2026-02-30T10:00:00Z"
  let t = time.parse(s)
  log(t)
}
