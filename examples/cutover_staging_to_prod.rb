# Cutover: staging → production (translation of "Cutover Runbook: Staging → Production").
# The document's ordered steps 1–7 are the sections below, its per-step "Rollback plan" the
# rollback blocks (or a stop-if where the plan is "do not proceed"), and its final Go/No-Go
# checklist the evidence this run records by itself: the RC SHA, the backup's hash, every
# command's output, every expectation's values, every confirmation with who and when.
#
# Production: set the env vars, pass --param rc_sha=..., --param prod_base_url=..., and the real
# commands through the *_cmd params (each param's comment shows the document's command).
# Rehearsal (the test below): the HTTP fixture plays production (/healthz, /readyz, /auth for the
# admin and sensitive routes, /redirect/1 for a signed-URL redirect, /metrics) and the throwaway
# PostgreSQL the production database; the commands default to harmless stand-ins.
# requires: http, pg
# env: DATABASE_URL=${RBK_PG_DEMO_URL}
# env: JWT_SECRET=rehearsal-jwt-secret-0123456789abcdef
# env: STRIPE_SECRET_KEY=sk_live_rehearsal0000000000
# env: STRIPE_WEBHOOK_SECRET=whsec_rehearsal0000000000
# env: ADMIN_TOKEN=rehearsal-admin-token
# env: RATE_LIMIT_REDIS_URL=redis://127.0.0.1:6379
# env: OBJECT_STORAGE_PROVIDER=s3
# env: OBJECT_STORAGE_S3_BUCKET=rehearsal-bucket
# args: --yes --no-wait --param rehearsal=true --param rc_sha=0123abcd --param backup_root=/tmp
# args: --param prod_base_url=${RBK_HTTP_URL} --param staging_base_url=${RBK_HTTP_URL}
# args: --param payments_health_path=/readyz --param login_path=/auth --param sensitive_path=/auth
# args: --param attachment_path=/redirect/1 --param kpis_path=/auth --param ai_metrics_path=/auth
# args: --answer ci_run=https://ci.example.invalid/runs/4711 --answer owner=release-captain
# exit: 0
# expect: [1/15] Pre-flight: RC commit and CI
# expect: gate   Link to the CI run that is green on 0123abcd? -> https://ci.example.invalid/runs/4711 (--answer)
# expect: GO decision for 0123abcd by release-captain
# expect: == GO: 15 ok
# not-expect: rehearsal-jwt-secret-0123456789abcdef
# not-expect: whsec_rehearsal0000000000
# not-expect: rehearsal-admin-token
runbook "Cutover: staging → production"

env DATABASE_URL, JWT_SECRET, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, ADMIN_TOKEN secret
env RATE_LIMIT_REDIS_URL, OBJECT_STORAGE_PROVIDER, OBJECT_STORAGE_S3_BUCKET
env ATTACHMENTS_SIGNED_URL_TTL_SECONDS optional

param rc_sha: string            # the RC commit SHA to deploy
param prod_base_url: string     # https://<your-prod-host>
param staging_base_url: string  # https://<your-staging-host>
param rehearsal = false         # true: create the tables production already has
param backup_root = "/var/backups/cutover"
param payments_health_path = "/payments/health"
param login_path = "/auth/login"
param sensitive_path = "/attestation/probe"  # a route that attestation enforcement must block
param attachment_path = ""                   # e.g. /attachments/<id of a migrated attachment>; "" skips
param kpis_path = "/admin/ops/kpis"
param ai_metrics_path = "/admin/ai/metrics"
param max_error_rate = 0.01
# (the monitoring window, 15 minutes, is written in step 7; --time-scale rehearses it compressed)
param migrate_legacy_attachments = true
# Commands: harmless stand-ins by default; the document's commands in the comments.
param deploy_cmd = "true"                                         # deploy the RC build (e.g. railway up / your CD trigger)
param redeploy_previous_cmd = "true"                              # roll back to the previous known-good build
param migrate_cmd = "echo 'No pending migrations to apply.'"      # npm run migrate:deploy
param readiness_cmd = "echo 'readiness: all checks passed'"       # npm run readiness
param attachments_dry_run_cmd = "echo 'dry run: 0 failed'"        # npm run migrate:attachments -- --dry-run --limit=20 --concurrency=5
param attachments_migrate_cmd = "echo 'migrated: 0 failed'"       # npm run migrate:attachments -- --limit=200 --concurrency=5
param stripe_test_event_cmd = "echo 'test event delivered: 200'"  # stripe trigger payment_intent.succeeded (Live) and read the delivery status
param attestation_on_cmd = "true"                                 # set APP_ATTESTATION_ENFORCE=true (APP_ATTESTATION_PLATFORMS=android,ios), restart
param attestation_off_cmd = "true"                                # set APP_ATTESTATION_ENFORCE=false, restart
param worker_check_cmd = "echo 'worker: running'"                 # e.g. railway status for the worker service / pgrep -f 'npm run worker'
param worker_stop_cmd = "true"                                    # stop the worker process (temporary mitigation)

