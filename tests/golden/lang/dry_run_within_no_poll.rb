# --dry-run: `within` and `watch` after a skipped write do not poll for minutes on what the write
# would have produced. A `within` that is not true at its first evaluation is unverified at once
# (its one evaluation is shown, no poll line), a read that fails in it too; `watch` runs its block
# once. Before the skipped write, a `within` that holds passes at once, verified. The assertion is
# on the poll lines --verbose shows ("... left; last: ..."), never on the clock.
# args: --dry-run --verbose
# exit: 0
# expect: ok     expect file.exists(".")
# expect: would sh("systemctl restart rbk-dry-poll")
# expect: unverified expect file.exists(pidfile) — not polled: false; may depend on: would sh("systemctl restart rbk-dry-poll") at dry_run_within_no_poll.rb:23
# expect: note   dry run: file.size failed; unverified
# expect: unverified expect file.size(pidfile) > 0 — not polled: depends on a write the dry run did not do; may depend on
# expect: note   dry run: `watch` evaluates its block once (a write it would watch was skipped)
# expect: unverified expect file.exists(pidfile) — may depend on
# expect: == GO: 1 ok, 0 skipped — dry run: 1 check verified, 3 unverified, 0 already fail
# not-expect: left; last:
runbook "Dry run: within and watch after a skipped write"

let pidfile = "rbk-dry-poll/pid"

step "Restart and wait" timeout 30m {
  expect file.exists(".") within 10m every 1s
  sh("systemctl restart rbk-dry-poll")
  expect file.exists(pidfile) within 10m every 1s
  expect file.size(pidfile) > 0 within 10m every 1s
  watch 10m every 1s {
    expect file.exists(pidfile)
  }
}
