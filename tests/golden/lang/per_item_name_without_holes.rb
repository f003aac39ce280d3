# A per-item step whose name has no hole names its instances "NAME [ITEM]" (docs/fleet.md);
# --only takes one of them by that name.
# mode: run
# args: --only "Check [b]"
# expect: [1/1] Check
# expect:   note   2 instances (for z in zones), 1 at a time, 0 failures tolerated
# expect: [1/1] skipped Check [a]: not selected by --only
# expect: [Check [b]]   log    zone b
# expect: [1/1] ok Check [b]
# not-expect: zone a
runbook "Names"
param zones: list = ["a", "b"]

step "Check" for z in zones {
  log("zone {z}")
}
