# The env: argument adds to the inherited environment; nil removes a variable. Values are data, never code.
# env: RBK_GOLDEN_INHERITED=from-parent
# exit: 0
# expect: env ok
runbook "sh env"

step "environment" {
  let r = sh("printf '%s|%s|%s|%s' \"$GREETING\" \"$RBK_GOLDEN_INHERITED\" \"$\{HOME-unset\}\" \"$EVIL\"",
             env: {GREETING: "hello world", HOME: nil, EVIL: "$(touch pwned)"})
  expect r.stdout == "hello world|from-parent|unset|$(touch pwned)"
  expect not file.exists("pwned")
  log("env ok")
} rollback {
  log("nothing to undo")
}
