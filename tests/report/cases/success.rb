# Every step passes: sections, checks with their values, a gate answered by --yes, a wait,
# a step skipped by its `if`, an irreversible step (the point of no return), a check
# evaluated three times in a loop (one entry, three evaluations).
# args: --yes
# exit: 0
runbook "Release 1.4 to staging"

param version = "1.4.0"
param replicas = 3

section "Pre-flight" {
  step "check the version" {
    expect starts_with(version, "1."), "only 1.x releases go through this runbook"
    stop-if replicas > 10, "too many replicas for staging"
    for n in [1, 2, 3] {
      expect n <= replicas, "one check per replica"
    }
    log("releasing {version}")
  }

  step "disk space" {
    let r = sh("echo 42")
    expect int(trim(r.stdout)) > 10
  } rollback {
    log("nothing to undo")
  }
}

section "Release" {
  step "approve" {
    confirm("Release {version} to staging?")
  }

  step "optional cleanup" if replicas > 5 {
    sh("echo never")
  } rollback {
    log("never")
  }

  step "switch traffic" {
    sh("echo switched")
    wait(10ms)
  } irreversible "clients see the new version at once"
}
