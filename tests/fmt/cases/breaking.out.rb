runbook "Breaking"

fn long_params(alpha, beta = "a default value", gamma = 30s, delta = nil, epsilon = 1, zeta = 2) {
  return alpha
}

step "calls" {
  let r = http.post(
    "https://example.invalid/api/v1/things",
    json: {name: "a thing", count: 3},
    headers: {Accept: "application/json"},
  )
  let argv = exec(
    ["kubectl", "get", "deployment", "orders", "--namespace", "production", "--output", "json"],
    read_only: true,
  )
  log("a single argument that is a very long string is never broken, even when it is far past the limit of the line")
  let short = f(a, b)
  let kept = [
    1, 2, 3,
  ]
  let m = {
    a: 1,  # the first
    # about b
    b: 2,

    c: 3,
  }
  let sum = 1 +
    2 +
    3
}
