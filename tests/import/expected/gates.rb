# Imported from gates.md by `runbook import`: a skeleton to finish. Each TODO(import) below
# marks what was not translated (7 in all); the summary on stderr lists them by line.
runbook "Gates, stops and rollbacks"

param base_url = "https://shop.example.com"

step "Pre-flight" {
  confirm("Change ticket approved?")
  confirm("On-call engineer paged in?")
  ask("Release tag")
  # TODO(import): write the condition of this stop-if; until then it always stops the run here (line 9)
  stop-if true, "DO NOT PROCEED IF the error rate is above 1% in the last hour."
}

section "Cutover" {
  # IMMEDIATE ROLLBACK IF checkout errors appear in the first 5 minutes.
  #
  # Wait 10 minutes before the next step.
  step "Switch traffic" {
    sh("./scripts/switch.sh --to green")
    # TODO(import): an expect that fails when this holds rolls the step back: IMMEDIATE ROLLBACK IF checkout errors appear in the first 5 minutes. (line 19)
    wait(10m)
  } rollback {
    # Rollback procedure
    sh("./scripts/switch.sh --to blue")
  }

  step "Migrate the schema" {
    # Actions:
    # Apply the migration:
    # npm run migrate:deploy
    let r = sh("npm run migrate:deploy")
    expect r.stdout contains "No pending migrations"
    confirm("Announce the freeze in #eng?")
    # TODO(import): write the condition of this stop-if; until then it always stops the run here (line 41)
    stop-if true, "If it half-applied: Do not proceed; Restore from the snapshot"
    # TODO(import): write the condition of this stop-if; until then it always stops the run here (line 46)
    stop-if true, "STOP HERE if the migration reports drift."
  } rollback {
    confirm("If the migration fails before applying anything: fix it and re-run?")
    # Revert with npm run migrate:undo
    sh("npm run migrate:undo")
  }

  step "Verify" {
    # Health
    let r = http.get("{base_url}/healthz", follow: false)
    expect r.status == 200
    confirm("Orders flowing (Look at the orders dashboard) — expected: Orders in the last 5 min?")
    # Queue empty
    let r2 = sh("redis-cli llen orders")
    expect trim(r2.stdout) == "0"
  }
}

# TODO(import): "Rollback" has no clear owner step: call rollback_procedure() from the rollback block of the step it undoes (line 56)
# **Rollback**
#
# If anything above fails, this is the whole way back.
# - Tell the on-call channel first, then wait 2 minutes for the caches.
fn rollback_procedure() {
  wait(2m)
}

# TODO(import): "Rollback" has no clear owner step: call rollback_procedure_2() from the rollback block of the step it undoes (line 62)
# **Rollback**
fn rollback_procedure_2() {
  sh("./scripts/flush-caches.sh")
}

# TODO(import): "Put blue back" has no clear owner step: call rollback_put_blue_back() from the rollback block of the step it undoes (line 68)
# **Put blue back**
fn rollback_put_blue_back() {
  sh("./scripts/switch.sh --to blue")
  wait(2m)
}
