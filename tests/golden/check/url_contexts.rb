# Each {expr} of an HTTP URL literal is written for the part of the URL it stands in
# (docs/http.md "Values in URLs"). Two spellings are refused at the hole: {x:ident}, an SQL
# format, and a value right after a `%`, whose first characters would complete an escape.
let base = "http://127.0.0.1:8080"
let x = "2F"
step "urls" {
  http.get("{base}/a/{x}?b={x}&{x}={x:raw}#{x}")
  http.get("http://{x}:{x}@{x}:{x}/{x}")
  http.get("{base}/a/%25{x}")
  http.get("{base}/a/%{x}")  # expect error: `{x}` comes right after a `%`: the value's first characters would complete a percent-escape
  http.get("{base}/a?q=%2{x}")  # expect error: `{x}` comes right after a `%`
  http.get("{base}/users/{x:ident}")  # expect error: `{x:ident}` quotes an SQL identifier, not a part of a URL
  http.request("GET", "{base}/a/%{x}")  # expect error: `{x}` comes right after a `%`
  http.post("{base}/%{x}", json: {})  # expect error: `{x}` comes right after a `%`
} irreversible "a test of the checker"
# diag:
# | url_contexts.rb:10:23: error: `{x}` comes right after a `%`: the value's first characters would complete a percent-escape
# |    10 |   http.get("{base}/a/%{x}")  # expect error: `{x}` comes right after a `%`: the value's first characters would complete a percent-escape
# |       |                       ^~~
# |       = hint: write %25 for a literal `%` before the value (the value itself is encoded already)
