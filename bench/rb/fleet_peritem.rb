# bench/bench.py, the fourth fleet row (docs/benchmarks.md): the same `uptime` as fleet.rb's
# first call, as a per-item step with one instance per host, all in one batch (serial 100%):
# one process per instance (docs/fleet.md, "The concurrency model") against `on:` a list.
runbook "fleet per-item bench"
hosts all_hosts

step "uptime {n.name}" for n in hosts.all_hosts serial 100% {
  let r = sh("uptime", on: n, read_only: true)
  expect r.code == 0
}
