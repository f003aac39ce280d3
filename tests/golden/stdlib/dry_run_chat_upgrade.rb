# --dry-run of a runbook shaped like a chat-server upgrade with its downgrade page (issue 15),
# rehearsing the downgrade with --fail-at. The pre-flight reads the server's health for real; the
# backup, the stop, the package swap and the start are writes, shown; std/systemd's wait for the
# unit (systemctl is-active, a read) is unverified after them, not polled; the health check
# still answers today and is verified. --fail-at then runs the downgrade page: its writes shown,
# its check on the old version's health verified. Exit 1 is the rehearsal's, not a finding: no
# check already fails.
# requires: http
# args: --dry-run --verbose --fail-at "Start 9.11" --param base_url=${RBK_HTTP_URL}
# exit: 1
# expect: ok     expect http.get("{base_url}/healthz").status == 200
# expect: would sh("tar -czf /var/backups/chat-data.tgz /opt/chat/data")
# expect: would exec(["systemctl", "stop", "chat"])
# expect: would sh("apt-get install -y chat-server=9.11.0")
# expect: would exec(["systemctl", "start", "chat"])
# expect: unverified expect exec(["systemctl", "is-active", "--quiet", unit], check: false, read_only: true).code == 0 — unit chat is active (polled for up to 5m); not polled: false; may depend on: would exec(["systemctl", "start", "chat"]) at <std/systemd>:21 (called at dry_run_chat_upgrade.rb:44) (and 3 earlier skipped writes)
# expect: ok     expect http.get("{base_url}/healthz").json.ok == true
# expect: failed on purpose after its body (--fail-at rehearsal)
# expect: rollback Start 9.11
# expect: would sh("apt-get install -y --allow-downgrades chat-server=9.10.2")
# expect: ok     expect http.get("{base_url}/healthz").status == 200
# expect: rollback ok Start 9.11
# expect: NO-GO: "Start 9.11" failed; rollback completed (2 rolled back) — dry run: 3 checks verified, 1 unverified, 0 already fail
# not-expect: left; last:
runbook "Chat server 9.10 -> 9.11"

param base_url = "http://127.0.0.1:8065"

use "std/systemd"

step "Pre-flight: healthy on 9.10" {
  expect http.get("{base_url}/healthz").status == 200
}

step "Back up the data" {
  sh("tar -czf /var/backups/chat-data.tgz /opt/chat/data")
} rollback {
  log("the backup stays: /var/backups/chat-data.tgz")
}

step "Start 9.11" timeout 15m {
  systemd.stop("chat")
  sh("apt-get install -y chat-server=9.11.0")
  systemd.start("chat")
  systemd.wait_active("chat", limit: 5m, poll: 5s)
  expect http.get("{base_url}/healthz").json.ok == true within 5m every 5s
} rollback {
  # the downgrade page: stop, reinstall 9.10 over the same data, start, check health
  systemd.stop("chat")
  sh("apt-get install -y --allow-downgrades chat-server=9.10.2")
  systemd.start("chat")
  expect http.get("{base_url}/healthz").status == 200 within 5m every 5s
}
