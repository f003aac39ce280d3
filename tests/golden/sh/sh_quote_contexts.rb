# A value is quoted for the shell context its {expr} stands in (docs/shell.md "Quoting
# interpolated values"): inside '...', inside "...", in a here-document body (quoted and
# unquoted delimiter), inside $(...) and as a word. The value of issue 13 used to cancel the
# surrounding quotes and create P1, P2 and P3; now it arrives byte for byte and runs nothing.
# exit: 0
# expect: every context: the values came back unchanged
# not-expect: PWNED
runbook "sh quoting by context"

env HOME

let values = [
  "a; touch P1; $(touch P2) `touch P3`",
  "'; touch P1; echo '", "\"; touch P2; echo \"", "it's \"$HOME\" \\ `x` $(y)",
  "\\", "\\\\'\"", "$", "\n", "EOFx\nxEOF", "two\nlines\n", "",
  "\"$(echo PWNED)\"", "'$(echo PWNED)'", "`echo PWNED`", "\\$(echo PWNED)",
]

step "every context" {
  for v in values {
    expect sh("printf %s {v}").stdout == v
    expect sh("printf %s '{v}'").stdout == v
    expect sh("printf %s 'pre {v} post'").stdout == "pre {v} post"
    expect sh("printf %s \"{v}\"").stdout == v
    expect sh("printf %s \"pre $HOME/{v}\"").stdout == "pre {env.HOME}/{v}"
    expect sh("printf %s \"$(printf '%s.' {v})\"").stdout == "{v}."
    expect sh("printf %s \"$(printf %s '{v}' \"{v}\"; printf .)\"").stdout == "{v}{v}."
    expect sh("cat <<EOF\n{v}\nEOF\n").stdout == "{v}\n"
    expect sh("cat <<'EOF'\n$HOME {v}\nEOF\n").stdout == "$HOME {v}\n"
    expect sh("""
      cat <<EOF
      key={v}
      other={v}={v}
      EOF
      """).stdout == "key={v}\nother={v}={v}\n"
  }
  expect not file.exists("P1") and not file.exists("P2") and not file.exists("P3")
  log("every context: the values came back unchanged")
} rollback {
  log("nothing to undo")
}
