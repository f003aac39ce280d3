# Imported from 004_50e525bd81554f47.txt by `runbook import`: a skeleton to finish. Each TODO(import) below
# marks what was not translated (3 in all); the summary on stderr lists them by line.
runbook "Cutover Runbook: Staging → Production"

env PROD_BASE_URL  # Production base URL: PROD_BASE_URL=https://<your-prod-host>
env STAGING_BASE_URL  # Staging base URL: STAGING_BASE_URL=https://<your-staging-host>
env DATABASE_URL secret  # DATABASE_URL
env JWT_SECRET secret  # JWT_SECRET
env STRIPE_SECRET_KEY secret  # STRIPE_SECRET_KEY (must be live in prod)
env RATE_LIMIT_REDIS_URL  # RATE_LIMIT_REDIS_URL (required in production)
env OBJECT_STORAGE_PROVIDER  # OBJECT_STORAGE_PROVIDER=s3 (required in production)
env ATTACHMENTS_SIGNED_URL_TTL_SECONDS optional  # S3 credentials (OBJECT_STORAGE_S3_*) and optional ATTACHMENTS_SIGNED_URL_TTL_SECONDS

param base_url: string  # where the document's `METHOD /path` requests go (no host in the document)
param id: string  # :id in GET /attachments/:id

# This document is the single step-by-step runbook to cut over a release from staging to production **without tribal knowledge**.
#
# Scope:
# - Backend deploy + DB migrations (Prisma)
# - Env validation / production guardrails
# - Attachment storage migration (legacy disk → object storage)
# - Stripe webhook secret rotation
# - Smoke tests
# - Feature enablement (attestation enforcement, job match digest mode)
# - Monitoring checks
#
# Assumptions:
# - You can update production environment variables (e.g., Railway).
# - You can run one-off commands in the production environment (Railway shell / container).
# - You have access to Stripe Dashboard (Live) and the DB provider.
#
# Quick references:
# - Deployment gate: [docs/deployment-gate.md](deployment-gate.md)
# - Production checklist: [docs/production-checklist.md](production-checklist.md)
# - Backups and restore: [docs/backups.md](backups.md)
# - Ops baseline: [docs/ops.md](ops.md)
#
#   - Production base URL: `PROD_BASE_URL=https://<your-prod-host>`
#   - Staging base URL: `STAGING_BASE_URL=https://<your-staging-host>`
section "Pre-flight (do before starting the ordered cutover)" {
  step "Identify the RC commit SHA to deploy" {
    confirm("Identify the RC commit SHA to deploy?")
  }

  step "Confirm CI is green on that SHA" {
    confirm("Confirm CI is green on that SHA?")
  }

  #   - Follow [docs/backups.md](backups.md) (preferred: provider snapshot or `scripts/db/backup.*`).
  step "Take a DB snapshot / backup" {
    confirm("Take a DB snapshot / backup?")
  }
}

