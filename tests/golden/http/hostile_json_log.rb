# The JSON log writes a hostile body as valid, escaped JSON: controls as \u00XX (C1 and bidi
# controls too, so `cat` of the log cannot drive a terminal), an invalid byte as \ufffd.
# requires: http
# args: --log-format json
# exit: 0
# expect: "text":"before\u001b]0;pwned-title\u0007\u001b[2J\u001b[31mred\u001b[0m raw-c1:\ufffd2J utf8-c1:\u009b2J bidi:\u202edlrow cr:\rOVERWRITE bel:\u0007 bad:\ufffd end\n"
runbook "Hostile text in the JSON log"

env RBK_HTTP_URL

step "Log a hostile body" {
  log(http.get("{env.RBK_HTTP_URL}/hostile").body)
}
