# A rolling restart of a web tier, the work a runbook does per server (docs/fleet.md, "Per-item
# steps"): each server is taken out of the load balancer, restarted, checked and put back, two
# at a time, and the whole restart stops — undoing what it did, newest first — as soon as one
# server fails to come back (max_fail 0). The commands are parameters with stand-ins as their
# defaults (the real ones in their comments); the rehearsal runs them on four hosts of the
# loopback sshd fleet (inventory/web.ini), where a file under /tmp plays the load balancer.
# requires: fleet
# args: --yes --inventory inventory/web.ini --ssh-config ${RBK_SSH_CONFIG}
# exit: 0
# expect: 4 instances (for n in hosts.web), 2 at a time, 0 failures tolerated
# expect: ok Restart h1
# expect: ok Restart h4
# expect: == GO: 3 ok
runbook "Rolling restart of the web tier"

hosts web

# how a server leaves and rejoins the load balancer: its health check answers "draining" while
# this file exists (real: /var/run/web/drain; the rehearsal's hosts share one machine, hence
# the host's name in it)
param drain_file = "/tmp/rbk-demo-drain"
param restart_cmd = "true"    # real: sudo systemctl restart web
param health_cmd = "echo ok"  # real: curl -fsS localhost:8080/healthz

step "Every server answers" {
  for r in sh("uptime", on: hosts.web, read_only: true) {
    log("{r.host}: {trim(r.stdout)}")
  }
  expect len(hosts.web) >= 2, "a rolling restart needs at least two servers"
}

step "Restart {n.name}" for n in hosts.web serial 2 max_fail 0 timeout 5m {
  exec(["touch", "{drain_file}.{n.name}"], on: n)
  sh("{restart_cmd:raw}", on: n, timeout: 2m)
  expect sh("{health_cmd:raw}", on: n, read_only: true, check: false).stdout contains "ok" within 1m every 2s
  exec(["rm", "-f", "{drain_file}.{n.name}"], on: n)
} rollback {
  # a server that did not come back stays out of the load balancer; one that did is put back
  # (a restart has nothing else to undo)
  exec(["rm", "-f", "{drain_file}.{n.name}"], on: n)
}

step "All servers in the load balancer" {
  for r in sh("{health_cmd:raw}", on: hosts.web, read_only: true) {
    expect r.stdout contains "ok", "{r.host} is healthy"
  }
}
