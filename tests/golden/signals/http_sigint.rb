# SIGINT during a hung HTTP request: the transfer is aborted promptly, exit 4.
# requires: http
# exit: 4
# expect: [1/2] ok arm the interrupt
# expect: interrupted
# expect: INTERRUPTED a hung request
# not-expect: never reached
runbook "SIGINT aborts an HTTP request"
env RBK_HTTP_URL

step "arm the interrupt" {
  sh("setsid sh -c 'sleep 0.7; kill -INT $1' _ $PPID </dev/null >/dev/null 2>&1 & sleep 0.3")
} rollback {
  # nothing to undo: the signal is sent once
}

step "a hung request" {
  http.get("{env.RBK_HTTP_URL}/hang", timeout: 20s)
  log("never reached")
}
