# runbook doc: text comes out as what it is, and reads literally in Markdown (cli/markdown.h;
# issue 14 and 15). A string is shown as the language reads it: "a\nb" is two lines (a fenced
# block), 'x\\n' is x\n. Only what would be markup where it stands is escaped: & before an
# entity, ~ (strikethrough), ] as well as [, a heading's closing #; ! # > a_b stay. A code span
# keeps spaces at both ends (padded) and backticks (a longer run). std/systemd.wait_active
# shows the wait it is, not an empty item.
# mode: doc
# exit: 0
# allow-warnings
# expect: # Markup & text #1 \~x\~ !\[y\] a > b_c \#
# expect: | 1 | Fix & check !\[img\](u) >x \~y\~ a_b \_c\_ | **no rollback** |
# expect: - [ ] **Step 1. Fix & check !\[img\](u) >x \~y\~ a_b \_c\_**
# expect:   - Run:
# expect:     ```sh
# expect:     echo one
# expect:     echo two
# expect:     ```
# expect:   - Run `printf 'x\n'`
# expect:   - Run `  ls  `
# expect:   - Run `` `date` x ``
# expect:   - Log:
# expect:     ```
# expect:     line1
# expect:     line2 & <tag>
# expect:     ```
# expect:   - Log: “\&amp; is an entity, & alone is not”
# expect:   - `systemd.wait_active("nginx")` (from std/systemd):
# expect:     - Expect: `exec(["systemctl", "is-active", "--quiet", "nginx"], check: false, read_only: true).code == 0` — retried for up to `1m`, every `2s` — “unit nginx is active (polled for up to 1m)”
# expect:   - `systemd.restart("nginx")` (from std/systemd):
# expect:     - Run (no shell) `systemctl_argv(["restart", "nginx"], false)` (a value)
# expect:   - **Confirm with the operator** — no, or no answer within 30m, stops the run:
# expect:     ```
# expect:     Restarted.
# expect:     Go on?
# expect:     ```
# not-expect: \\n
runbook "Markup & text #1 ~x~ ![y] a > b_c #"
use "std/systemd"

step "Fix & check ![img](u) >x ~y~ a_b _c_" {
  sh("echo one\necho two")
  sh("printf 'x\\n'")
  sh(" ls ")
  sh("`date` x")
  log("line1\nline2 & <tag>")
  log("&amp; is an entity, & alone is not")
  systemd.wait_active("nginx")
  systemd.restart("nginx")
  confirm("Restarted.\nGo on?")
}
