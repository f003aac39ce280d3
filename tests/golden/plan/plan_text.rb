# runbook plan: declarations, the sequence with every effect as written, gates, the rollback
# order, the point of no return and the worst case, computed from timeouts, retries, waits and
# within/watch windows (docs/plan.md). Nothing runs: the env vars need not be set.
# mode: plan
# exit: 0
# expect: Plan: Plan coverage
# expect: 6 steps, 2 gates, point of no return: step 5 "Drop the old table"
# expect: worst case: run unbounded, full rollback 30s
# expect: API_TOKEN   required  secret
# expect: SLACK_HOOK  optional          # where to announce
# expect: base_url  string    = "http://127.0.0.1:9"
# expect: release   string    required  # the release tag
# expect: soak      duration  = 2m
# expect: top-level code before step 1  plan_text.rb:78-79  worst 30s
# expect: write  sh         mkdir -p {workdir}  (plan_text.rb:79)
# expect: == section "Preparation"
# expect: 1. Check the service  plan_text.rb:94  worst 1m35s
# expect: read   GET        {base_url}/healthz  (polled within 1m every 5s; via wait_up; plan_text.rb:82)
# expect: read   GET        {base_url}/version  (timeout: 5s; plan_text.rb:96)
# expect: checks: 1 expect, 0 stop-if
# expect: 2. Migrate  plan_text.rb:100  worst 18m20s (operator 15m)
# expect: timeout 1m, retry 2 every 10s
# expect: read   sql.connect <value of env.API_TOKEN>  (timeout: 3s; via db_exec_batch; plan_text.rb:115)
# expect: write  sql.exec   UPDATE accounts SET plan = 'v2' WHERE id IN ( SELECT id FROM accounts LIMIT {batch})  (via db_exec_batch; plan_text.rb:116)
# expect: write  sh         ./migrate --escaped \{not-interpolated\} {release}  (if dry == false; plan_text.rb:104)
# expect: write  sh         ./migrate --check  (unless dry == false; plan_text.rb:106)
# expect: gate   confirm    Migration looks right?  (timeout: 5m; plan_text.rb:108)
# expect: rollback (worst 30s):
# expect: write  sh         ./migrate --down {release}  (plan_text.rb:110)
# expect: 3. Announce  plan_text.rb:123  worst 31m30s (operator 30m)
# expect: write  POST       <value of env.SLACK_HOOK>  (json: {text: "released {release}"}; if env.SLACK_HOOK != nil; for each i in 1..3; via announce; plan_text.rb:87)
# expect: gate   ask        Who approves?  (waits up to 30m; plan_text.rb:127)
# expect: 4. Soak  plan_text.rb:131  worst unbounded
# expect: wait   wait       30s  (plan_text.rb:132)
# expect: read   GET        {base_url}/metrics  (watched for soak every 10s; plan_text.rb:134)
# expect: read   GET        {base_url}/hosts/{h}  (for each h in split(hosts, ","); plan_text.rb:137)
# expect: 5. Drop the old table  plan_text.rb:141  worst 30s
# expect: write  sh         psql -c 'DROP TABLE old_accounts'  (plan_text.rb:142)
# expect: IRREVERSIBLE: the old table's rows are gone
# expect: >> POINT OF NO RETURN: once this step has run, the steps before it cannot be rolled back
# expect: 6. Bounded by its timeout  plan_text.rb:145  worst 20s
# expect: write  sh         ping -c1 {h}  (for each h in split(hosts, ","); plan_text.rb:147)
# expect: Rollback order
# expect: 6. Bounded by its timeout  no rollback block, although the step changes things
# expect: 5. Drop the old table  IRREVERSIBLE: the rollback stops here once this step has run
# expect: 4. Soak  no rollback block (nothing it does needs undoing)
# expect: 3. Announce  no rollback block, although the step changes things
# expect: 2. Migrate  rollback block, worst 30s
# expect: 1. Check the service  no rollback block (nothing it does needs undoing)
# expect: point of no return: step 5 "Drop the old table" — the old table's rows are gone
# expect: Worst-case duration
# expect: machine    operator       total    rollback
# expect: top-level code, line 78              30s          0s         30s
# expect: 1. Check the service              1m35s          0s       1m35s           -
# expect: 2. Migrate                        3m20s         15m      18m20s         30s
# expect: 3. Announce                       1m30s         30m      31m30s           -
# expect: 4. Soak                       unbounded          0s   unbounded           -
# expect: 5. Drop the old table               30s          0s         30s           -
# expect: 6. Bounded by its timeout           20s          0s         20s           -
# expect: run                            unbounded         45m   unbounded         30s
# expect: run, then the full rollback    unbounded         45m   unbounded
# expect: assuming:
# expect: - a call without `timeout:` counts the default 30s (`--default-timeout D` changes it, for the run and for this plan)
# expect: - soak = 2m (its default; --param soak=... changes it)
# expect: not bounded:
# expect: - step 4 "Soak": `for h in split(hosts, ",")` (plan_text.rb:136) repeats http.get (plan_text.rb:137) a number of times not known before the run
# not-expect: error
runbook "Plan coverage"

env API_TOKEN secret
env SLACK_HOOK optional                   # where to announce
param base_url = "http://127.0.0.1:9"
param release: string                     # the release tag
param soak = 2m
param hosts = "a,b"
param dry = false

let workdir = "/tmp/plan-{release}"
sh("mkdir -p {workdir}")

fn wait_up(url, limit = 1m) {
  expect http.get(url).status == 200 within limit every 5s
}

fn announce(hook, times) {
  for i in 1..times {
    http.post(hook, json: {text: "released {release}"})
  }
}

section "Preparation" {
  # The service must answer before anything changes.
  # Its version is logged for the report.
  step "Check the service" {
    wait_up("{base_url}/healthz")
    let v = http.get("{base_url}/version", timeout: 5s)
    log("version {v.body}")
  }

  step "Migrate" timeout 1m retry 2 every 10s {
    let batch = 100
    db_exec_batch(batch)
    if dry == false {
      sh("./migrate --escaped \{not-interpolated\} {release}")
    } else {
      sh("./migrate --check")
    }
    confirm("Migration looks right?", timeout: 5m)
  } rollback {
    sh("./migrate --down {release}")
  }
}

fn db_exec_batch(batch) {
  let db = sql.connect(env.API_TOKEN, timeout: 3s)
  db.exec("""
    UPDATE accounts SET plan = 'v2'
    WHERE id IN (
      SELECT id FROM accounts LIMIT {batch})
  """)
}

step "Announce" {
  if env.SLACK_HOOK != nil {
    announce(env.SLACK_HOOK, 3)
  }
  let who = ask("Who approves?")
  log("approved by {who}")
}

step "Soak" {
  wait(30s)
  watch soak every 10s {
    expect http.get("{base_url}/metrics").json.errors == 0
  }
  for h in split(hosts, ",") {
    expect http.get("{base_url}/hosts/{h}").status == 200
  }
}

step "Drop the old table" {
  sh("psql -c 'DROP TABLE old_accounts'")
} irreversible "the old table's rows are gone"

step "Bounded by its timeout" timeout 20s {
  for h in split(hosts, ",") {
    sh("ping -c1 {h}")
  }
}
