# V2 Intake — production deployment (translation of the "V2 Intake — Production Deployment
# Runbook", v1.0, 2026-02-18). Sections 1–11 of the document map to the sections below; its
# rollback procedures (§9, §10) are the rollback blocks of the steps they undo, so a failure
# anywhere after the backup unwinds exactly what was done, in reverse order.
#
# Critical rule of the document: deploy with ENABLE_V2_INTAKE=false first; enable only after all
# verification passes. The runbook refuses to start otherwise (stop-if in the first step).
#
# The document's "SSH to the production server, then:" is `hosts app` and `on:`: the build,
# migration, restart, kill-switch and log commands run on the `app` servers of the inventory
# (docs/fleet.md), in the app's directory (cwd: app_dir) with $APP set (env:).
#
# Production: set the env vars, pass --inventory with the real servers (inventory/production.ini
# shows its shape), leave the *_cmd params at their real values (see each param's comment) and
# the *_path params at their defaults. Rehearsal (what the test below runs): two hosts of the
# loopback sshd fleet play the app servers (inventory/rehearsal.ini), the HTTP fixture stands in
# for the API (its /healthz, /json, /v2/disabled, /auth and /metrics routes play the document's
# endpoints) and the throwaway PostgreSQL for the database; the commands that cannot run there
# (pm2, npx prisma, npm) default to harmless stand-ins, the
# fixture's Slack webhook takes the announcements (std/notify) that the document sends by hand,
# and the fixture's Vault holds the smoke tests' bearer token, which the document has the
# operator export as $VALID_TOKEN (std/vault reads it with the operator's `vault login`).
# requires: http, pg, fleet
# env: DATABASE_URL=${RBK_PG_DEMO_URL}
# env: JWT_SECRET=rehearsal-jwt-secret-0123456789abcdef
# env: ENCRYPTION_KEY=rehearsal-encryption-key
# env: VAULT_ADDR=${RBK_HTTP_URL}/vault
# env: VAULT_TOKEN=fixture-root-token
# env: VAULT_NAMESPACE=
# env: NODE_ENV=production
# env: ENABLE_V2_INTAKE=false
# env: ENABLE_V2_INTAKE_AUTH=true
# env: V1_STABLE=true
# env: ZERO_OPENAI_MODE=true
# env: AI_PROVIDER=rules
# env: SLACK_WEBHOOK_URL=${RBK_HTTP_URL}/slack/services/T0V2/B0V2/hook-key-v2i9
# args: --yes --no-wait --param rehearsal=true --param base_url=${RBK_HTTP_URL}
# args: --param health_path=/healthz --param liveness_path=/healthz --param version_path=/json
# args: --param v2_health_path=/healthz --param v2_schema_path=/json --param v2_disabled_paths=/v2/disabled,/v2/disabled/health
# args: --param sessions_path=/auth --param complete_path=/echo --param calibration_path=/auth
# args: --param metrics_path=/metrics --param backup_root=/tmp
# args: --answer previous_commit=1f2e3d4
# args: --inventory inventory/rehearsal.ini --ssh-config ${RBK_SSH_CONFIG} --param app_dir=/tmp
# exit: 0
# expect: log    vault: read secret/careconnect/v2-intake, the current version
# expect: [1/17] Pre-flight: environment variables
# expect: gate   V2 Intake Gate (195/195) and all 6 CI jobs green on v2-intake-scaffold? -> yes
# expect: log    slack: sent "V2 Intake production deployment: the window opens (kill switch OFF until section 6)"
# expect: log    h1: [V2 INTAKE ENABLED] Routes mounted at /api/v2/intake
# expect: log    h2: [V2 INTAKE ENABLED] Routes mounted at /api/v2/intake
# expect: [16/17] ok Observation period handed over
# expect: == GO: 17 ok
# not-expect: rehearsal-jwt-secret-0123456789abcdef
# not-expect: rehearsal-bearer-token
# not-expect: hook-key-v2i9
runbook "V2 Intake — production deployment"