use "std/pg"
use "std/http" as web

let db = sql.connect(env.DATABASE_URL)
let backup_dir = trim(sh("mkdir -p {backup_root} && mktemp -d {backup_root}/cutover.XXXXXX").stdout)
let backup_file = "{backup_dir}/pre_cutover_{rc_sha}.sql"
let backup_sha = ""
let started_at = now()
let deployed_at = now()  # set again when the RC build is up
let admin = {Authorization: "Bearer {env.ADMIN_TOKEN}"}

fn healthz_readyz(base) {
  let h = web.expect_status("{base}/healthz", 200)
  expect h.json.ok == true
  let r = web.expect_status("{base}/readyz", 200)
  expect r.json.ok == true and r.json.db == true
}

section "Pre-flight" {
  step "Pre-flight: RC commit and CI" {
    expect rc_sha matches '^[0-9a-f]{7,40}$', "rc_sha is a commit SHA"
    let ci_run = ask("Link to the CI run that is green on {rc_sha}?")  # --answer ci_run=URL
    log("CI green on {rc_sha}: {ci_run}")
    healthz_readyz(staging_base_url)
  }

  step "Rehearsal: create the production tables" if rehearsal {
    db.exec("DROP TABLE IF EXISTS attachments")
    db.exec("""
      CREATE TABLE attachments (
        id bigint PRIMARY KEY, disk_path text, storage_key text, migrated_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now())
    """)
    db.exec("INSERT INTO attachments (id, disk_path) VALUES (1, '/uploads/1.png'), (2, '/uploads/2.png')")
  } rollback {
    db.exec("DROP TABLE IF EXISTS attachments")
    sh("rm -rf {backup_dir}")
  }

  step "Pre-flight: database backup" timeout 30m {
    let b = pg.backup(env.DATABASE_URL, backup_file)
    backup_sha = b.sha256
    log("backup {b.file}: {b.bytes} bytes, sha256 {b.sha256}, at {now()}")
  } rollback {
    # nothing to undo: the backup stays (the rollback of the migrations restores from it)
  }
}

section "1) Migrations" {
  step "Apply migrations" timeout 10m {
    let out = sh("{migrate_cmd:raw}")
    expect out.stdout contains "No pending migrations" or out.stdout contains "applied"
  } rollback timeout 1h {  # a whole-database restore takes longer than the migration
    # "Prefer restoring into a new DB and cutting over DATABASE_URL; no manual schema surgery."
    # Here: the pre-cutover backup is replayed (one transaction, stops at the first error).
    expect pg.restore(env.DATABASE_URL, backup_file)
    log("database restored from {backup_file}; if restoring into a new DB instead, cut DATABASE_URL over per docs/backups.md")
  }
}

section "2) Env validation" {
  step "Production env and guardrails" {
    expect starts_with(env.STRIPE_SECRET_KEY, "sk_live_"), "STRIPE_SECRET_KEY is a live key"
    expect len(env.JWT_SECRET) >= 32
    expect starts_with(env.RATE_LIMIT_REDIS_URL, "redis"), "RATE_LIMIT_REDIS_URL is set (required in production)"
    expect env.OBJECT_STORAGE_PROVIDER == "s3", "OBJECT_STORAGE_PROVIDER=s3 (required in production)"
    expect len(env.OBJECT_STORAGE_S3_BUCKET) > 0
    expect starts_with(env.STRIPE_WEBHOOK_SECRET, "whsec_"), "STRIPE_WEBHOOK_SECRET is a signing secret"
    if env.ATTACHMENTS_SIGNED_URL_TTL_SECONDS != nil {
      expect int(env.ATTACHMENTS_SIGNED_URL_TTL_SECONDS) > 0
    }
    let r = sh("{readiness_cmd:raw}", check: false, timeout: 5m, read_only: true)  # checks only
    stop-if r.code != 0, "readiness failed: fix the env vars and redeploy/restart; do not proceed"
  }

  step "Deploy the RC build" timeout 20m {
    sh("{deploy_cmd:raw}", env: {RC_SHA: rc_sha}, timeout: 15m)
    web.wait_healthy("{prod_base_url}/healthz", limit: 5m, poll: 5s)
    deployed_at = now()
  } rollback {
    sh("{redeploy_previous_cmd:raw}", timeout: 15m)
    web.wait_healthy("{prod_base_url}/healthz", limit: 5m, poll: 5s)
  }

  step "Production endpoints after deploy" {
    healthz_readyz(prod_base_url)
  }
}

