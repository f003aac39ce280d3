# What a server sends and what a command prints can hold terminal escape sequences (a title
# change, clear screen, colours, C1 controls raw and in UTF-8, a bidi override, a CR that would
# overwrite the line). The text face shows each as a visible escape, in log lines, in --verbose
# output and in error messages: nothing reaches the operator's terminal as a control.
# requires: http
# args: --verbose
# exit: 1
# expect: log    before\x1b]0;pwned-title\x07\x1b[2J\x1b[31mred\x1b[0m raw-c1:\x9b2J utf8-c1:\u009b2J bidi:\u202edlrow cr:\x0dOVERWRITE bel:\x07 bad:\xff end
# expect: log    header x\x1b]0;header-title\x07y
# expect: out | out\x1b]0;pwned-out\x07 done
# expect: last lines of stderr:
# expect:   err\x1b[2J\x1b]0;pwned-err\x07
runbook "Hostile text on the terminal"

env RBK_HTTP_URL

step "Show what a hostile server and command send" {
  let r = http.get("{env.RBK_HTTP_URL}/hostile")
  log(r.body)
  log("header {r.headers["x-hostile"]}")
  sh("printf 'out\\033]0;pwned-out\\007 done\\r\\n'", read_only: true)
  sh("printf 'err\\033[2J\\033]0;pwned-err\\007\\n' >&2; exit 1", read_only: true)
}
