# The rollback reaches an irreversible step: it is blocked there, the steps before it are not
# rolled back, exit 3 (not fully restored).
# exit: 3
runbook "Database cutover"

step "snapshot" {
  sh("echo snapshot taken")
} rollback {
  sh("echo snapshot deleted")
}

step "switch DNS" {
  sh("echo dns switched")
} irreversible "DNS caches keep the new address for an hour"

step "warm caches" {
  sh("echo warmed")
} rollback {
  sh("echo caches cleared")
}

step "verify" {
  fail("the health check says 503")
} rollback {
  sh("echo verify undone")
}