# §2 Environment variable configuration (Appendix A)
env DATABASE_URL, JWT_SECRET, ENCRYPTION_KEY secret
env NODE_ENV, ENABLE_V2_INTAKE, ENABLE_V2_INTAKE_AUTH, V1_STABLE, ZERO_OPENAI_MODE, AI_PROVIDER
env PORT optional
env SLACK_WEBHOOK_URL secret              # the stakeholders' channel (§1: "Email/Slack to stakeholders")
hosts app                                 # the production server(s) running the backend under pm2

param base_url = "https://api.yoursite.com"
param rehearsal = false                    # true: create the tables production already has
param backup_root = "/var/backups/careconnect"
param app = "careconnect-backend"         # passed to every command as $APP
param app_dir = "/srv/careconnect"         # the checkout on each app server: its commands run there
# Appendix B endpoints (rehearsal maps them onto the fixture's routes)
param health_path = "/api/health"
param liveness_path = "/api/liveness"
param version_path = "/api/version"
param v2_health_path = "/api/v2/intake/health"
param v2_schema_path = "/api/v2/intake/schema"
param v2_disabled_paths: list = ["/api/v2/intake/schema", "/api/v2/intake/health"]   # §4.3: 404 while disabled
param sessions_path = "/api/v2/intake/sessions"
param complete_path = ""                   # "" = {sessions_path}/{sessionId}/complete
param calibration_path = "/api/v2/intake/calibration"
param metrics_path = "/api/metrics"
param max_error_rate = 0.01
# Commands (stand-ins by default; the real ones from the document in the comments). The first
# two run here, in the operator's checkout; the others on the app servers, in app_dir.
param staging_smoke_cmd = "echo '57/57 checks passed'"      # npx tsx scripts/v2_staging_smoke.ts
param v1_gate_cmd = "echo 'Tests: 1 failed, 27 passed, 28 total'"   # npx jest tests/gate/ --verbose
param migration_files_cmd = "echo 20260218000000_v2_intake_sessions"   # ls backend/prisma/migrations/
param migrate_status_cmd = "printf 'Following migration have not yet been applied:\\n20260218000000_v2_intake_sessions\\n'"   # cd backend && npx prisma migrate status
param migrate_cmd = "echo 'All migrations have been successfully applied.'"   # cd backend && npx prisma migrate deploy
param generate_cmd = "true"                # cd backend && npx prisma generate
param build_cmd = "true"                   # git checkout main && git pull origin main && cd backend && npm ci && npx prisma generate && npm run build
param restart_cmd = "true"                 # pm2 restart "$APP"   (or: sudo systemctl restart "$APP")
param revert_cmd = "true"                  # git checkout "$PREVIOUS_COMMIT" && cd backend && npm ci && npx prisma generate && npm run build
param enable_cmd = "true"                  # set ENABLE_V2_INTAKE=true in the service env, then pm2 restart "$APP" --update-env
param disable_cmd = "true"                 # set ENABLE_V2_INTAKE=false in the service env, then pm2 restart "$APP" --update-env
param disabled_log_cmd = "echo '[V2 Intake] DISABLED — ENABLE_V2_INTAKE is not set to true'"   # pm2 logs "$APP" --lines 50 --nostream
param enabled_log_cmd = "echo '[V2 INTAKE ENABLED] Routes mounted at /api/v2/intake'"        # pm2 logs "$APP" --lines 20 --nostream
param error_log_cmd = "true"               # pm2 logs "$APP" --lines 500 --nostream | grep -iE 'error.*v2|v2.*error|UnhandledPromise|unhandledRejection'

use "std/pg"
use "std/http" as web
use "std/notify"
use "std/vault"

let db = sql.connect(env.DATABASE_URL)
let backup_dir = trim(sh("mkdir -p {backup_root} && mktemp -d {backup_root}/v2-intake.XXXXXX").stdout)
let backup_file = "{backup_dir}/backup_{time.format(now(), "%Y-%m-%dT%H%M%S.%LZ")}.sql"
# the smoke tests' bearer token ($VALID_TOKEN in the document), from Vault rather than the shell
let auth = {Authorization: "Bearer {vault.kv_get("careconnect/v2-intake", field: "smoke_bearer_token")}"}
let cmd_env = {APP: app}
let previous_commit = ""                   # asked in "Deploy application", used by its rollback

