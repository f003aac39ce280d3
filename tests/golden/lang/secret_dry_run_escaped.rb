# --dry-run shows a skipped write with its arguments quoted and escaped: each string masked
# before it is escaped, so a secret with a brace or a quote in it is masked there too.
# env: BRACE_TOKEN=br{ace}-"q"-tok3n-56
# args: --dry-run
# exit: 0
# expect: would sh("printf %s ***")
# not-expect: tok3n-56
runbook "Dry run: secrets are masked before arguments are escaped"

env BRACE_TOKEN secret

step "A write with the token" {
  sh("printf %s {env.BRACE_TOKEN:raw}")
} rollback {
  # nothing to undo: it prints only (a write all the same, so the dry run skips it)
}
