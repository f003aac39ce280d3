# Output that is hostile to Markdown, JSON and XML: backtick runs longer than a fence, table
# pipes, markup, control characters (ESC, BEL, NUL-free C0, CR LF), an invalid UTF-8 byte, and
# more than 4 KiB of output (its middle is cut).
# exit: 0
runbook "Output | `escaping` <check> & co"

section "Markup | & <tags>" {
  step "tricky `output` | here" {
    let r = sh("printf '````four ticks```` and ``two``\\n| a | b |\\n<b>bold</b> & &amp;\\n\\033[1;31mred\\033[0m bell\\007 ctrl-a\\001\\r\\nbad byte:\\377 ok: caf\\303\\251\\n'")
    log(r.stdout)
    let s = "x|y`z<w>&"
    expect len(s) == 9, "a | b & <c>"
    expect r.stdout contains "</b>"
  } rollback {
    log("nothing to undo")
  }

  step "long output" {
    let out = sh("seq 1 3000; echo 'to stderr' >&2").stdout
    expect len(out) > 4096
  } rollback {
    log("nothing to undo")
  }
}