# V1 is healthy: /api/health answers 200 with status "ok" (the fixture's /healthz says ok: true).
fn v1_healthy() {
  let r = web.expect_status("{base_url}{health_path}", 200)
  expect r.json.get("status") == "ok" or r.json.get("ok") == true, "V1 health reports ok"
  web.expect_status("{base_url}{liveness_path}", 200)
  let v = web.get_json("{base_url}{version_path}")
  log("version: {json.encode(v)}")
}

# V2 routes are not mounted: 404.
fn v2_disabled() {
  for path in v2_disabled_paths {
    web.expect_status("{base_url}{path}", 404)
  }
}

section "1. Pre-flight checklist" {
  step "Pre-flight: environment variables" {
    expect env.NODE_ENV == "production"
    stop-if env.ENABLE_V2_INTAKE != "false", "deploy with ENABLE_V2_INTAKE=false first — enable in section 6"
    expect env.ENABLE_V2_INTAKE_AUTH == "true", "JWT auth required on all protected V2 endpoints"
    expect env.V1_STABLE == "true"
    expect env.ZERO_OPENAI_MODE == "true", "V2 is rules-based: no OpenAI calls"
    expect env.AI_PROVIDER == "rules"
    expect len(env.JWT_SECRET) >= 32, "JWT_SECRET must be at least 32 characters"
    expect len(env.ENCRYPTION_KEY) > 0
    let port = "3001 (default)"
    if env.PORT != nil {
      port = env.PORT
    }
    log("PORT={port}")
  }

  step "Pre-flight: CI and tests" {
    confirm("V2 Intake Gate (195/195) and all 6 CI jobs green on v2-intake-scaffold?")
    # checks only: nothing in production changes, so a dry run runs them for real
    let smoke = sh("{staging_smoke_cmd:raw}", timeout: 10m, env: cmd_env, read_only: true)
    expect smoke.stdout contains "57/57", "staging smoke: 57/57 checks"
    let gate = sh("{v1_gate_cmd:raw}", timeout: 10m, check: false, env: cmd_env, read_only: true)
    expect gate.stdout contains "27 passed", "V1 gate tests: 27/28 (one known pre-existing failure)"
  }

  step "Pre-flight: sign-offs" {
    confirm("Clinical calibration session completed and signed off?")
    confirm("DV advocate testing completed and signed off?")
    confirm("Branch merged to main via a reviewed and approved PR?")
    notify.slack(env.SLACK_WEBHOOK_URL, "V2 Intake production deployment: the window opens (kill switch OFF until section 6)")
    confirm("Deployment window acknowledged by the stakeholders?")
    confirm("Rollback plan (this runbook's rollback blocks) reviewed by 2 people?")
  } rollback {
    # runs after every later step is undone: "notify all stakeholders" (post-emergency actions)
    notify.slack(env.SLACK_WEBHOOK_URL, "V2 Intake production deployment: rolled back, V1 unaffected — incident report to follow")
  }

  step "Pre-flight: database backup" timeout 30m {
    let b = pg.backup(env.DATABASE_URL, backup_file)
    log("backup {b.file}: {b.bytes} bytes, sha256 {b.sha256}")
  } rollback {
    # nothing to undo: the backup stays (§9's "Database rollback" can restore from it)
  }
}

