# --dry-run of a runbook shaped like a kubeadm control-plane upgrade (issue 15). The pre-flight
# reads (kubectl get nodes, kubeadm upgrade plan: declared read_only, stand-ins here) run and
# pass; draining and upgrading are writes, shown. After them, the node is read as NotReady
# (today's world, where nothing was upgraded): unverified, not polled for minutes; the version
# check is unverified; `wait` for the control plane to settle does not sleep; a `fail` on the
# version does not fail the step. Exit 0: the run would proceed, nothing already fails.
# args: --dry-run --verbose
# exit: 0
# expect: ok     expect nodes.stdout contains "cp-1   Ready"
# expect: ok     expect plan.stdout contains "v1.29.4"
# expect: would sh("kubectl drain cp-1 --ignore-daemonsets --delete-emptydir-data")
# expect: would sh("kubeadm upgrade apply v1.29.4 --yes", timeout: 20m)
# expect: wait   2m — skipped (dry run: what it waits for depends on a write that was skipped)
# expect: contains "cp-1   Ready" — not polled: false; may depend on: would sh("kubeadm upgrade apply v1.29.4 --yes", timeout: 20m) at dry_run_kubeadm_upgrade.rb:33 (and 1 earlier skipped write)
# expect: note   dry run: the step failed after a skipped write; unverified
# expect: [2/3] ok Upgrade the control plane
# expect: would sh("kubectl uncordon cp-1")
# expect: == GO: 3 ok, 0 skipped — dry run: 2 checks verified, 2 unverified, 0 already fail
# not-expect: left; last:
# not-expect: FAILED
runbook "kubeadm control-plane upgrade to v1.29.4 (cp-1)"

step "Pre-flight" {
  # stand-ins for `kubectl get nodes` and `kubeadm upgrade plan`
  let nodes = sh("printf 'NAME   STATUS\\ncp-1   Ready\\n'", read_only: true)
  expect nodes.stdout contains "cp-1   Ready"
  let plan = sh("echo 'You can now apply the upgrade by executing: kubeadm upgrade apply v1.29.4'", read_only: true)
  expect plan.stdout contains "v1.29.4"
}

step "Upgrade the control plane" timeout 30m {
  sh("kubectl drain cp-1 --ignore-daemonsets --delete-emptydir-data")
  sh("kubeadm upgrade apply v1.29.4 --yes", timeout: 20m)
  wait(2m)
  expect sh("printf 'NAME   STATUS\\ncp-1   NotReady\\n'", read_only: true).stdout contains "cp-1   Ready" within 10m every 10s
  let version = sh("echo v1.28.9", read_only: true)
  if trim(version.stdout) != "v1.29.4" {
    fail "the control plane still reports {trim(version.stdout)}"
  }
} rollback {
  sh("kubectl uncordon cp-1")
}

step "Uncordon" {
  sh("kubectl uncordon cp-1")
}
