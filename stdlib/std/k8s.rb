# std/k8s — Kubernetes deployment helpers over kubectl (on PATH), run with exec() — no shell.
# `use "std/k8s"` binds `k8s`. Every call passes --namespace explicitly (no reliance on the
# current context's default namespace) and bounds kubectl's own wait by the call's timeout.
# Shares its contract with: tests/golden/stdlib/k8s_systemd_git.rb (checked, not run).

# "90s"-style text for kubectl's --timeout from a duration.
fn kubectl_duration(d) {
  return "{int(d) / 1000}s"
}

# Waits until the deployment's rollout completes (kubectl rollout status); the step fails if it
# does not within `timeout`. Returns kubectl's output.
fn rollout_status(deployment, namespace, timeout = 5m) {
  let r = exec(["kubectl", "rollout", "status", "deployment/{deployment}", "--namespace", namespace,
                "--timeout", kubectl_duration(timeout)], timeout: timeout + 30s, read_only: true)
  return trim(r.stdout)
}

# Rolls the deployment back to the previous revision (or to `revision` when given).
fn rollout_undo(deployment, namespace, revision = 0) {
  let argv = ["kubectl", "rollout", "undo", "deployment/{deployment}", "--namespace", namespace]
  if revision > 0 {
    argv = argv + ["--to-revision", str(revision)]
  }
  return trim(exec(argv).stdout)
}

# Restarts the deployment's pods (kubectl rollout restart).
fn rollout_restart(deployment, namespace) {
  return trim(exec(["kubectl", "rollout", "restart", "deployment/{deployment}", "--namespace", namespace]).stdout)
}

# Sets the deployment's replica count.
fn scale(deployment, namespace, replicas) {
  return trim(exec(["kubectl", "scale", "deployment/{deployment}", "--namespace", namespace,
                    "--replicas", str(replicas)]).stdout)
}

# The deployment's desired and ready replica counts: {replicas, ready}.
fn replicas(deployment, namespace) {
  let r = exec(["kubectl", "get", "deployment", deployment, "--namespace", namespace, "--output", "json"], read_only: true)
  let d = json.parse(r.stdout)
  return {replicas: d.spec.get("replicas", 0), ready: d.status.get("readyReplicas", 0)}
}

# The container image(s) of the deployment, space-separated.
fn image(deployment, namespace) {
  let r = exec(["kubectl", "get", "deployment", deployment, "--namespace", namespace, "--output",
                "jsonpath=\{.spec.template.spec.containers[*].image\}"], read_only: true)
  return trim(r.stdout)
}
