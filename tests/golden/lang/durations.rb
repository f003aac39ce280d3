# Durations: literals, arithmetic, comparison, formatting, int().
# expect: log    5.25s 2m1s 1h 1d 250ms
# expect: log    sum 90s true true false true
# expect: log    int 1500 60000
# expect: log    scaled 10s 1m
# expect: == GO
runbook "durations"

step "durations" {
  log("{5s + 250ms} {2m + 1s} {60m} {24h} {250ms}")
  log("sum {int(1m + 30s) / 1000}s {1m > 30s} {1m == 60s} {2h < 90m} {1_000ms == 1s}")
  log("int {int(1.5s)} {int(1m)}")
  log("scaled {5s * 2} {2m - 1m}")
}
