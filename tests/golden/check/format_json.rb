# The JSON format: one object with the diagnostics and the counts (one line, so one expect).
# mode: check
# args: --format json
# exit: 65
# expect: "file":"format_json.rb","line":9,"column":9,"end_line":9,"end_column":13,"message":"unknown name `nope`"}],"errors":1,"warnings":0}
# not-expect: format_json.rb:9:9: error

step "a" {
  log("{nope}")
}
