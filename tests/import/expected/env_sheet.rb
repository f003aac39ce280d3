# Imported from env_sheet.md by `runbook import`: a skeleton to finish. Each TODO(import) below
# marks what was not translated (0 in all); the summary on stderr lists them by line.
runbook "Environment and the go/no-go sheet"

env DATABASE_URL secret  # PostgreSQL connection string
env API_TOKEN secret  # from the vault — the document: <token>
env LOG_LEVEL optional  # Log verbosity; default info
env FEATURE_NEW_CHECKOUT  # enabled in the last step — the document: false
env SENTRY_DSN secret  # SENTRY_DSN — error reporting
env REGION  # REGION=eu-west-1 (optional CANARY_PERCENT)
env CANARY_PERCENT optional  # Share of traffic on the canary; default 5
env STRIPE_SECRET_KEY secret  # Payments
env APP_URL

# **Configuration**
#
# Set these before the run:
# (the variables of the block at line 7 are the env declarations at the top)
#
# Environment variables:
# - `SENTRY_DSN` — error reporting
# - `REGION=eu-west-1` (optional `CANARY_PERCENT`)
#
# (the table of variables at line 18 is the env declarations at the top)
#
#   - Keep an eye on the error rate.
step "Enable the feature" {
  # Set in production:
  confirm("Set in production: FEATURE_NEW_CHECKOUT=true?")
  confirm("Restart the service?")
  let r = http.get("{env.APP_URL}/healthz", follow: false)
  expect r.status >= 200 and r.status < 300
}

section "Go/No-Go sheet (copy/paste)" {
  step "Evidence" {
    ask("Backup taken at")
    confirm("Health green?")
    # Command:
    # curl -sS $APP_URL/healthz
    # Output (paste):
    # (a block to paste evidence into: the run's report records it — runbook run --report)
  }

  step "Decision" {
    confirm("GO?")
    # (fill-in, recorded by the run's report: Owner:)
  }
}
