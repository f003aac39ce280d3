# bench/bench.py, the fleet rows (docs/benchmarks.md): `uptime` on every host of the inventory's
# all_hosts group, `calls` times in one run; each call's wall time is logged (the first is cold:
# the preflight started the connections, the command's session is new; the others reuse the
# run's ControlMaster connections).
runbook "fleet bench"
hosts all_hosts
param calls = 2

step "uptime" {
  for i in 1..calls {
    let t0 = now()
    let rs = sh("uptime", on: hosts.all_hosts, read_only: true)
    let d = now() - t0
    log("call {i}: {len(rs)} hosts in {d}")
  }
}