section "3. Database migration" {
  step "Rehearsal: create the production tables" if rehearsal {
    db.exec("DROP TABLE IF EXISTS v2_intake_sessions")
    db.exec("""
      CREATE TABLE IF NOT EXISTS _prisma_migrations (
        id text PRIMARY KEY, migration_name text NOT NULL, finished_at timestamptz)
    """)
    db.exec("DELETE FROM _prisma_migrations WHERE migration_name LIKE {'%v2_intake%'}")
  } rollback {
    db.exec("DROP TABLE IF EXISTS _prisma_migrations")
    sh("rm -rf {backup_dir}")
  }

  step "Verify migration files" {
    # the migration runs once, from the first app server's checkout
    let files = sh("{migration_files_cmd:raw}", on: hosts.app[0], cwd: app_dir, env: cmd_env, read_only: true)
    expect files.stdout contains "v2_intake", "a v2_intake migration directory exists"
    # §3.2's preview: exactly one pending migration, the v2_intake_sessions one (prisma exits 1
    # while migrations are pending)
    let status = sh("{migrate_status_cmd:raw}", on: hosts.app[0], cwd: app_dir, env: cmd_env, read_only: true, check: false)
    let pending = re.find_all(status.stdout, '(?m)^[0-9]{14}_([a-z0-9_]+)$')
    expect len(pending) == 1 and pending[0][1] == "v2_intake_sessions", "1 pending migration, for v2_intake_sessions"
    stop-if pg.table_exists(db, "v2_intake_sessions"), "v2_intake_sessions already exists: the migration was applied before"
  }

  step "Run migration" timeout 10m {
    let out = sh("{migrate_cmd:raw}", on: hosts.app[0], cwd: app_dir, env: cmd_env)
    expect out.stdout contains "applied" or out.stdout contains "No pending migrations"
    if rehearsal {
      db.exec("""
        CREATE TABLE v2_intake_sessions (
          id uuid PRIMARY KEY, persona_data jsonb NOT NULL, status text NOT NULL DEFAULT 'open',
          created_at timestamptz NOT NULL DEFAULT now())
      """)
      db.exec("INSERT INTO _prisma_migrations VALUES ('rehearsal-1', '20260218000000_v2_intake_sessions', now())")
    }
    expect pg.table_exists(db, "v2_intake_sessions")
    expect pg.row_count(db, "v2_intake_sessions") == 0, "the new table is empty"
    sh("{generate_cmd:raw}", on: hosts.app, cwd: app_dir, timeout: 5m, env: cmd_env)
  } rollback {
    # §3 "Migration rollback" and §9 "Database rollback": drop the V2 table only.
    db.exec("DROP TABLE IF EXISTS v2_intake_sessions")
    db.exec("DELETE FROM _prisma_migrations WHERE migration_name LIKE {'%v2_intake%'}")
    expect not pg.table_exists(db, "v2_intake_sessions")
  }
}

section "4. Deployment (kill switch OFF)" {
  step "Deploy application" timeout 20m {
    # §9 "Full rollback": the commit before the V2 merge (git log --oneline -5), asked now so the
    # rollback below has it; --answer previous_commit=SHA gives it to a run without a terminal
    previous_commit = ask("Pre-deployment commit to revert to (the one before the V2 merge)?", name: "previous_commit")
    sh("{build_cmd:raw}", on: hosts.app, cwd: app_dir, timeout: 15m, env: cmd_env)
    sh("{restart_cmd:raw}", on: hosts.app, cwd: app_dir, timeout: 2m, env: cmd_env)
  } rollback {
    # §9 "Full rollback (revert code)": previous commit, rebuild, restart, verify V1.
    sh("{revert_cmd:raw}", on: hosts.app, cwd: app_dir, timeout: 15m, env: cmd_env + {PREVIOUS_COMMIT: previous_commit})
    sh("{restart_cmd:raw}", on: hosts.app, cwd: app_dir, timeout: 2m, env: cmd_env)
    web.wait_healthy("{base_url}{health_path}", limit: 2m, poll: 5s)
  }

  step "Verify V1 unaffected and V2 disabled" {
    web.wait_healthy("{base_url}{health_path}", limit: 2m, poll: 5s)
    v1_healthy()
    v2_disabled()
    for logs in sh("{disabled_log_cmd:raw}", on: hosts.app, cwd: app_dir, env: cmd_env, read_only: true) {
      stop-if not (logs.stdout contains "[V2 Intake] DISABLED"), "STOP: the V2-disabled startup line is missing on {logs.host} — see section 9"
    }
  }
}

section "5. Post-deployment verification" {
  step "Post-deployment verification" {
    v1_healthy()
    v2_disabled()
    expect db.scalar("SELECT 1") == 1, "database accessible"
    watch 15m every 1m {                   # "Wait 15 minutes and verify no V1 regressions"
      expect http.get("{base_url}{health_path}").status == 200
      expect http.get("{base_url}{v2_disabled_paths[0]}").status == 404
      expect http.get("{base_url}{metrics_path}").json.error_rate < max_error_rate
    }
    confirm("V1 parsing verified with a test transcript, and no new errors in Sentry/logs?")
  }
}

