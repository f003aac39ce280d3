# bench/vm/vm.rb — the VM benchmark (bench/run.sh, docs/benchmarks.md): the same work as vm.lua.
# --param kernel=all|loops|lists|strings|maps|calls, --param n=SCALE (work grows linearly).
runbook "bench: VM"

param kernel = "all"
param n = 1

fn loops(n) {
  let acc = 0
  for i in 1..n * 5000 {
    for j in 1..1000 {
      acc = (acc + i * j) % 1000003
    }
  }
  return acc
}

fn lists(n) {
  let total = 0
  for _r in 1..n * 24000 {
    let l = []
    for i in 1..100 {
      l = l + [i]
    }
    for x in l {
      total = total + x
    }
  }
  return total
}

fn strings(n) {
  let total = 0
  for _r in 1..n * 6000 {
    let s = ""
    for i in 1..100 {
      s = "{s}{i},"
    }
    total = total + len(s)
  }
  return total
}

fn maps(n) {
  let m = {alpha: 1, beta: 2, gamma: 3, delta: 4, epsilon: 5, zeta: 6, eta: 7, theta: 8,
           iota: 9, kappa: 10, lambda: 11, mu: 12, nu: 13, xi: 14, omicron: 15, pi: 16}
  let ks = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
            "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi"]
  let total = 0
  for _r in 1..n * 250000 {
    for k in ks {
      total = total + m[k]
    }
  }
  return total
}

fn add3(a, b, c) {
  return a + b + c
}

fn calls(n) {
  let total = 0
  for i in 1..n * 7000000 {
    total = add3(total, i, 1) % 1000003
  }
  return total
}

step "VM kernels" {
  let all = kernel == "all"
  if all or kernel == "loops" {
    log("loops {loops(n)}")
  }
  if all or kernel == "lists" {
    log("lists {lists(n)}")
  }
  if all or kernel == "strings" {
    log("strings {strings(n)}")
  }
  if all or kernel == "maps" {
    log("maps {maps(n)}")
  }
  if all or kernel == "calls" {
    log("calls {calls(n)}")
  }
}
