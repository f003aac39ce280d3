# --dry-run: a stop-if that is already true before any write was skipped is a finding too: the
# real run would stop there (exit 2), and so does the dry run, with the position in the summary.
# The same condition after a skipped write is unverified (shown without --verbose) and does not
# stop the run: dry_run_no_data_dependency.rb.
# args: --dry-run
# exit: 2
# expect: STOP   stop-if file.exists(".") — the freeze file is present
# expect: == NO-GO: "Freeze" stopped; nothing else ran, nothing rolled back — dry run: 1 check verified, 0 unverified, 1 already fails (dry_run_already_stops.rb:14)
# not-expect: would sh("./drain.sh")
runbook "Dry run: a stop-if that is already true"

step "Freeze" {
  stop-if not file.exists(".")
  stop-if file.exists("."), "the freeze file is present"
}

step "Drain" {
  sh("./drain.sh")
} rollback {
  sh("./undrain.sh")
}