section "6. Enable V2 Intake (kill switch ON)" {
  step "Enable V2 Intake" {
    confirm("All verification passed. Enable V2 Intake (ENABLE_V2_INTAKE=true) now?")
    sh("{enable_cmd:raw}", on: hosts.app, cwd: app_dir, timeout: 2m, env: cmd_env)
  } rollback {
    # §9 "Quick rollback" / §10 "Emergency disable": flag off, restart, verify.
    sh("{disable_cmd:raw}", on: hosts.app, cwd: app_dir, timeout: 2m, env: cmd_env)
    web.wait_healthy("{base_url}{health_path}", limit: 2m, poll: 5s)
    v2_disabled()
    v1_healthy()
  }

  step "Verify V2 active and auth enforced" {
    for logs in sh("{enabled_log_cmd:raw}", on: hosts.app, cwd: app_dir, env: cmd_env, read_only: true) {
      log("{logs.host}: {trim(logs.stdout)}")
      expect logs.stdout contains "V2 INTAKE ENABLED"
    }
    web.wait_healthy("{base_url}{v2_health_path}", limit: 2m, poll: 5s)
    web.get_json("{base_url}{v2_schema_path}")
    let anon = http.post("{base_url}{sessions_path}", json: {})
    expect anon.status == 401, "a protected endpoint without a token is refused"
    let authed = http.post("{base_url}{sessions_path}", headers: auth, json: {personaData: {firstName: "Test"}})
    expect authed.status == 201, "a protected endpoint with a valid JWT creates"
  } rollback {
    # nothing to undo: the test session is kept for the audit trail
  }
}

section "7. Smoke test — production" {
  step "Quick smoke" {
    web.expect_status("{base_url}{v2_health_path}", 200)
    web.get_json("{base_url}{v2_schema_path}")
    let created = http.post("{base_url}{sessions_path}", headers: auth,
                            json: {personaData: {firstName: "SmokeTest", lastName: "Production"}})
    expect created.status == 201
    let sid = created.json.get("sessionId", "rehearsal-session")
    log("session created: {sid}")
    let path = complete_path
    if path == "" {
      path = "{sessions_path}/{sid}/complete"
    }
    let done = http.post("{base_url}{path}", headers: auth, json: {
      sessionId: sid,
      modules: {consent: {agreed: true}, demographics: {age: 35}, housing: {currentSituation: "sheltered"},
                health: {conditions: []}, safety: {dvStatus: "none"}, barriers: {items: []},
                income: {monthlyIncome: 1500}, goals: {housingGoal: "maintain"}}})
    expect done.status == 200 or done.status == 201, "session completed"
    web.expect_status("{base_url}{calibration_path}", 200, headers: auth)
    v1_healthy()
  } rollback {
    # nothing to undo: smoke sessions are kept for the audit trail
  }

  step "Automated smoke" {
    let out = sh("{staging_smoke_cmd:raw}", timeout: 10m, env: cmd_env)
    expect out.stdout contains "57/57"
  } rollback {
    # nothing to undo: smoke sessions are kept for the audit trail
  }
}

section "8. Monitoring" {
  step "Observe the first interval" {
    watch 15m every 1m {                   # §8's first interval: +15 min, error rate normal
      expect http.get("{base_url}{v2_health_path}").status == 200
      expect http.get("{base_url}{health_path}").status == 200
      expect http.get("{base_url}{metrics_path}").json.error_rate < max_error_rate
    }
    for errors in sh("{error_log_cmd:raw}", on: hosts.app, cwd: app_dir, check: false, env: cmd_env, read_only: true) {
      expect trim(errors.stdout) == "", "no V2 errors or unhandled rejections in the last 500 log lines of {errors.host}"
    }
  }
}

section "11. Post-deployment observation period" {
  step "Observation period handed over" {
    log("next: +1h response times and V1 intakes; +4h memory and DB connections; +12h audit trail; +24h full smoke")
    log("week 1: day 1 every 2h, day 2 every 4h, day 3 first production calibration report; week 2 daily")
    confirm("Monitoring schedule (section 8) and observation owners (section 11) assigned?")
  }
}

step "Rehearsal: clean up" if rehearsal {
  db.exec("DROP TABLE v2_intake_sessions, _prisma_migrations")
  sh("rm -rf {backup_dir}")
} irreversible "rehearsal scaffolding and the rehearsal backup are removed"
