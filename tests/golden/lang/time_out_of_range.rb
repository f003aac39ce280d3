# Time arithmetic past the years 0000-9999 is a runtime error.
# mode: run
# exit: 1
# expect: time_out_of_range.rb:9:11: error: time out of range (years 0000 to 9999)
runbook "time out of range"

step "Range" {
  let t = time.parse("9999-12-31T00:00:00Z")
  let u = t + 1d
  log(u)
}
