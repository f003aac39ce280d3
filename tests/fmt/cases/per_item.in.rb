# per-item step headers: `for n in LIST`, `serial N|P%`, `max_fail N|P%` spaced as a step header
hosts workers
param nodes: list = ["a", "b"]

step "Upgrade {n.name}"   for   n   in   hosts.workers   serial   25%   max_fail   1{
    sh("apt-get upgrade -y", on: n)
}   rollback{
  sh("apt-get install app=1.0", on: n)
}
step "Drain {x}" for x in nodes serial 2 max_fail 10% timeout 5m retry 1 every 10s { log("drain {x}") }
step "Check" for x in [ "a" ,"b" ] serial 100% {
  log("{x}")
}
step "Spread {x}" for x in nodes max_fail 50%{ log("{x}") }
