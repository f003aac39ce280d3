# --dry-run with --time-scale: both are said in the header; the log has the rehearsal too.
# args: --time-scale 60 --dry-run --log-format json
# expect: "dry_run":true,"time_scale":60,"rehearsal":"time scaled 1/60"
# expect: "step_name":"Wait","detail":"1s at --time-scale 60"
runbook "dry and scaled"
step "Wait" {
  wait(1m)
}
