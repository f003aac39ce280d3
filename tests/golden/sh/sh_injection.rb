# Every {expr} interpolated into a sh() literal is shell-quoted: hostile values come back
# byte for byte and run nothing (docs/language.md §8, docs/shell.md "Quoting").
# exit: 0
# expect: injection: all values came back unchanged
# not-expect: PWNED
runbook "sh injection corpus"

let values = [
  "", " ", "two words", "  padded  ", "'", "''", "it's", "'; echo PWNED; echo '",
  "\"", "\"; echo PWNED; echo \"", "\\", "\\'", "'\\''",
  "$(echo PWNED)", "`echo PWNED`", "$(touch pwned)", "`touch pwned`",
  "; touch pwned", "&& touch pwned", "|| touch pwned", "| tee pwned", "> pwned", ">> pwned",
  "2>pwned", "& touch pwned &", "\ntouch pwned\n", "a\nb\nc", "\ttab\t",
  "*", "?", "[a-z]*", "/*", "\{a,b\}", "~", "~root", "$HOME", "$\{HOME\}", "$PATH",
  "$((1+1))", "$?", "$$", "$0", "$@", "$1", "!", "!!", "#comment", "a # b",
  "-n", "-e", "--", "-rf /", "%s%s%n", "FOO=bar", "if", "then", "\{", "\}", "(", ")",
  "x() \{ touch pwned; \}; x", "eval touch pwned", "exec touch pwned", "<<EOF",
  "héllo wörld ✓ 日本語 🚀", "\\$(touch pwned)", "$'\\x41'", "IFS=x",
]

step "quoted values round-trip" {
  for v in values {
    let out = sh("printf %s {v}")
    expect out.stdout == v
    expect out.stderr == ""
  }
  expect not file.exists("pwned")
  log("injection: all values came back unchanged")
} rollback {
  log("nothing to undo")
}

step "quoted values inside a larger command" {
  let a = "a b"
  let b = "$(touch pwned)"
  let empty = ""
  let out = sh("printf '<%s>' x{a}y {b} {empty}")
  expect out.stdout == "<xa by><$(touch pwned)><>"
  expect not file.exists("pwned")
} rollback {
  log("nothing to undo")
}