section "Ordered cutover steps (exact order)" {
  # Goal: apply schema migrations **once** in production.
  step "1) Migrations (Prisma)" {
    # Commands (run in the production runtime environment):
    # npm run migrate:deploy
    sh("npm run migrate:deploy")
    # Expected: Either No pending migrations or migration application logs finishing successfully.
    # TODO(import): write the expectation "Either No pending migrations or migration application logs finishing successfully." as an expect on the result (line 49)
  } rollback {
    confirm("If migrations fail before applying anything: fix the migration and re-run?")
    confirm("If migrations partially applied or schema drift is suspected: Stop the rollout; Prefer restoring into a new DB and cutting over DATABASE_URL per docs/backups.md; Do not attempt manual schema surgery unless you are confident and have a verified rollback?")
  }

  # Goal: ensure production-required env vars/guardrails are satisfied **before** opening traffic.
  #   - `DATABASE_URL`
  #   - `JWT_SECRET`
  #   - `STRIPE_SECRET_KEY` (must be live in prod)
  #   - `RATE_LIMIT_REDIS_URL` (required in production)
  #   - `OBJECT_STORAGE_PROVIDER=s3` (required in production)
  step "2) Env validation (production gates)" {
    # Actions:
    # Confirm required env vars are set in production (minimum):
    confirm("S3 credentials (OBJECT_STORAGE_S3_*) and optional ATTACHMENTS_SIGNED_URL_TTL_SECONDS?")
    # Validate via the readiness suite (CI / local):
    # npm run readiness
    sh("npm run readiness")
    # Validate via prod endpoints after deploy (once the new build is up):
    # GET /healthz → expects 200 with { ok: true }
    let r = http.get("{base_url}/healthz", follow: false)
    expect r.status == 200
    expect r.json.ok == true
    # GET /readyz → expects 200 with { ok: true, db: true }
    let r2 = http.get("{base_url}/readyz", follow: false)
    expect r2.status == 200
    expect r2.json.ok == true
    expect r2.json.db == true
    # TODO(import): write the condition of this stop-if; until then it always stops the run here (line 80)
    stop-if true, "If readiness fails due to missing env: Do not proceed; Fix env vars and redeploy/restart"
  } rollback {
    confirm("If readyz fails due to DB connectivity: Roll back the deploy (previous build) or restore DB connectivity before continuing?")
  }

  # Goal: ensure production uses object storage for new uploads and (optionally) migrate legacy `diskPath` uploads to `storageKey`.
  #
  # Pre-req:
  # - Production must already have `OBJECT_STORAGE_PROVIDER=s3` and valid credentials.
  step "3) Storage migration (legacy disk uploads → object storage)" {
    # Actions:
    # Confirm new uploads are object-storage backed (post-deploy behavior check):
    confirm("Upload a small attachment and confirm the row has storageKey (not only diskPath)?")
    # If legacy uploads exist and you are migrating them:
    # Dry run first:
    # npm run migrate:attachments -- --dry-run --limit=20 --concurrency=5
    sh("npm run migrate:attachments -- --dry-run --limit=20 --concurrency=5")
    # Then run the migration (start conservative):
    # npm run migrate:attachments -- --limit=200 --concurrency=5
    sh("npm run migrate:attachments -- --limit=200 --concurrency=5")
    # Post-check:
    # Request GET /attachments/:id for a migrated attachment and confirm it redirects (302) to a signed URL.
    let r = http.get("{base_url}/attachments/{id}", follow: false)
    expect r.status == 302
    # TODO(import): write the condition of this stop-if; until then it always stops the run here (line 108)
    stop-if true, "If object storage credentials are wrong: Fix env vars; do not continue"
  } rollback {
    confirm("If the legacy migration causes issues: The safe rollback is to clear storageKey for affected rows so reads fall back to disk (see rollback section in docs/production-checklist.md); Keep diskPath until migrations are fully verified?")
  }

  # Goal: rotate the Stripe webhook signing secret safely.
  #
  # Important:
  # - This codebase expects a single `STRIPE_WEBHOOK_SECRET` at a time.
  # - Plan a short window where webhook verification may fail if you rotate in Stripe but have not yet updated production env.
  step "4) Webhook secret rotation (Stripe)" {
    # Actions (recommended safest sequence):
    # In Stripe Dashboard (Live), locate the existing webhook endpoint for:
    confirm("In Stripe Dashboard (Live), locate the existing webhook endpoint for: POST https://<prod-host>/payments/webhook?")
    confirm("Prepare the production env edit UI (Railway) with the current STRIPE_WEBHOOK_SECRET visible (copy it to a secure note)?")
    confirm("Rotate the signing secret in Stripe (endpoint settings)?")
    # Immediately update production env var:
    confirm("Set STRIPE_WEBHOOK_SECRET to the new whsec_...?")
    confirm("Trigger a Stripe test event delivery and confirm it returns 2xx and is processed?")
    # Also verify GET /payments/health (admin-only) returns ok: true and indicates live mode.
    let r = http.get("{base_url}/payments/health", follow: false)
    expect r.json.ok == true
  } rollback {
    confirm("If you have not rotated in Stripe yet: revert the env change to the previous secret?")
    confirm("If you already rotated and webhooks are failing: Rotate the endpoint secret again to a fresh secret and update STRIPE_WEBHOOK_SECRET to match; Rely on replay safety: Stripe will retry deliveries and the backend is idempotent?")
  }

  # Goal: confirm critical production behaviors end-to-end.
  #
  # Optional scripts (local/dev oriented; adapt base URL if needed):
  # - Attachment flows smoke (PowerShell): `scripts/smokeAttachments.ps1`
  # - SecurityEvent logging E2E (Node): `node scripts/smokeSecurityEventsE2E.cjs`
  step "5) Smoke tests" {
    # Actions:
    # Health:
    # GET /healthz → 200 { ok: true }
    let r = http.get("{base_url}/healthz", follow: false)
    expect r.status == 200
    expect r.json.ok == true
    # GET /readyz → 200 { ok: true, db: true }
    let r2 = http.get("{base_url}/readyz", follow: false)
    expect r2.status == 200
    expect r2.json.ok == true
    expect r2.json.db == true
    # Auth basics:
    confirm("Attempt a login with a known test account (or verify /auth/login responds)?")
    # Stripe webhooks:
    confirm("Send a Stripe test event → confirm 2xx and no errors?")
    # Attachments (if enabled in prod):
    confirm("Upload a small image attachment and confirm retrieval works (redirect to signed URL or stream depending on storage)?")
  } rollback {
    confirm("If any smoke test fails: Stop and roll back the deploy to the previous known-good build; If failure is data/schema related, prefer DB restore/cutover per docs/backups.md?")
  }

  # **6) Feature flag enablement**
  #
  # This step is where you turn on “production behavior changes” that are intentionally gated.
  #
  # Goal: enforce app attestation on sensitive routes.
  step "6a) Attestation enforcement" {
    # Actions:
    confirm("Ensure verifier config exists (Android and/or iOS) and has been validated by npm run readiness?")
    # Set in production:
    confirm("Set in production: APP_ATTESTATION_ENFORCE=true?")
    confirm("Set in production: (Optional) APP_ATTESTATION_PLATFORMS=android,ios?")
    confirm("Deploy/restart the service?")
    confirm("Verify from a real production app build that sensitive routes work?")
    confirm("Verify that unauthenticated/untokened sensitive routes are blocked (expected)?")
  } rollback {
    confirm("Set APP_ATTESTATION_ENFORCE=false and redeploy/restart?")
  }

  # Goal: enable digest-mode delivery for job match notifications.
  #
  # Notes:
  # - Digest mode is primarily controlled by per-user notification preferences (e.g., `matchDeliveryMode=DIGEST` and `digestIntervalMinutes`).
  # - There is no single backend env flag that “turns on digest” globally; rollout is typically done by shipping the mobile UI and enabling it for users.
  step "6b) Job match digest mode" {
    # Actions:
    # Confirm production has a running worker (digest jobs rely on background processing):
    confirm("Worker process should be running (npm run worker in prod)?")
    confirm("In a production test account (PRO provider), enable digest mode via the app settings UI?")
    # Create a test job that should match the provider and confirm:
    confirm("Immediate providers still get immediate push?")
    confirm("Digest providers accumulate and receive a digest notification at the configured interval?")
  } rollback {
    confirm("Disable digest for affected accounts via settings (set delivery mode back to immediate)?")
    confirm("If the worker is causing issues, stop the worker process (temporary mitigation) and revert after investigation?")
  }

  # Goal: confirm production is healthy and alerts/telemetry look normal.
  step "7) Monitoring checks" {
    # Actions:
    # Logs:
    confirm("Confirm no elevated 5xx rates and no repeated error logs?")
    # Sentry (if enabled):
    confirm("Confirm no new spike in exceptions?")
    # Stripe:
    confirm("Confirm webhook deliveries show success?")
    # Ops endpoints (admin-only):
    # GET /admin/ops/kpis
    http.get("{base_url}/admin/ops/kpis", follow: false)
    # GET /admin/ai/metrics (AI usage, cache hit ratio, blocked calls, top cost users)
    http.get("{base_url}/admin/ai/metrics", follow: false)
  } rollback {
    confirm("If monitoring indicates a production incident: Roll back to last known-good build; If the issue is data/schema, follow restore/cutover in docs/backups.md?")
  }
}