section "3) Storage migration" {
  step "Legacy uploads to object storage" timeout 30m {
    let new_without_key = db.scalar("SELECT count(*) FROM attachments WHERE created_at > {deployed_at}::timestamptz AND storage_key IS NULL")
    expect new_without_key == 0, "uploads since the deploy are object-storage backed"
    if migrate_legacy_attachments {
      let dry = sh("{attachments_dry_run_cmd:raw}", timeout: 10m)
      expect dry.stdout contains " 0 failed"
      let run = sh("{attachments_migrate_cmd:raw}", timeout: 20m)
      expect run.stdout contains " 0 failed"
    }
    if attachment_path != "" {
      let a = http.get("{prod_base_url}{attachment_path}", follow: false)
      expect a.status == 302, "a migrated attachment redirects to a signed URL"
    }
  } rollback {
    # "Clear storageKey for affected rows so reads fall back to disk; keep diskPath."
    let cleared = db.exec("UPDATE attachments SET storage_key = NULL, migrated_at = NULL WHERE migrated_at >= {started_at}::timestamptz AND disk_path IS NOT NULL")
    log("storage_key cleared on {cleared} migrated rows")
  }
}

section "4) Webhook secret rotation (Stripe)" {
  step "Rotate the Stripe webhook secret" {
    confirm("Current STRIPE_WEBHOOK_SECRET copied to a secure note, and the production env editor open?")
    confirm("Signing secret rotated in Stripe (Live) for POST {prod_base_url}/payments/webhook?")
    confirm("Production STRIPE_WEBHOOK_SECRET updated to the new whsec_... value and the service restarted?")
    let ev = sh("{stripe_test_event_cmd:raw}", timeout: 2m)
    expect ev.stdout matches "delivered: 2[0-9][0-9]", "a Stripe test event is delivered with 2xx"
    let p = web.get_json("{prod_base_url}{payments_health_path}", headers: admin)
    expect p.ok == true
  } rollback {
    confirm("Webhooks failing: rotate the endpoint secret again and set STRIPE_WEBHOOK_SECRET to match (or, if Stripe was not rotated yet, restore the previous value)?")
  }
}

section "5) Smoke tests" {
  step "Smoke tests" {
    healthz_readyz(prod_base_url)
    let login = http.post(
      "{prod_base_url}{login_path}",
      json: {email: "smoke@example.invalid", password: "wrong"},
    )
    expect login.status < 500, "the login route responds"
    let ev = sh("{stripe_test_event_cmd:raw}", timeout: 2m)
    expect ev.stdout matches "delivered: 2[0-9][0-9]"
    if attachment_path != "" {
      let a = http.get("{prod_base_url}{attachment_path}", follow: false)
      expect a.status == 302 or a.status == 200, "attachment retrieval: a signed-URL redirect or a stream"
    }
  } rollback {
    # nothing to undo here (a test login and a test event): the rollback of the deploy, which
    # runs after this one, returns to the previous known-good build
  }
}

section "6) Feature flag enablement" {
  step "6a) Attestation enforcement" {
    sh("{attestation_on_cmd:raw}", timeout: 5m)
    web.wait_healthy("{prod_base_url}/healthz", limit: 2m, poll: 5s)
    let blocked = http.post("{prod_base_url}{sensitive_path}", json: {})
    expect blocked.status == 401 or blocked.status == 403, "an untokened sensitive route is blocked"
    confirm("A real production app build can call the sensitive routes?")
  } rollback {
    sh("{attestation_off_cmd:raw}", timeout: 5m)
    web.wait_healthy("{prod_base_url}/healthz", limit: 2m, poll: 5s)
  }

  step "6b) Job match digest mode" {
    let w = sh("{worker_check_cmd:raw}", read_only: true)
    expect w.stdout contains "running", "the digest worker is running"
    confirm("Digest mode enabled for the PRO test provider in the app settings?")
    confirm("A matching test job: immediate providers pushed at once, digest providers notified at the interval?")
  } rollback {
    confirm("Set the affected accounts' delivery mode back to immediate?")
    sh("{worker_stop_cmd:raw}")
  }
}

section "7) Monitoring" {
  step "Monitoring checks" {
    watch 15m every 1m {
      expect http.get("{prod_base_url}/healthz").status == 200
      expect http.get("{prod_base_url}/metrics").json.error_rate < max_error_rate
    }
    web.expect_status("{prod_base_url}{kpis_path}", 200, headers: admin)
    web.expect_status("{prod_base_url}{ai_metrics_path}", 200, headers: admin)
    confirm("Logs, Sentry and Stripe webhook deliveries normal; KPIs and AI metrics sane?")
  }
}

step "GO / NO-GO" {
  let owner = ask("Owner of the GO/NO-GO decision?")  # --answer owner=NAME
  confirm("GO for {rc_sha}?")
  log("GO decision for {rc_sha} by {owner}: backup sha256 {backup_sha}, cutover took {now() - started_at}, decided {now()}")
}

step "Rehearsal: clean up" if rehearsal {
  db.exec("DROP TABLE attachments")
  sh("rm -rf {backup_dir}")
} irreversible "rehearsal scaffolding and the rehearsal backup are removed"