# Fill this in during the cutover.
section "Final Go/No-Go checklist (copy/paste)" {
  step "A) Pre-flight confirmations" {
    ask("RC commit SHA")
    ask("CI green on SHA (link)")
    ask("DB backup/snapshot completed (timestamp)")
  }

  # **B) Step 1 — migrations**
  #
  # Command:
  # npm run migrate:deploy
  # (a block to paste evidence into: the run's report records it — runbook run --report)
  #
  # **C) Step 2 — env validation**
  #
  # Commands:
  # npm run readiness
  # curl -sS $PROD_BASE_URL/healthz
  # curl -sS $PROD_BASE_URL/readyz
  # (a block to paste evidence into: the run's report records it — runbook run --report)
  # (a block to paste evidence into: the run's report records it — runbook run --report)
  # (a block to paste evidence into: the run's report records it — runbook run --report)
  #
  # **D) Step 3 — storage migration**
  #
  # Commands (if migrating legacy uploads):
  # npm run migrate:attachments -- --dry-run --limit=20 --concurrency=5
  # npm run migrate:attachments -- --limit=200 --concurrency=5
  # (a block to paste evidence into: the run's report records it — runbook run --report)
  #
  # Evidence (paste):
  step "E) Step 4 — webhook secret rotation" {
    confirm("Stripe endpoint secret rotated?")
    confirm("Production STRIPE_WEBHOOK_SECRET updated?")
    confirm("Stripe test event delivered successfully?")
    # (fill-in, recorded by the run's report: Stripe test delivery status:)
    # GET /payments/health output:
    # (a block to paste evidence into: the run's report records it — runbook run --report)
  }

  # Evidence (paste):
  step "F) Step 5 — smoke tests" {
    confirm("/healthz OK?")
    confirm("/readyz OK?")
    confirm("Auth/login sanity OK?")
    confirm("Attachment upload/retrieval OK (if applicable)?")
    # (a block to paste evidence into: the run's report records it — runbook run --report)
  }

  # Attestation:
  #
  # Digest mode:
  step "G) Step 6 — feature enablement" {
    confirm("APP_ATTESTATION_ENFORCE=true applied?")
    confirm("Real client can call sensitive routes?")
    confirm("Non-attested calls are blocked (expected)?")
    confirm("Worker running?")
    confirm("Test provider set to digest mode?")
    confirm("Digest notification observed at interval?")
  }

  step "H) Step 7 — monitoring checks" {
    confirm("Logs normal (no error spike)?")
    confirm("Sentry normal (no exception spike)?")
    confirm("Stripe webhook deliveries normal?")
    confirm("/admin/ops/kpis looks sane?")
    confirm("/admin/ai/metrics looks sane (cache hit ratio, blocked calls)?")
  }

  step "GO / NO-GO" {
    confirm("GO?")
    # (fill-in, recorded by the run's report: Owner:)
    # (fill-in, recorded by the run's report: Timestamp (UTC):)
    # (fill-in, recorded by the run's report: Notes:)
  }
}
